// Session dashboard /dashboard?room=…&token=…: every face of every participant with timelines (uPlot), AU
// chips and the source of every value; the session's markers and alerts; start/stop, export, and an OBS
// overlay URL builder. Opened or reloaded mid-session it first draws the recorded session so far, then goes
// on live: live events that arrive while the history loads wait, and overlaps are dropped by capture time.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { AffectEvent } from '../../contracts/affect.js';
import type { RoomInfo } from '../../contracts/consent.js';
import type { RoomState } from '../../contracts/overlay.js';
import {
  SESSION_NAMESPACE,
  type SessionClientToServerEvents,
  type SessionHistory,
  type SessionInfo,
  type SessionServerToClientEvents,
} from '../../contracts/session.js';
import { connectAffect, connectNamespace, type ConnectionState } from '../shared/affectSocket.js';
import { el, requireElement } from '../shared/dom.js';
import { readPageParams } from '../shared/pageParams.js';
import { AlertPanel } from './AlertPanel.js';
import { RoomApi } from './api.js';
import { FaceBoard } from './FaceBoard.js';
import { FileAnalysisPanel, type FileAnalysisState } from './FileAnalysisPanel.js';
import { OverlayBuilder } from './OverlayBuilder.js';
import { explain } from './format.js';
import { SessionPanel } from './SessionPanel.js';

/** Test and debugging hook. */
interface DashboardDebugState {
  connection: { affect: ConnectionState; session: ConnectionState };
  /** null until the recorded history was drawn; then how many recorded events it held. */
  historyEvents: number | null;
  liveEvents: number;
  alerts(): number;
  faces(): ReturnType<FaceBoard['summary']>;
  file: FileAnalysisState;
}
declare global {
  interface Window {
    affectcastDashboard: DashboardDebugState;
  }
}

const params = readPageParams(window.location);
requireElement('room').textContent = params.room;
const connection = requireElement<HTMLElement>('connection');
const pageError = requireElement<HTMLElement>('page-error');
const empty = requireElement<HTMLElement>('empty');
const purpose = requireElement<HTMLElement>('purpose');
const api = new RoomApi(params.room, params.token);
const board = new FaceBoard(requireElement<HTMLElement>('participants'));
const sessionPanel = new SessionPanel(api);
const alertPanel = new AlertPanel(api);
new OverlayBuilder(api);
const filePanel = new FileAnalysisPanel(params.token);
sessionPanel.onMarkers = (markers) => board.setMarkers(markers);

const states = { affect: 'connecting' as ConnectionState, session: 'connecting' as ConnectionState };
const debug: DashboardDebugState = (window.affectcastDashboard = {
  connection: states,
  historyEvents: null,
  liveEvents: 0,
  alerts: () => alertPanel.count,
  faces: () => board.summary(),
  file: filePanel.state,
});

function showConnection(which: keyof typeof states, state: ConnectionState, detail?: string): void {
  states[which] = state;
  const worst = states.affect === 'refused' || states.session === 'refused' ? 'refused' : states.affect === 'live' && states.session === 'live' ? 'live' : state;
  connection.dataset.state = worst;
  // A revoked or expired link must not keep showing what it no longer grants.
  if (worst === 'refused') {
    board.clear();
    document.body.dataset.refused = 'true';
  }
  connection.textContent = worst === 'refused' ? `access refused: ${detail ?? ''}` : worst;
}

function showError(message: string): void {
  pageError.hidden = false;
  pageError.textContent = message;
}

// Until the history is drawn, live input waits here, in arrival order.
let pending: Array<() => void> | null = [];
const whenReady = (fn: () => void) => (pending ? pending.push(fn) : fn());
/** The session the board shows (undefined until the history arrived). */
let shownSession: string | null | undefined;

function addLive(event: AffectEvent): void {
  debug.liveEvents += 1;
  empty.hidden = true;
  board.add(event, true);
}

async function loadHistory(): Promise<void> {
  try {
    // Full resolution while it fits; a long session comes back as one point per stream per second instead.
    let history = await api.call<SessionHistory>('GET', '/history?limit=20000');
    if (history.truncated) history = await api.call<SessionHistory>('GET', '/history?limit=50000&everyMs=1000');
    board.setNames(history.participants);
    for (const event of history.events) board.add(event, false);
    if (history.events.length > 0) empty.hidden = true;
    shownSession = history.session?.id ?? null;
    sessionPanel.setSession(history.session);
    sessionPanel.setMarkers(history.markers);
    alertPanel.setAlerts(history.alerts);
    alertPanel.setRules(history.rules);
    debug.historyEvents = history.events.length;
    if (history.truncated) showError('Only the most recent part of this long session is shown (one point per second); download the export for all of it.');
  } catch (error) {
    showError(`The session so far could not be loaded (${explain(error)}); showing live values only.`);
    debug.historyEvents = 0;
  } finally {
    const queued = pending ?? [];
    pending = null;
    for (const fn of queued) fn();
  }
}

// Who is in the room, analysed or not: someone without consent (or without a camera) has no card but is here.
const people = requireElement<HTMLUListElement>('people');
let present: RoomState['participants'] = [];
/** Why a participant's stream is not analysed although it is live (the server said so: decoder failures, limits). */
const stopped = new Map<string, string>();
function renderPeople(): void {
  const analysed = new Set(Object.values(board.summary()).filter((f) => f.inView).map((f) => f.peerId));
  const status = (peerId: string): string => {
    if (analysed.has(peerId)) return ' analysed';
    const reason = stopped.get(peerId);
    return reason ? ` not analysed: ${reason}` : ' not analysed';
  };
  people.replaceChildren(
    ...present.map((p) =>
      el('li', { 'data-peer-id': p.peerId, 'data-analysed': String(analysed.has(p.peerId)) }, p.displayName, el('span', { class: 'meta' }, status(p.peerId))),
    ),
  );
}
setInterval(renderPeople, 1000);

const affect = connectAffect(params.token, (state, detail) => showConnection('affect', state, detail));
affect.on('roomState', (state: RoomState) =>
  whenReady(() => {
    if (state.latest.length > 0) empty.hidden = true;
    board.applyState(state);
    present = state.participants;
    renderPeople();
  }),
);
affect.on('affect', (event) => {
  stopped.delete(event.peerId);
  whenReady(() => addLive(event));
});
affect.on('streamEnded', ({ peerId, producerId, cause, reason }) => {
  if (cause === 'failed') {
    stopped.set(peerId, reason ?? 'its analysis stopped');
    renderPeople();
  }
  whenReady(() => board.streamEnded(producerId));
});

const session = connectNamespace<SessionServerToClientEvents, SessionClientToServerEvents>(SESSION_NAMESPACE, params.token, (state, detail) =>
  showConnection('session', state, detail),
);
/** The newest session, open or ended: after a stop the ended session stays on screen, with its export. */
async function showLatestSession(): Promise<void> {
  try {
    const { sessions } = await api.call<{ sessions: SessionInfo[] }>('GET', '/sessions');
    sessionPanel.setSession(sessions[0] ?? null);
  } catch (error) {
    showError(`The sessions could not be listed (${explain(error)}).`);
  }
}

session.on('session', (info) =>
  whenReady(() => {
    // null means none is recording now; which one ended is for the list to say.
    if (info === null) return void showLatestSession();
    sessionPanel.setSession(info);
    // A new session starts from nothing: the previous one's lines, markers and alerts belong to its export.
    if (info.id !== shownSession) {
      shownSession = info.id;
      board.clear();
      sessionPanel.setMarkers([]);
      alertPanel.setAlerts([]);
      empty.hidden = false;
    }
  }),
);
session.on('marker', (marker) => whenReady(() => sessionPanel.addMarker(marker)));
session.on('alert', (alert) => whenReady(() => alertPanel.add(alert)));
session.on('rules', (rules) => whenReady(() => alertPanel.setRules(rules)));

/** The room's declared purpose, and whether the policy lets it be analysed at all. */
async function showPurpose(): Promise<void> {
  try {
    const info = await api.call<RoomInfo>('GET', '');
    purpose.textContent = `purpose: ${info.purpose}`;
    if (!info.analysisAllowed) showError(`Nothing in this room is analysed or recorded: ${info.refusedBecause ?? 'its purpose is refused by the policy'}`);
  } catch (error) {
    purpose.textContent = `purpose unknown (${explain(error)})`;
  }
}

void showPurpose();
void loadHistory();

const frame = (now: number) => {
  board.tick(now);
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const card = document.querySelector<HTMLElement>('section.card');
    if (card) board.resize(card.clientWidth - 28);
  }, 150);
});
