// One face's timelines, drawn with uPlot: valence and arousal (−1…+1) and the seven expression probabilities
// (0…1) against the server's capture time, with the session's markers as labelled vertical lines. Times are
// the server's (capturedAt, marker.at), so the recorded history and the live tail share one axis.
// Null values (a head unavailable) are gaps, never interpolated across.
import uPlot from 'uplot';
import type { FaceAffect } from '../../contracts/affect.js';
import { EXPRESSIONS } from '../../contracts/labels.js';
import type { Marker } from '../../contracts/session.js';
import { el } from '../shared/dom.js';
import { EXPRESSION_NAMES } from '../shared/labels.js';

/** A face's points beyond this are dropped oldest first: bounded memory through a long session. */
const MAX_POINTS = 30_000;
const TRIM_CHUNK = 1_000;
/** Charts redraw at most this often: uPlot redraws the whole series, and events come at up to 10 Hz per face. */
const REDRAW_MS = 250;
/** No event for this long is a break in the line (a reload, a stall), not a straight segment across it. */
const GAP_S = 3;

const EXPRESSION_COLOURS: Record<(typeof EXPRESSIONS)[number], string> = {
  neutral: '#8a93a6',
  anger: '#d62828',
  disgust: '#6a994e',
  fear: '#7b2cbf',
  happiness: '#f4a000',
  sadness: '#1d70b8',
  surprise: '#e05faa',
};

type Column = Array<number | null>;

export class Timeline {
  readonly root: HTMLElement;
  readonly #x: number[] = [];
  readonly #va: [Column, Column] = [[], []];
  readonly #probs: Column[] = EXPRESSIONS.map(() => []);
  readonly #vaPlot: uPlot;
  readonly #exprPlot: uPlot;
  #markers: readonly Marker[];
  #dirty = false;
  #lastDraw = 0;

  constructor(markers: readonly Marker[]) {
    this.#markers = markers;
    const vaHost = el('div', { class: 'plot', 'data-plot': 'va' });
    const exprHost = el('div', { class: 'plot', 'data-plot': 'expressions' });
    this.root = el('div', { class: 'timelines' }, vaHost, exprHost);
    const width = 520;
    const markerHook = (u: uPlot) => this.#drawMarkers(u);
    this.#vaPlot = new uPlot(
      {
        width,
        height: 140,
        scales: { x: { time: true }, y: { range: [-1, 1] } },
        series: [
          {},
          { label: 'valence', stroke: '#2f6fdb', width: 2, spanGaps: false, points: { show: false } },
          { label: 'arousal', stroke: '#d9480f', width: 2, spanGaps: false, points: { show: false } },
        ],
        axes: [{}, { values: (_u, ticks) => ticks.map((v) => v.toFixed(1)) }],
        hooks: { draw: [markerHook] },
      },
      [this.#x, ...this.#va] as uPlot.AlignedData,
      vaHost,
    );
    this.#exprPlot = new uPlot(
      {
        width,
        height: 140,
        scales: { x: { time: true }, y: { range: [0, 1] } },
        series: [{}, ...EXPRESSIONS.map((e) => ({ label: EXPRESSION_NAMES[e], stroke: EXPRESSION_COLOURS[e], width: 1.5, spanGaps: false, points: { show: false } }))],
        hooks: { draw: [markerHook] },
      },
      [this.#x, ...this.#probs] as uPlot.AlignedData,
      exprHost,
    );
  }

  /** Appends one point (face null: the face was not in view, a gap in every line). */
  push(atMs: number, face: FaceAffect | null): void {
    const last = this.#x.at(-1);
    if (last !== undefined && atMs / 1000 <= last) return; // already have it (history and live overlap)
    if (last !== undefined && atMs / 1000 - last > GAP_S) this.#append(last + 0.001, null);
    this.#append(atMs / 1000, face);
    // Trimmed in chunks: one shift per point would move the whole array on every event.
    if (this.#x.length > MAX_POINTS + TRIM_CHUNK) {
      for (const column of [this.#x, ...this.#va, ...this.#probs]) column.splice(0, TRIM_CHUNK);
    }
    this.#dirty = true;
  }

  #append(x: number, face: FaceAffect | null): void {
    this.#x.push(x);
    this.#va[0].push(face?.valence ?? null);
    this.#va[1].push(face?.arousal ?? null);
    EXPRESSIONS.forEach((e, i) => this.#probs[i]?.push(face?.expression?.probs[e] ?? null));
  }

  setMarkers(markers: readonly Marker[]): void {
    this.#markers = markers;
    this.#dirty = true;
  }

  get points(): number {
    return this.#x.length;
  }

  /** Called every animation frame; redraws when something changed and REDRAW_MS has passed. */
  tick(now: number): void {
    if (!this.#dirty || now - this.#lastDraw < REDRAW_MS) return;
    this.#dirty = false;
    this.#lastDraw = now;
    this.#vaPlot.setData([this.#x, ...this.#va] as uPlot.AlignedData);
    this.#exprPlot.setData([this.#x, ...this.#probs] as uPlot.AlignedData);
  }

  resize(width: number): void {
    const w = Math.max(240, Math.floor(width));
    this.#vaPlot.setSize({ width: w, height: 140 });
    this.#exprPlot.setSize({ width: w, height: 140 });
  }

  destroy(): void {
    this.#vaPlot.destroy();
    this.#exprPlot.destroy();
  }

  #drawMarkers(u: uPlot): void {
    const first = this.#x[0];
    const last = this.#x.at(-1);
    if (first === undefined || last === undefined) return;
    const { ctx, bbox } = u;
    ctx.save();
    ctx.strokeStyle = '#111827';
    ctx.fillStyle = '#111827';
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    for (const m of this.#markers) {
      const t = m.at / 1000;
      if (t < first || t > last) continue;
      const x = Math.round(u.valToPos(t, 'x', true));
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.fillText(m.label, x + 3 * devicePixelRatio, bbox.top + 12 * devicePixelRatio);
    }
    ctx.restore();
  }
}
