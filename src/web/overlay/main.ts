// OBS overlay: each live stream's participant, top expression and the probability of every expression.
// Renders from the room state the server sends on every (re)connect, then from each `affect` event; bars
// animate between events, so 5-10 Hz inference still looks smooth.
import type { AffectEvent, FaceAffect } from '../../contracts/affect.js';
import { EXPRESSIONS } from '../../contracts/labels.js';
import type { RoomState } from '../../contracts/overlay.js';
import { provenanceKind } from '../../contracts/provenance.js';
import { connectAffect, type ConnectionState } from '../shared/affectSocket.js';
import { el, requireElement } from '../shared/dom.js';
import { EXPRESSION_NAMES } from '../shared/labels.js';
import { readPageParams } from '../shared/pageParams.js';

/** A stream with no event for this long is shown dimmed (its analysis stalled or the face left). */
const STALE_AFTER_MS = 3000;

interface StreamView {
  root: HTMLElement;
  name: HTMLElement;
  top: HTMLElement;
  rows: Map<string, { row: HTMLElement; bar: HTMLElement; value: HTMLElement }>;
  va: HTMLElement;
  /** shown while any value on the card comes from an untrained export (--allow-untrained) */
  badge: HTMLElement;
  lastEventAt: number;
}

/** Test and debugging hook: what the overlay currently shows. */
interface OverlayDebugState {
  connection: ConnectionState;
  events: number;
  /** What the page first drew from after it loaded: the room state sent on connect, or a live event. */
  firstRenderFrom: 'roomState' | 'affect' | null;
  streams: Record<string, { peerId: string; topExpression: string | null; untrained?: boolean }>;
}
declare global {
  interface Window {
    affectcastOverlay: OverlayDebugState;
  }
}

const params = readPageParams(window.location);
const container = requireElement<HTMLElement>('streams');
const connection = requireElement<HTMLElement>('connection');
const views = new Map<string, StreamView>();
const names = new Map<string, string>();
const debug: OverlayDebugState = (window.affectcastOverlay = { connection: 'connecting', events: 0, firstRenderFrom: null, streams: {} });

function primaryFace(faces: FaceAffect[]): FaceAffect | undefined {
  // The largest face is the streamer in front of the camera.
  return faces.reduce<FaceAffect | undefined>((best, f) => (!best || f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best), undefined);
}

function createView(event: AffectEvent): StreamView {
  const name = el('span', { class: 'name' });
  const top = el('span', { class: 'top-expression' });
  const bars = el('div', { class: 'bars' });
  const rows = new Map<string, { row: HTMLElement; bar: HTMLElement; value: HTMLElement }>();
  for (const expression of EXPRESSIONS) {
    const bar = el('div', { class: 'bar' });
    const value = el('span', { class: 'value' });
    const row = el('div', { class: 'row', 'data-expression': expression });
    row.append(el('span', {}, EXPRESSION_NAMES[expression]), el('div', { class: 'track' }, bar), value);
    bars.append(row);
    rows.set(expression, { row, bar, value });
  }
  const va = el('div', { class: 'va' });
  const badge = el('div', { class: 'untrained-badge' }, 'UNTRAINED MODEL: benchmark only, these numbers mean nothing');
  badge.hidden = true;
  const root = el('section', { class: 'stream', 'data-peer-id': event.peerId, 'data-producer-id': event.producerId }, el('header', {}, name, top), badge, bars, va);
  container.append(root);
  return { root, name, top, rows, va, badge, lastEventAt: 0 };
}

function render(event: AffectEvent): void {
  const view = views.get(event.producerId) ?? createView(event);
  views.set(event.producerId, view);
  view.lastEventAt = performance.now();
  view.root.dataset.stale = 'false';
  view.name.textContent = names.get(event.peerId) ?? event.peerId.slice(0, 8);
  const face = primaryFace(event.faces);
  if (!face) {
    view.top.textContent = 'no face';
    view.top.className = 'top-expression no-face';
    for (const { bar, value, row } of view.rows.values()) {
      bar.style.width = '0%';
      value.textContent = '';
      row.dataset.top = 'false';
    }
    view.va.textContent = '';
    view.badge.hidden = true;
    debug.streams[event.producerId] = { peerId: event.peerId, topExpression: null };
    return;
  }
  const untrained = [face.provenance.expression, face.provenance.va].some((p) => provenanceKind(p) === 'untrained');
  view.root.dataset.untrained = String(untrained);
  const expression = face.expression;
  if (expression === null) {
    // no trained source for expressions: say so, never leave the previous face's numbers up
    view.top.className = 'top-expression unavailable';
    view.top.textContent = 'expression unavailable';
    for (const { bar, value, row } of view.rows.values()) {
      bar.style.width = '0%';
      value.textContent = '';
      row.dataset.top = 'false';
    }
  } else {
    const { label, probs } = expression;
    view.top.className = 'top-expression';
    view.top.textContent = `${EXPRESSION_NAMES[label]} ${Math.round(probs[label] * 100)}%`;
    for (const e of EXPRESSIONS) {
      const cells = view.rows.get(e);
      if (!cells) continue;
      const p = probs[e];
      cells.bar.style.width = `${(p * 100).toFixed(1)}%`;
      cells.value.textContent = `${Math.round(p * 100)}%`;
      cells.row.dataset.top = String(e === label);
    }
  }
  // Say what valence/arousal are: a model's output, an untrained export's, or an estimate from the expressions.
  if (face.valence !== null && face.arousal !== null) {
    const sign = (v: number) => (v >= 0 ? '+' : '') + v.toFixed(2);
    const kind = provenanceKind(face.provenance.va);
    const note = kind === 'estimator' ? ' (estimated)' : kind === 'untrained' ? ' (UNTRAINED)' : '';
    view.va.textContent = `valence ${sign(face.valence)} · arousal ${sign(face.arousal)}${note}`;
  } else {
    view.va.textContent = 'valence/arousal unavailable';
  }
  view.badge.hidden = !untrained;
  debug.streams[event.producerId] = { peerId: event.peerId, topExpression: expression?.label ?? null, untrained };
}

function removeStream(producerId: string): void {
  views.get(producerId)?.root.remove();
  views.delete(producerId);
  delete debug.streams[producerId];
}

function applyState(state: RoomState): void {
  names.clear();
  for (const p of state.participants) names.set(p.peerId, p.displayName);
  const live = new Set(state.latest.map((e) => e.producerId));
  for (const producerId of [...views.keys()]) if (!live.has(producerId)) removeStream(producerId);
  if (state.latest.length > 0) debug.firstRenderFrom ??= 'roomState';
  for (const event of state.latest) render(event);
  for (const view of views.values()) view.name.textContent = names.get(view.root.dataset.peerId ?? '') ?? view.name.textContent;
}

const socket = connectAffect(params.token, (state, detail) => {
  debug.connection = state;
  connection.dataset.state = state;
  connection.textContent = state === 'refused' ? `affectcast: ${detail ?? 'access refused'}` : state === 'live' ? '' : `affectcast: ${state}…`;
});
socket.on('roomState', applyState);
socket.on('affect', (event) => {
  debug.events += 1;
  debug.firstRenderFrom ??= 'affect';
  render(event);
});
socket.on('streamEnded', ({ producerId }) => removeStream(producerId));

setInterval(() => {
  const now = performance.now();
  for (const view of views.values()) view.root.dataset.stale = String(now - view.lastEventAt > STALE_AFTER_MS);
}, 1000);
