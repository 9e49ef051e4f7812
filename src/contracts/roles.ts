// Token roles and the admin token API. A token names one room and one role and expires; admins mint and
// revoke them (CLI `affectcast token`, REST /api/tokens). Which role opens what:
//   publish    the meeting page /room/:room and socket /sfu
//   overlay    the OBS page /overlay and socket /affect
//   dashboard  the page /dashboard, sockets /affect and /session, and the room's REST routes (export, markers…)
//   admin      everything dashboard may, plus /api/tokens and PUT /api/rooms/:room (purpose)
import { z } from 'zod';

export const TOKEN_ROLES = ['publish', 'overlay', 'dashboard', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const RoomNameSchema = z.string().regex(ROOM_NAME_PATTERN, 'room names use letters, digits, _ and - (at most 64)');

/** "30m", "12h", "1d", "2w": the token's lifetime. At most 366 days. */
export const TtlSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[smhdw]$/, 'a lifetime is a number and a unit: 30m, 12h, 1d, 2w');

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export const MAX_TTL_MS = 366 * 86_400_000;

/** Milliseconds of a TtlSchema string (already validated). */
export function ttlToMs(ttl: string): number {
  const unit = ttl.slice(-1) as keyof typeof UNIT_MS;
  return Number(ttl.slice(0, -1)) * UNIT_MS[unit];
}

/** POST /api/tokens (admin of that room). */
export const MintTokenRequestSchema = z
  .object({
    room: RoomNameSchema,
    role: z.enum(TOKEN_ROLES),
    ttl: TtlSchema.default('1d'),
    /** Free text kept with the token id, e.g. "OBS studio PC". */
    label: z.string().max(200).optional(),
  })
  .strict();
export type MintTokenRequest = z.input<typeof MintTokenRequestSchema>;

export interface MintedToken {
  /** The token id (jti): revoke with DELETE /api/tokens/:id. */
  id: string;
  token: string;
  room: string;
  role: TokenRole;
  /** ISO 8601. */
  expiresAt: string;
  /** The page URL this token opens (publish → meeting, overlay → overlay, dashboard/admin → dashboard). */
  url: string;
}
