// What a dashboard can do in its room, shared by the REST routes and the /session socket namespace, so both
// validate, answer and fail the same way.
import type { AffectEvent } from '../../contracts/affect.js';
import type { Alert, AlertRule, Marker, SessionHistory, SessionInfo } from '../../contracts/session.js';
import { HistoryQuerySchema } from '../../contracts/session.js';
import type { RoomRegistry } from '../../sfu/RoomRegistry.js';
import { parseOrThrow } from '../../store/validate.js';
import type { Recording } from '../Recording.js';

export class RoomActions {
  readonly #recording: Recording;
  readonly #rooms: RoomRegistry;

  constructor(recording: Recording, rooms: RoomRegistry) {
    this.#recording = recording;
    this.#rooms = rooms;
  }

  displayName(room: string, peerId: string): string {
    return this.#rooms.get(room)?.peers.get(peerId)?.displayName ?? '';
  }

  sessions(room: string): SessionInfo[] {
    return this.#recording.store.sessions(room);
  }

  /** The named session, else the open one, else the latest; undefined when the room never recorded. */
  session(room: string, id: string | undefined): SessionInfo | undefined {
    const { store, recorder } = this.#recording;
    if (id !== undefined) return store.roomSession(room, id);
    return recorder.current(room) ?? store.sessions(room)[0];
  }

  async history(room: string, query: unknown): Promise<SessionHistory> {
    const q = parseOrThrow(HistoryQuerySchema, query ?? {}, 'query');
    const { store, writer } = this.#recording;
    // Queued events belong to the session so far: write them first.
    await writer.flush();
    const session = this.session(room, q.session) ?? null;
    if (!session) return { session: null, events: [], markers: [], alerts: [], participants: [], rules: this.rules(room), truncated: false };
    const bodies = (
      q.everyMs === undefined
        ? store.db
            .prepare('SELECT body FROM events WHERE session_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?')
            .pluck()
            .all(session.id, q.since ?? 0, q.limit + 1)
        : store.db
            .prepare(
              `SELECT body FROM events WHERE id IN (
                 SELECT max(id) FROM events WHERE session_id = ? AND at >= ? GROUP BY producer_id, at / CAST(? AS INTEGER)
               ) ORDER BY at DESC, id DESC LIMIT ?`,
            )
            .pluck()
            .all(session.id, q.since ?? 0, q.everyMs, q.limit + 1)
    ) as string[];
    const truncated = bodies.length > q.limit;
    const events = bodies
      .slice(0, q.limit)
      .reverse()
      .map((b) => JSON.parse(b) as AffectEvent);
    return {
      session,
      events,
      markers: store.markers(session.id),
      alerts: store.alerts(session.id),
      participants: store.participants(session.id),
      rules: this.rules(room),
      truncated,
    };
  }

  alerts(room: string, sessionId: string | undefined): Alert[] {
    const session = this.session(room, sessionId);
    return session ? this.#recording.store.alerts(session.id) : [];
  }

  addMarker(room: string, body: unknown): Marker {
    return this.#recording.recorder.addMarker(room, body);
  }

  start(room: string): Promise<SessionInfo> {
    const { consents, recorder } = this.#recording;
    const peers = [...(this.#rooms.get(room)?.peers.values() ?? [])].filter((p) => consents.isGranted(p.id));
    return recorder.start(
      room,
      peers.map((p) => ({ peerId: p.id, displayName: p.displayName })),
    );
  }

  stop(room: string): Promise<SessionInfo | null> {
    return this.#recording.recorder.stop(room);
  }

  rules(room: string): AlertRule[] {
    return this.#recording.alerts.rules(room);
  }

  setRules(room: string, body: unknown): AlertRule[] {
    return this.#recording.alerts.setRules(room, body);
  }
}
