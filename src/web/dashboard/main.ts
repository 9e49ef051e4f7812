// Session dashboard: every participant's current affect with the source of each value, and a one-minute
// timeline of valence and arousal. Read-only; recordings, markers and alerts build on this page.
import type { AffectEvent, FaceAffect } from '../../contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS } from '../../contracts/labels.js';
import type { RoomState } from '../../contracts/overlay.js';
import { provenanceKind } from '../../contracts/provenance.js';
import { connectAffect } from '../shared/affectSocket.js';
import { el, requireElement } from '../shared/dom.js';
import { EXPRESSION_NAMES } from '../shared/labels.js';
import { readPageParams } from '../shared/pageParams.js';

const TIMELINE_MS = 60_000;

interface Sample {
  at: number;
  valence: number | null;
  arousal: number | null;
}

interface Card {
  root: HTMLElement;
  title: HTMLElement;
  meta: HTMLElement;
  canvas: HTMLCanvasElement;
  table: HTMLTableSectionElement;
  samples: Sample[];
}

const params = readPageParams(window.location);
requireElement('room').textContent = params.room;
const container = requireElement<HTMLElement>('participants');
const connection = requireElement<HTMLElement>('connection');
const cards = new Map<string, Card>();
const names = new Map<string, string>();

function describeSource(provenance: string): string {
  switch (provenanceKind(provenance)) {
    case 'model':
      return provenance.slice('model:'.length);
    case 'untrained':
      return `UNTRAINED ${provenance.slice('untrained:model:'.length)} (benchmark only, meaningless)`;
    case 'estimator':
      return `estimated (${provenance.slice('estimator:'.length)})`;
    case 'unavailable':
      return 'unavailable';
  }
}

function card(event: AffectEvent): Card {
  const existing = cards.get(event.producerId);
  if (existing) return existing;
  const title = el('span');
  const meta = el('span', { class: 'meta' });
  const canvas = el('canvas', { class: 'timeline', width: '600', height: '110' });
  const table = el('tbody');
  const root = el(
    'section',
    { class: 'card', 'data-peer-id': event.peerId, 'data-producer-id': event.producerId },
    el('h2', {}, title, meta),
    canvas,
    el('p', { class: 'legend' }, el('span', { class: 'valence' }, '— valence'), '  ', el('span', { class: 'arousal' }, '— arousal'), '  (−1 … +1, last minute)'),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Measure'), el('th', {}, 'Value'), el('th', {}, 'Source'))), table),
  );
  container.append(root);
  const created: Card = { root, title, meta, canvas, table, samples: [] };
  cards.set(event.producerId, created);
  return created;
}

function row(name: string, value: string, source: string): HTMLTableRowElement {
  return el('tr', {}, el('td', {}, name), el('td', {}, value), el('td', { class: 'source' }, source));
}

/** Why AUs are missing: an estimator that has no neutral baseline for this face yet, or no source at all. */
function auPending(provenance: string): string {
  return provenanceKind(provenance) === 'estimator' ? '— (calibrating: needs a moment of neutral face)' : 'unavailable';
}

function fmt(v: number | null): string {
  return v === null ? 'unavailable' : v.toFixed(2);
}

function renderTable(c: Card, face: FaceAffect | undefined): void {
  if (!face) {
    c.table.replaceChildren(row('Face', 'not detected', ''));
    return;
  }
  const expression = face.expression;
  const untrained = [face.provenance.expression, face.provenance.va, face.provenance.au].some((p) => provenanceKind(p) === 'untrained');
  c.root.dataset.untrained = String(untrained);
  const rows = [
    ...(untrained ? [row('Warning', 'UNTRAINED MODEL', 'values from an untrained export (--allow-untrained): benchmark only')] : []),
    row('Expression', expression ? `${EXPRESSION_NAMES[expression.label]} (${Math.round(expression.probs[expression.label] * 100)}%)` : 'unavailable', describeSource(face.provenance.expression)),
    row('Valence', fmt(face.valence), describeSource(face.provenance.va)),
    row('Arousal', fmt(face.arousal), describeSource(face.provenance.va)),
    ...ACTION_UNITS.map((au) => row(au, face.aus ? fmt(face.aus[au]) : auPending(face.provenance.au), describeSource(face.provenance.au))),
    ...EXPRESSIONS.map((e) => row(`p(${EXPRESSION_NAMES[e]})`, expression ? expression.probs[e].toFixed(2) : 'unavailable', '')),
  ];
  c.table.replaceChildren(...rows);
}

function drawTimeline(c: Card): void {
  const g = c.canvas.getContext('2d');
  if (!g) return;
  const { width, height } = c.canvas;
  const now = Date.now();
  g.clearRect(0, 0, width, height);
  g.strokeStyle = '#dde2ec';
  g.beginPath();
  g.moveTo(0, height / 2);
  g.lineTo(width, height / 2);
  g.stroke();
  const plot = (key: 'valence' | 'arousal', colour: string) => {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    let pen = false;
    for (const s of c.samples) {
      const v = s[key];
      if (v === null) {
        pen = false;
        continue;
      }
      const x = width - ((now - s.at) / TIMELINE_MS) * width;
      const y = height / 2 - (v * height) / 2.2;
      if (pen) g.lineTo(x, y);
      else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
  };
  plot('valence', '#2f6fdb');
  plot('arousal', '#d9480f');
}

function render(event: AffectEvent): void {
  const c = card(event);
  const face = event.faces[0];
  c.title.textContent = names.get(event.peerId) ?? event.peerId.slice(0, 8);
  c.meta.textContent = `${event.faces.length} face${event.faces.length === 1 ? '' : 's'} · ${Math.round(event.latencyMs)} ms`;
  // plotted against this browser's clock: the server's capturedAt may be skewed from it
  c.samples.push({ at: Date.now(), valence: face?.valence ?? null, arousal: face?.arousal ?? null });
  const cutoff = Date.now() - TIMELINE_MS;
  while (c.samples.length > 0 && (c.samples[0]?.at ?? 0) < cutoff) c.samples.shift();
  renderTable(c, face);
}

function applyState(state: RoomState): void {
  names.clear();
  for (const p of state.participants) names.set(p.peerId, p.displayName);
  const live = new Set(state.latest.map((e) => e.producerId));
  for (const [producerId, c] of cards) {
    if (!live.has(producerId)) {
      c.root.remove();
      cards.delete(producerId);
    }
  }
  for (const event of state.latest) render(event);
}

const socket = connectAffect(params.token, (state, detail) => {
  connection.dataset.state = state;
  connection.textContent = state === 'refused' ? `access refused: ${detail ?? ''}` : state;
});
socket.on('roomState', applyState);
socket.on('affect', render);
socket.on('streamEnded', ({ producerId }) => {
  cards.get(producerId)?.root.remove();
  cards.delete(producerId);
});

const tick = () => {
  for (const c of cards.values()) drawTimeline(c);
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
