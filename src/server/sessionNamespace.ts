// socket.io /session: a dashboard's live view of its room's recording — the session (on connect and on
// start/stop), markers, alerts and rule changes — and its requests (history, addMarker, start/stop, rules),
// answered by one Ack each, with the same validation and codes as the REST routes.
import type { Namespace } from 'socket.io';
import type { Ack } from '../contracts/ack.js';
import { AffectcastError, type ErrorPayload } from '../contracts/errors.js';
import type { SessionClientToServerEvents, SessionServerToClientEvents } from '../contracts/session.js';
import type { FailureLimiter } from '../auth/FailureLimiter.js';
import type { TokenIssuer } from '../auth/tokens.js';
import type { Logger } from '../log/logger.js';
import type { Recording } from './Recording.js';
import type { RoomActions } from './api/RoomActions.js';
import { requireToken, type AuthedSocketData } from '../auth/socketAuth.js';

export type SessionNamespace = Namespace<SessionClientToServerEvents, SessionServerToClientEvents, Record<string, never>, AuthedSocketData>;

const channel = (room: string): string => `session:${room}`;

type Handler = (room: string, data: unknown) => unknown;

export function attachSessionNamespace(
  namespace: SessionNamespace,
  deps: { tokens: TokenIssuer; failures?: FailureLimiter; recording: Recording; actions: RoomActions; logger: Logger },
): () => void {
  const { recording, actions } = deps;
  const log = deps.logger.child({ component: 'session-namespace' });
  requireToken(namespace, deps.tokens, ['dashboard', 'admin'], log, deps.failures);

  const handlers: Record<keyof SessionClientToServerEvents, Handler> = {
    history: (room, data) => actions.history(room, data),
    addMarker: (room, data) => actions.addMarker(room, data),
    startSession: (room) => actions.start(room),
    stopSession: (room) => actions.stop(room),
    setRules: (room, data) => actions.setRules(room, data),
  };

  namespace.on('connection', (socket) => {
    const { room } = socket.data.claims;
    void socket.join(channel(room));
    socket.emit('session', recording.recorder.current(room));
    socket.emit('rules', actions.rules(room));
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      const reply = ack as (a: Ack<unknown>) => void;
      const handler = Object.hasOwn(handlers, event) ? handlers[event as keyof SessionClientToServerEvents] : undefined;
      const fail = (error: unknown) => {
        const payload: ErrorPayload = error instanceof AffectcastError ? error.toPayload() : { code: 'INTERNAL', message: 'internal error' };
        if (payload.code === 'INTERNAL') log.error({ err: error, event: event.slice(0, 64) }, 'session request failed');
        reply({ ok: false, error: payload });
      };
      void (async () => {
        if (!handler) throw new AffectcastError('UNKNOWN_REQUEST', `no such request: ${event.slice(0, 64)}`);
        return handler(room, args.length >= 2 ? args[0] : undefined);
      })().then((data) => reply({ ok: true, data }), fail);
    });
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
