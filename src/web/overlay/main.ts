// OBS overlay /overlay?room=…&token=…[&widgets=…&participant=…&faces=…&theme=…&position=…&scale=…&font=…]:
// the chosen widgets for each live participant (or each face), on a transparent page. Draws the room state the
// server sends on every (re)connect at once — an OBS scene switch or reload shows the present, not an empty
// page — then animates towards each 5-10 Hz `affect` event at display rate. A bad URL parameter is refused
// with a message that names it, rather than showing something other than what was asked for.
import type { AffectEvent, FaceAffect } from '../../contracts/affect.js';
import type { RoomState } from '../../contracts/overlay.js';
import { provenanceKind } from '../../contracts/provenance.js';
import { connectAffect, type ConnectionState } from '../shared/affectSocket.js';
import { el, requireElement } from '../shared/dom.js';
import { parseOverlayOptions, type OverlayOptions } from '../shared/overlayOptions.js';
import { readPageParams } from '../shared/pageParams.js';
import { createWidget, type OverlayWidget } from './widgets.js';

/** A card with no event for this long is dimmed (its analysis stalled). */
const STALE_AFTER_MS = 3000;

interface Card {
  root: HTMLElement;
  name: HTMLElement;
  badge: HTMLElement;
  peerId: string;
  producerId: string;
  widgets: OverlayWidget[];
  lastEventAt: number;
}

/** Test and debugging hook: what the overlay currently shows. */
interface OverlayDebugState {
  connection: ConnectionState;
  events: number;
  /** What the page first drew from after it loaded: the room state sent on connect, or a live event. */
  firstRenderFrom: 'roomState' | 'affect' | null;
  /** Animation frames drawn so far. */
  frames: number;
  options: OverlayOptions | null;
  problems: string[];
  streams: Record<string, { peerId: string; topExpression: string | null }>;
}
declare global {
  interface Window {
    affectcastOverlay: OverlayDebugState;
  }
}

const params = readPageParams(window.location);
const container = requireElement<HTMLElement>('streams');
const connection = requireElement<HTMLElement>('connection');
const debug: OverlayDebugState = (window.affectcastOverlay = {
  connection: 'connecting',
  events: 0,
  firstRenderFrom: null,
  frames: 0,
  options: null,
  problems: [],
  streams: {},
});

function showProblems(problems: string[]): void {
  debug.problems = problems;
  const list = el('ul');
  for (const p of problems) list.append(el('li', {}, p));
  const box = el('div', { id: 'problems', role: 'alert' }, el('strong', {}, 'affectcast overlay: this URL has a problem'), list, el('p', {}, 'Fix the URL in the browser source settings (the dashboard builds a correct one).'));
  document.body.append(box);
}

function applyLook(options: OverlayOptions): void {
  document.body.dataset.theme = options.theme;
  document.body.dataset.position = options.position;
  // CSSOM, not a style attribute: the page's CSP forbids inline styles but not scripted ones.
  container.style.setProperty('--scale', String(options.scale));
  if (options.font) document.body.style.fontFamily = `"${options.font}", system-ui, sans-serif`;
}

function start(options: OverlayOptions): void {
  applyLook(options);
  const cards = new Map<string, Card>();
  const names = new Map<string, string>();
  const wanted = new Set(options.participant.map((n) => n.toLowerCase()));

  const shown = (peerId: string) => wanted.size === 0 || wanted.has((names.get(peerId) ?? '').toLowerCase());
  const largest = (faces: FaceAffect[]) =>
    faces.reduce<FaceAffect | undefined>((best, f) => (!best || f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best), undefined);
  const displayName = (peerId: string) => names.get(peerId) ?? peerId.slice(0, 8);

  function card(key: string, event: AffectEvent, faceId: number | null): Card {
    const existing = cards.get(key);
    if (existing) return existing;
    const name = el('span', { class: 'name' });
    const widgets = options.widgets.map(createWidget);
    const root = el('section', { class: 'stream', 'data-peer-id': event.peerId, 'data-producer-id': event.producerId, ...(faceId === null ? {} : { 'data-face-id': String(faceId) }) });
    // Shown while any value on the card comes from an untrained export (--allow-untrained, benchmarks only).
    const badge = el('div', { class: 'untrained-badge' }, 'UNTRAINED MODEL: benchmark only, these numbers mean nothing');
    badge.hidden = true;
    root.append(el('header', {}, name), badge, ...widgets.map((w) => w.root));
    container.append(root);
    const created: Card = { root, name, badge, peerId: event.peerId, producerId: event.producerId, widgets, lastEventAt: 0 };
    cards.set(key, created);
    return created;
  }

  function show(c: Card, face: FaceAffect | null, label: string, snap: boolean): void {
    c.lastEventAt = performance.now();
    c.root.dataset.stale = 'false';
    c.root.dataset.face = String(face !== null);
    c.name.textContent = label;
    const untrained = face !== null && Object.values(face.provenance).some((p) => provenanceKind(p) === 'untrained');
    c.root.dataset.untrained = String(untrained);
    c.badge.hidden = !untrained;
    for (const w of c.widgets) w.update(face, snap);
  }

  function removeCards(match: (c: Card) => boolean): void {
    for (const [key, c] of cards) {
      if (!match(c)) continue;
      c.root.remove();
      cards.delete(key);
    }
  }

  function render(event: AffectEvent, snap: boolean): void {
    if (!shown(event.peerId)) {
      removeCards((c) => c.peerId === event.peerId);
      return;
    }
    const name = displayName(event.peerId);
    if (options.faces === 'largest') {
      const face = largest(event.faces) ?? null;
      show(card(event.producerId, event, null), face, name, snap);
    } else {
      const live = new Set(event.faces.map((f) => `${event.producerId}:${f.faceId}`));
      removeCards((c) => c.producerId === event.producerId && !live.has(c.root.dataset.faceId ? `${c.producerId}:${c.root.dataset.faceId}` : ''));
      // A stream with nobody in view keeps one card that says so, rather than vanishing.
      if (event.faces.length === 0) show(card(`${event.producerId}:none`, event, null), null, name, snap);
      for (const f of event.faces) show(card(`${event.producerId}:${f.faceId}`, event, f.faceId), f, event.faces.length > 1 ? `${name} · face ${f.faceId}` : name, snap);
    }
    debug.streams[event.producerId] = { peerId: event.peerId, topExpression: largest(event.faces)?.expression?.label ?? null };
  }

  function applyState(state: RoomState): void {
    names.clear();
    for (const p of state.participants) names.set(p.peerId, p.displayName);
    const live = new Set(state.latest.map((e) => e.producerId));
    removeCards((c) => !live.has(c.producerId));
    for (const id of Object.keys(debug.streams)) if (!live.has(id)) delete debug.streams[id];
    if (state.latest.length > 0) debug.firstRenderFrom ??= 'roomState';
    for (const event of state.latest) render(event, true);
  }

  const socket = connectAffect(params.token, (state, detail) => {
    debug.connection = state;
    connection.dataset.state = state;
    connection.textContent = state === 'refused' ? `affectcast: ${detail ?? 'access refused'}` : state === 'live' ? '' : `affectcast: ${state}…`;
    // A revoked or expired link must stop showing anything, not freeze the last values on air.
    if (state === 'refused') {
      removeCards(() => true);
      debug.streams = {};
    }
  });
  socket.on('roomState', applyState);
  socket.on('affect', (event) => {
    debug.events += 1;
    debug.firstRenderFrom ??= 'affect';
    render(event, false);
  });
  socket.on('streamEnded', ({ producerId }) => {
    removeCards((c) => c.producerId === producerId);
    delete debug.streams[producerId];
  });

  let last = performance.now();
  const frame = (now: number) => {
    const dt = now - last;
    last = now;
    debug.frames += 1;
    for (const c of cards.values()) {
      for (const w of c.widgets) w.frame(dt);
      c.root.dataset.stale = String(now - c.lastEventAt > STALE_AFTER_MS);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

const parsed = parseOverlayOptions(new URLSearchParams(window.location.search));
if (parsed.ok) {
  debug.options = parsed.options;
  start(parsed.options);
} else {
  showProblems(parsed.problems);
}
