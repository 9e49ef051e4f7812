// REST routes of one room (/api/rooms/:room/...): sessions, history, markers, alerts, rules, start/stop,
// the streamed export, the room's purpose and overlay tokens for the dashboard's URL builder.
// Every route checks its token against the room in the path.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AffectcastError } from '../../contracts/errors.js';
import { RoomSettingsSchema } from '../../contracts/consent.js';
import { RoomNameSchema, TtlSchema, ttlToMs, type MintedToken } from '../../contracts/roles.js';
import { ExportQuerySchema } from '../../contracts/session.js';
import type { TokenScope } from '../../auth/tokens.js';
import { exportRecording } from '../../store/export/exportRecording.js';
import { parseOrThrow } from '../../store/validate.js';
import type { Recording } from '../Recording.js';
import type { HttpAuth } from './httpAuth.js';
import type { RoomActions } from './RoomActions.js';
import type { TokenMinter } from './TokenMinter.js';

const READERS: readonly TokenScope[] = ['dashboard', 'admin'];
const SessionQuery = z.object({ session: z.string().min(1).max(64).optional(), token: z.string().optional() }).strict();
const OverlayTokenBody = z.object({ ttl: TtlSchema.default('30d') }).strict();

export interface RoomRouteDeps {
  auth: HttpAuth;
  actions: RoomActions;
  recording: Recording;
  minter: TokenMinter;
}

/** The query without the token (which every route accepts). */
function query(req: FastifyRequest): Record<string, unknown> {
  const { token: _token, ...rest } = (req.query ?? {}) as Record<string, unknown>;
  return rest;
}

function toMs(value: number | string | undefined): number | undefined {
  return typeof value === 'string' ? Date.parse(value) : value;
}

export function registerRoomRoutes(api: FastifyInstance, deps: RoomRouteDeps): void {
  const { auth, actions, recording, minter } = deps;
  const roomOf = (req: FastifyRequest, roles: readonly TokenScope[]): string => {
    const room = parseOrThrow(RoomNameSchema, (req.params as { room?: unknown }).room, 'room');
    auth.check(req, roles, room);
    return room;
  };

  api.get('/rooms/:room', (req) => recording.policy.room(roomOf(req, READERS)));
  api.put('/rooms/:room', (req) => {
    const room = roomOf(req, ['admin']);
    const info = recording.policy.declare(room, parseOrThrow(RoomSettingsSchema, req.body, 'body'));
    if (!info.analysisAllowed) recording.consents.refuseRoom(room, (peerId) => actions.displayName(room, peerId));
    return info;
  });
  api.get('/rooms/:room/sessions', (req) => {
    const room = roomOf(req, READERS);
    parseOrThrow(SessionQuery.omit({ session: true }), req.query ?? {}, 'query');
    return { sessions: actions.sessions(room) };
  });
  api.post('/rooms/:room/sessions/start', (req) => actions.start(roomOf(req, READERS)));
  api.post('/rooms/:room/sessions/stop', async (req) => ({ session: await actions.stop(roomOf(req, READERS)) }));
  api.get('/rooms/:room/history', (req) => {
    const room = roomOf(req, READERS);
    return actions.history(room, query(req));
  });
  api.post('/rooms/:room/markers', (req, reply) => {
    const room = roomOf(req, READERS);
    return reply.code(201).send(actions.addMarker(room, req.body));
  });
  api.get('/rooms/:room/alerts', (req) => {
    const room = roomOf(req, READERS);
    const q = parseOrThrow(SessionQuery, req.query ?? {}, 'query');
    return { alerts: actions.alerts(room, q.session) };
  });
  api.get('/rooms/:room/rules', (req) => ({ rules: actions.rules(roomOf(req, READERS)) }));
  api.put('/rooms/:room/rules', (req) => {
    const room = roomOf(req, READERS);
    return { rules: actions.setRules(room, req.body) };
  });
  api.post('/rooms/:room/overlay-token', (req, reply): Promise<unknown> | unknown => {
    const room = roomOf(req, READERS);
    const { ttl } = parseOrThrow(OverlayTokenBody, req.body ?? {}, 'body');
    const minted: MintedToken = minter.mint(room, 'overlay', ttlToMs(ttl), 'overlay URL builder');
    return reply.code(201).send(minted);
  });

  api.get('/rooms/:room/events', async (req, reply) => {
    const room = roomOf(req, READERS);
    const q = parseOrThrow(ExportQuerySchema, query(req), 'query');
    const from = toMs(q.from);
    const to = toMs(q.to);
    if (from !== undefined && to !== undefined && from > to) throw new AffectcastError('BAD_REQUEST', 'from: must not be after to');
    // The whole recording of the room, or one session; queued events are written first.
    await recording.writer.flush();
    const sessions = q.session ? [recording.store.roomSession(room, q.session)] : actions.sessions(room).reverse();
    const name = `affectcast-${room}-${q.session ?? 'all'}.${q.format}`;
    const stream = Readable.from(
      exportRecording({ file: recording.store.file, format: q.format, sessions, from, to, bom: q.bom === undefined ? true : q.bom === '1' || q.bom === 'true' }),
      { objectMode: false },
    );
    return reply
      .header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
}
