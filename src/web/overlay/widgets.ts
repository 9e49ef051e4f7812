// The overlay's widgets. Each takes a face's values (or null: no face in view) as targets and draws the
// smoothed values on every animation frame. A null value from the analyzer (no source for it in this
// model profile, or an estimator still calibrating) reads "unavailable", never the last number seen.
import type { FaceAffect } from '../../contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS, type ActionUnit, type Expression } from '../../contracts/labels.js';
import { provenanceKind } from '../../contracts/provenance.js';
import type { Widget } from '../shared/overlayOptions.js';
import { el } from '../shared/dom.js';
import { EXPRESSION_NAMES } from '../shared/labels.js';
import { Smoothed } from './Smoothed.js';

export interface OverlayWidget {
  readonly root: HTMLElement;
  /** New targets from an event; snap shows them at once. */
  update(face: FaceAffect | null, snap: boolean): void;
  /** Advances the animation and writes to the DOM. */
  frame(dtMs: number): void;
}

const percent = (p: number | null) => (p === null ? '' : `${Math.round(p * 100)}%`);
const signed = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(2);

class ExpressionBars implements OverlayWidget {
  readonly root = el('div', { class: 'widget bars', 'data-widget': 'bars' });
  readonly #rows = new Map<Expression, { row: HTMLElement; bar: HTMLElement; value: HTMLElement; p: Smoothed }>();

  constructor() {
    for (const expression of EXPRESSIONS) {
      const bar = el('div', { class: 'bar' });
      const value = el('span', { class: 'value' });
      const row = el('div', { class: 'row', 'data-expression': expression });
      row.append(el('span', { class: 'label' }, EXPRESSION_NAMES[expression]), el('div', { class: 'track' }, bar), value);
      this.root.append(row);
      this.#rows.set(expression, { row, bar, value, p: new Smoothed() });
    }
  }

  update(face: FaceAffect | null, snap: boolean): void {
    // A withheld expression head clears the bars: never the previous numbers.
    const expression = face?.expression ?? null;
    for (const [label, cells] of this.#rows) {
      cells.p.set(expression ? expression.probs[label] : null, snap);
      cells.row.dataset.top = String(expression?.label === label);
    }
  }

  frame(dtMs: number): void {
    for (const cells of this.#rows.values()) {
      cells.p.step(dtMs);
      const p = cells.p.shown;
      cells.bar.style.transform = `scaleX(${p ?? 0})`;
      cells.value.textContent = percent(p);
    }
  }
}

class TopExpression implements OverlayWidget {
  readonly root = el('div', { class: 'widget top', 'data-widget': 'top' });
  readonly #label = el('span', { class: 'top-expression' });
  readonly #value = el('span', { class: 'top-value' });
  readonly #p = new Smoothed();

  constructor() {
    this.root.append(this.#label, this.#value);
  }

  update(face: FaceAffect | null, snap: boolean): void {
    if (!face) {
      this.#label.textContent = 'no face';
      this.root.dataset.expression = '';
      this.#p.set(null);
      return;
    }
    if (face.expression === null) {
      this.#label.textContent = 'expression unavailable';
      this.root.dataset.expression = '';
      this.#p.set(null, true);
      return;
    }
    const { label, probs } = face.expression;
    if (this.root.dataset.expression !== label) snap = true; // a new label starts from its own probability
    this.root.dataset.expression = label;
    this.#label.textContent = EXPRESSION_NAMES[label];
    this.#p.set(probs[label], snap);
  }

  frame(dtMs: number): void {
    this.#p.step(dtMs);
    this.#value.textContent = percent(this.#p.shown);
  }
}

class Circumplex implements OverlayWidget {
  readonly root = el('div', { class: 'widget circumplex', 'data-widget': 'circumplex' });
  readonly #dot = el('div', { class: 'dot' });
  readonly #caption = el('p', { class: 'caption' });
  readonly #valence = new Smoothed();
  readonly #arousal = new Smoothed();
  /** What kind of number valence/arousal are, when they are not a trained model's: estimated, or untrained. */
  #note = '';

  constructor() {
    const plane = el(
      'div',
      { class: 'plane' },
      el('span', { class: 'axis h' }),
      el('span', { class: 'axis v' }),
      el('span', { class: 'pole north' }, 'aroused'),
      el('span', { class: 'pole south' }, 'calm'),
      el('span', { class: 'pole west' }, '−'),
      el('span', { class: 'pole east' }, '+'),
      this.#dot,
    );
    this.root.append(plane, this.#caption);
  }

  update(face: FaceAffect | null, snap: boolean): void {
    const available = face !== null && face.valence !== null && face.arousal !== null;
    this.#valence.set(available ? face.valence : null, snap);
    this.#arousal.set(available ? face.arousal : null, snap);
    const kind = face === null ? 'unavailable' : provenanceKind(face.provenance.va);
    this.#note = kind === 'estimator' ? ' (estimated)' : kind === 'untrained' ? ' (UNTRAINED)' : '';
    this.root.dataset.available = String(available);
  }

  frame(dtMs: number): void {
    this.#valence.step(dtMs);
    this.#arousal.step(dtMs);
    const v = this.#valence.shown;
    const a = this.#arousal.shown;
    if (v === null || a === null) {
      this.#dot.hidden = true;
      this.#caption.textContent = 'valence/arousal unavailable';
      return;
    }
    this.#dot.hidden = false;
    // valence left → right, arousal bottom → top, both −1..+1 mapped onto the plane
    this.#dot.style.left = `${((v + 1) / 2) * 100}%`;
    this.#dot.style.top = `${((1 - a) / 2) * 100}%`;
    this.#caption.textContent = `valence ${signed(v)} · arousal ${signed(a)}${this.#note}`;
  }
}

class ActionUnitChips implements OverlayWidget {
  readonly root = el('div', { class: 'widget aus', 'data-widget': 'aus' });
  readonly #chips = new Map<ActionUnit, { chip: HTMLElement; value: HTMLElement; p: Smoothed }>();
  readonly #note = el('span', { class: 'note' });

  constructor() {
    for (const au of ACTION_UNITS) {
      const value = el('span', { class: 'value' });
      const chip = el('span', { class: 'chip', 'data-au': au }, el('span', { class: 'au-name' }, au), value);
      this.root.append(chip);
      this.#chips.set(au, { chip, value, p: new Smoothed() });
    }
    this.root.append(this.#note);
  }

  update(face: FaceAffect | null, snap: boolean): void {
    const aus = face?.aus ?? null;
    for (const [au, cells] of this.#chips) {
      cells.p.set(aus ? aus[au] : null, snap);
      cells.chip.dataset.active = String(aus !== null && aus[au] >= 0.5);
    }
    this.root.dataset.available = String(aus !== null);
    // Why they are missing: an estimator waits for a neutral moment of this face; otherwise no source at all.
    this.#note.textContent =
      aus !== null ? '' : face && face.provenance.au !== 'unavailable' ? 'AUs unavailable (calibrating)' : 'AUs unavailable';
  }

  frame(dtMs: number): void {
    for (const cells of this.#chips.values()) {
      cells.p.step(dtMs);
      const p = cells.p.shown;
      cells.chip.hidden = p === null;
      cells.value.textContent = percent(p);
      if (p !== null) cells.chip.style.setProperty('--p', p.toFixed(3));
    }
  }
}

export function createWidget(kind: Widget): OverlayWidget {
  switch (kind) {
    case 'bars':
      return new ExpressionBars();
    case 'top':
      return new TopExpression();
    case 'circumplex':
      return new Circumplex();
    case 'aus':
      return new ActionUnitChips();
  }
}
