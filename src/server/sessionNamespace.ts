// socket.io /session: a dashboard's live view of its room's recording — the session (on connect and on
// start/stop), markers, alerts and rule changes — and its requests (history, addMarker, start/stop, rules),
// answered by one Ack each, with the same validation and codes as the REST routes.
import type { Namespace } from 'socket.io';
import type { SessionClientToServerEvents, SessionServerToClientEvents } from '../contracts/session.js';
import type { FailureLimiter } from '../auth/FailureLimiter.js';
import type { TokenIssuer } from '../auth/tokens.js';
import type { Logger } from '../log/logger.js';
import type { Recording } from './Recording.js';
import type { RoomActions } from './api/RoomActions.js';
import { answerRequests } from './answerRequests.js';
import { requireToken, type AuthedSocketData } from '../auth/socketAuth.js';

export type SessionNamespace = Namespace<SessionClientToServerEvents, SessionServerToClientEvents, Record<string, never>, AuthedSocketData>;

const channel = (room: string): string => `session:${room}`;

export function attachSessionNamespace(
  namespace: SessionNamespace,
  deps: { tokens: TokenIssuer; failures?: FailureLimiter; recording: Recording; actions: RoomActions; logger: Logger },
): () => void {
  const { recording, actions } = deps;
  const log = deps.logger.child({ component: 'session-namespace' });
  requireToken(namespace, deps.tokens, ['dashboard', 'admin'], log, deps.failures);

  namespace.on('connection', (socket) => {
    const { room } = socket.data.claims;
    void socket.join(channel(room));
    socket.emit('session', recording.recorder.current(room));
    socket.emit('rules', actions.rules(room));
    answerRequests(socket, {
      history: (data) => actions.history(room, data),
      addMarker: (data) => actions.addMarker(room, data),
      startSession: () => actions.start(room),
      stopSession: () => actions.stop(room),
      setRules: (data) => actions.setRules(room, data),
    } satisfies Record<keyof SessionClientToServerEvents, (data: unknown) => unknown>, log);
  });

  const onSession = (room: string, session: Parameters<SessionServerToClientEvents['session']>[0]) =>
    namespace.to(channel(room)).emit('session', session);
  const onMarker = (room: string, marker: Parameters<SessionServerToClientEvents['marker']>[0]) => namespace.to(channel(room)).emit('marker', marker);
  const onAlert = (room: string, alert: Parameters<SessionServerToClientEvents['alert']>[0]) => namespace.to(channel(room)).emit('alert', alert);
  const onRules = (room: string, rules: Parameters<SessionServerToClientEvents['rules']>[0]) => namespace.to(channel(room)).emit('rules', rules);
  recording.recorder.on('session', onSession);
  recording.recorder.on('marker', onMarker);
  recording.alerts.on('alert', onAlert);
  recording.alerts.on('rules', onRules);
  return () => {
    recording.recorder.off('session', onSession);
    recording.recorder.off('marker', onMarker);
    recording.alerts.off('alert', onAlert);
    recording.alerts.off('rules', onRules);
  };
}
