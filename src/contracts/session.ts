// Recording sessions, markers, alerts and alert rules: what the store keeps, what the REST routes return and
// what the /session socket namespace pushes to dashboards. Times are ms since epoch unless named *Iso.
import { z } from 'zod';
import type { AckCallback } from './ack.js';
import type { AffectEvent } from './affect.js';
import { EXPRESSIONS } from './labels.js';

export const SESSION_NAMESPACE = '/session';

export interface SessionInfo {
  id: string;
  room: string;
  startedAt: number;
  /** null while the session is recording. */
  endedAt: number | null;
  /** How it started: the first publisher ('auto') or the dashboard's start button ('manual'). */
  startedBy: 'auto' | 'manual';
  /** 'interrupted': the server stopped without closing it (killed, crashed); it ends at its last recorded event. */
  status: 'recording' | 'ended' | 'interrupted';
  /** Recorded AffectEvents so far: those whose write transaction has committed (read from the database). */
  events: number;
  markers: number;
  alerts: number;
}

/** Marker text: one line, printable; a leading = + - @ is kept but neutralised in CSV. */
const markerText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'at most 200 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'control characters are not allowed');

/** POST /api/rooms/:room/markers, or /session request `addMarker`. */
export const MarkerRequestSchema = z
  .object({
    label: markerText,
    note: z
      .string()
      .max(2000, 'at most 2000 characters')
      .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'control characters are not allowed')
      .optional(),
    /** When it happened; default now. Must fall inside the current session. */
    at: z.number().int().positive().optional(),
  })
  .strict();
export type MarkerRequest = z.input<typeof MarkerRequestSchema>;

export interface Marker {
  id: number;
  sessionId: string;
  at: number;
  label: string;
  note: string | null;
}

const durationS = z.number().min(0).max(3600);
/** Alert rules: each fires once when its condition has held for `forS` seconds, and re-arms when it stops holding. */
export const AlertRuleSchema = z.discriminatedUnion('kind', [
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'ids use a-z, 0-9 and - (at most 40)'),
      kind: z.literal('valence-below'),
      threshold: z.number().min(-1).max(1),
      forS: durationS,
    })
    .strict(),
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'ids use a-z, 0-9 and - (at most 40)'),
      kind: z.literal('arousal-above'),
      threshold: z.number().min(-1).max(1),
      forS: durationS,
    })
    .strict(),
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'ids use a-z, 0-9 and - (at most 40)'),
      kind: z.literal('expression-above'),
      expression: z.enum(EXPRESSIONS),
      threshold: z.number().min(0).max(1),
      forS: durationS,
    })
    .strict(),
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'ids use a-z, 0-9 and - (at most 40)'),
      /** A participant's stream shows no face for forS seconds. */
      kind: z.literal('face-lost'),
      forS: durationS,
    })
    .strict(),
]);
export type AlertRule = z.infer<typeof AlertRuleSchema>;

/** PUT /api/rooms/:room/rules: the room's whole rule set (replaces the previous one atomically). */
export const AlertRulesSchema = z
  .array(AlertRuleSchema)
  .max(50)
  .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'rule ids must be unique');

export interface Alert {
  id: number;
  sessionId: string;
  /** When the condition had held for the rule's duration. */
  at: number;
  ruleId: string;
  kind: AlertRule['kind'];
  peerId: string;
  displayName: string;
  /** null for face-lost. */
  faceId: number | null;
  /** Human-readable, e.g. "valence below -0.5 for 10 s (Ana, face 0)". */
  message: string;
}

/** GET /api/rooms/:room/history and /session request `history`: the session so far, for a dashboard opened mid-session. */
export const HistoryQuerySchema = z
  .object({
    session: z.string().min(1).max(64).optional(),
    /** Only events at or after this time (ms since epoch). */
    since: z.coerce.number().int().nonnegative().optional(),
    /** Most recent events at most (default 5000, max 50000). */
    limit: z.coerce.number().int().min(1).max(50_000).default(5_000),
    /**
     * Thin the history to at most one event per stream per this many ms (the latest of each window), so a
     * long session fits: 1000 gives 7200 points per stream for two hours. Default: every event.
     */
    everyMs: z.coerce.number().int().min(1).max(3_600_000).optional(),
  })
  .strict();

export interface SessionHistory {
  /** null when the room has never recorded (or the named session does not exist: 404 instead). */
  session: SessionInfo | null;
  /** Oldest first. */
  events: AffectEvent[];
  markers: Marker[];
  alerts: Alert[];
  participants: Array<{ peerId: string; displayName: string }>;
  rules: AlertRule[];
  /** True when older events of the session were left out (limit). */
  truncated: boolean;
}

/** GET /api/rooms/:room/events */
export const ExportQuerySchema = z
  .object({
    format: z.enum(['csv', 'jsonl']).default('csv'),
    session: z.string().min(1).max(64).optional(),
    /** ms since epoch or ISO 8601. */
    from: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
    to: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
    /** csv only: prefix a UTF-8 byte order mark so spreadsheets read UTF-8 (default true). */
    bom: z.enum(['0', '1', 'true', 'false']).optional(),
  })
  .strict();

/** /session server → client pushes (room of the token). */
export interface SessionServerToClientEvents {
  /** On connect and on every start/stop. */
  session: (session: SessionInfo | null) => void;
  marker: (marker: Marker) => void;
  alert: (alert: Alert) => void;
  rules: (rules: AlertRule[]) => void;
}

/** /session client → server requests, each answered by one Ack (same codes as REST). */
export interface SessionClientToServerEvents {
  history: (query: z.input<typeof HistoryQuerySchema>, ack: AckCallback<SessionHistory>) => void;
  addMarker: (marker: MarkerRequest, ack: AckCallback<Marker>) => void;
  startSession: (data: Record<string, never>, ack: AckCallback<SessionInfo>) => void;
  stopSession: (data: Record<string, never>, ack: AckCallback<SessionInfo | null>) => void;
  setRules: (rules: AlertRule[], ack: AckCallback<AlertRule[]>) => void;
}
