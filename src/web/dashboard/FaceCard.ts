// One tracked face of one participant's stream: its current values with the source of each, AU chips, and
// its timelines. A face that leaves the picture keeps its card (its history matters) and says it is not in view.
import type { FaceAffect } from '../../contracts/affect.js';
import { ACTION_UNITS } from '../../contracts/labels.js';
import type { Marker } from '../../contracts/session.js';
import { provenanceKind } from '../../contracts/provenance.js';
import { el } from '../shared/dom.js';
import { EXPRESSION_NAMES } from '../shared/labels.js';
import { Timeline } from './Timeline.js';

export function describeSource(provenance: string): string {
  switch (provenanceKind(provenance)) {
    case 'model':
      return provenance.slice('model:'.length);
    case 'untrained':
      return `UNTRAINED ${provenance.slice('untrained:model:'.length)} (benchmark only, means nothing)`;
    case 'estimator':
      return `estimated (${provenance.slice('estimator:'.length)})`;
    case 'unavailable':
      return 'unavailable';
  }
}

const fmt = (v: number | null) => (v === null ? 'unavailable' : (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(2));

export class FaceCard {
  readonly root: HTMLElement;
  readonly timeline: Timeline;
  readonly #title = el('span', { class: 'title' });
  readonly #status = el('span', { class: 'meta' });
  readonly #table = el('tbody');
  readonly #chips = el('div', { class: 'au-chips' });
  #inView = false;

  constructor(peerId: string, producerId: string, faceId: number, markers: readonly Marker[]) {
    this.timeline = new Timeline(markers);
    this.root = el(
      'section',
      { class: 'card', 'data-peer-id': peerId, 'data-producer-id': producerId, 'data-face-id': String(faceId) },
      el('h2', {}, this.#title, this.#status),
      this.timeline.root,
      el('p', { class: 'legend' }, 'Top: valence and arousal (−1 … +1). Bottom: expression probabilities. Dashed lines: markers.'),
      this.#chips,
      el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Measure'), el('th', {}, 'Value'), el('th', {}, 'Source'))), this.#table),
    );
  }

  setTitle(name: string, faceId: number): void {
    this.#title.textContent = `${name} · face ${faceId}`;
  }

  get inView(): boolean {
    return this.#inView;
  }

  /** Records a point; `live` also updates the current values (history only fills the timeline). */
  add(atMs: number, face: FaceAffect | null, live: boolean): void {
    this.timeline.push(atMs, face);
    if (live) this.show(face);
  }

  show(face: FaceAffect | null): void {
    this.#inView = face !== null;
    this.root.dataset.inView = String(face !== null);
    this.#status.textContent = face ? `in view · detector ${Math.round(face.score * 100)}%` : 'not in view';
    if (!face) {
      this.#table.replaceChildren(row('Face', 'not in view', ''));
      this.#chips.replaceChildren();
      return;
    }
    const expression = face.expression;
    this.root.dataset.untrained = String(Object.values(face.provenance).some((p) => provenanceKind(p) === 'untrained'));
    this.#table.replaceChildren(
      row(
        'Expression',
        expression ? `${EXPRESSION_NAMES[expression.label]} (${Math.round(expression.probs[expression.label] * 100)}%)` : 'unavailable',
        describeSource(face.provenance.expression),
      ),
      row('Valence', fmt(face.valence), describeSource(face.provenance.va)),
      row('Arousal', fmt(face.arousal), describeSource(face.provenance.va)),
      row('AUs', face.aus ? 'see chips' : 'unavailable', describeSource(face.provenance.au)),
    );
    const aus = face.aus;
    if (!aus) {
      // A model source with no values: the mesh did not accept this face on this frame.
      const why = provenanceKind(face.provenance.au) === 'unavailable' ? 'AUs unavailable' : 'AUs unavailable (no reliable mesh on this frame)';
      this.#chips.replaceChildren(el('span', { class: 'note' }, why));
      return;
    }
    this.#chips.replaceChildren(
      ...ACTION_UNITS.map((au) =>
        el('span', { class: 'chip', 'data-au': au, 'data-active': String(aus[au] >= 0.5), title: describeSource(face.provenance.au) }, `${au} ${Math.round(aus[au] * 100)}%`),
      ),
    );
  }

  destroy(): void {
    this.timeline.destroy();
    this.root.remove();
  }
}

function row(name: string, value: string, source: string): HTMLTableRowElement {
  return el('tr', {}, el('td', {}, name), el('td', {}, value), el('td', { class: 'source' }, source));
}
