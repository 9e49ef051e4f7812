// The export's columns (documented in the README, section "Export"). One row per face per event; an event
// without any face is one row with empty face columns (so gaps show); markers and alerts are rows of their
// own (row_type marker / alert) on the same timeline.
import type { AffectEvent, FaceAffect } from '../../contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS } from '../../contracts/labels.js';
import type { Alert, Marker } from '../../contracts/session.js';
import { num, text, type Cell } from './csv.js';

export const EXPORT_COLUMNS = [
  'row_type',
  'session_id',
  'time_iso',
  'ms_since_session_start',
  'participant_id',
  'participant_name',
  'producer_id',
  'face_id',
  'box_x',
  'box_y',
  'box_w',
  'box_h',
  'face_score',
  'top_expression',
  ...EXPRESSIONS.map((e) => `p_${e}`),
  'valence',
  'arousal',
  ...ACTION_UNITS.map((au) => au),
  'provenance_expression',
  'provenance_va',
  'provenance_au',
  'model',
  'latency_ms',
  // the values before smoothing (AffectEvent faces[].raw), empty when smoothing is off
  'raw_valence',
  'raw_arousal',
  ...EXPRESSIONS.map((e) => `raw_p_${e}`),
  ...ACTION_UNITS.map((au) => `raw_${au}`),
  'label',
  'note',
] as const;

const WIDTH = EXPORT_COLUMNS.length;

export interface RowContext {
  sessionId: string;
  sessionStart: number;
  nameOf: (peerId: string) => string;
}

function base(kind: string, ctx: RowContext, at: number): Cell[] {
  return [kind, text(ctx.sessionId), new Date(at).toISOString(), at - ctx.sessionStart];
}

function faceCells(face: FaceAffect | undefined): Cell[] {
  if (!face) return new Array<Cell>(6 + EXPRESSIONS.length + 2 + ACTION_UNITS.length + 3).fill('');
  return [
    face.faceId,
    ...face.box,
    face.score,
    // A withheld expression head exports empty cells, never stale or zero numbers.
    face.expression?.label ?? null,
    ...EXPRESSIONS.map((e) => face.expression?.probs[e] ?? null),
    face.valence,
    face.arousal,
    ...ACTION_UNITS.map((au) => (face.aus ? face.aus[au] : null)),
    face.provenance.expression,
    face.provenance.va,
    face.provenance.au,
  ].map((c) => (c === null ? '' : c));
}

function rawCells(face: FaceAffect | undefined): Cell[] {
  const raw = face?.raw;
  if (!raw) return new Array<Cell>(2 + EXPRESSIONS.length + ACTION_UNITS.length).fill('');
  return [
    raw.valence,
    raw.arousal,
    ...EXPRESSIONS.map((e) => raw.expression?.[e] ?? null),
    ...ACTION_UNITS.map((au) => (raw.aus ? raw.aus[au] : null)),
  ].map((c) => (c === null ? '' : c));
}

/** The rows of one recorded event. */
export function eventRows(event: AffectEvent, ctx: RowContext): Cell[][] {
  const who: Cell[] = [text(event.peerId), text(ctx.nameOf(event.peerId)), text(event.producerId)];
  const model: Cell[] = [text(`${event.model.id}@${event.model.version}`), event.latencyMs];
  const faces: Array<FaceAffect | undefined> = event.faces.length > 0 ? event.faces : [undefined];
  return faces.map((face) => [...base('event', ctx, event.capturedAt), ...who, ...faceCells(face), ...model, ...rawCells(face), '', '']);
}

function blankUpTo(cells: Cell[], label: string, note: string): Cell[] {
  const row = [...cells];
  while (row.length < WIDTH - 2) row.push('');
  row.push(text(label), text(note));
  return row;
}

export function markerRow(marker: Marker, ctx: RowContext): Cell[] {
  return blankUpTo(base('marker', ctx, marker.at), marker.label, marker.note ?? '');
}

export function alertRow(alert: Alert, ctx: RowContext): Cell[] {
  const who: Cell[] = [text(alert.peerId), text(alert.displayName), '', alert.faceId ?? ''];
  return blankUpTo([...base('alert', ctx, alert.at), ...who], alert.ruleId, alert.message);
}
