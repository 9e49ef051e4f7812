// Recording sessions per room. A session starts when the first participant's media is forked to the
// analyzer (so only consenting participants are ever recorded) and ends when the room closes; a dashboard
// can also start (a new one) and stop explicitly — after a stop, nothing is recorded until a start or until
// the room empties and someone publishes again. Every AffectEvent of a room with an open session goes to
// the EventWriter. Markers go straight to the store (one row, one statement).
import type { AffectEvent } from '../contracts/affect.js';
import { AffectcastError } from '../contracts/errors.js';
import type { Marker, MarkerRequest, SessionInfo } from '../contracts/session.js';
import { MarkerRequestSchema } from '../contracts/session.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import type { EventWriter } from './EventWriter.js';
import type { Store } from './Store.js';
import { parseOrThrow } from './validate.js';

export type SessionRecorderEvents = {
  /** A room's session started or stopped (null: none open now). */
  session: [room: string, session: SessionInfo | null];
  marker: [room: string, marker: Marker];
};

/** Markers may be placed this far in the future (clock skew between dashboard and server). */
const MARKER_FUTURE_MS = 5_000;

export class SessionRecorder extends EnhancedEventEmitter<SessionRecorderEvents> {
  readonly #store: Store;
  readonly #writer: EventWriter;
  readonly #log: Logger;
  /** room → open session. */
  readonly #open = new Map<string, { id: string; startedAt: number }>();
  /** Rooms whose session a dashboard stopped: no auto start until the room closes. */
  readonly #stopped = new Set<string>();
  /** Sessions being ended (their queued events still being written). */
  readonly #ending = new Set<Promise<unknown>>();
  #closed = false;

  constructor(store: Store, writer: EventWriter, logger: Logger) {
    super();
    this.#store = store;
    this.#writer = writer;
    this.#log = logger.child({ component: 'session-recorder' });
    this.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'session listener failed');
    const interrupted = store.endDanglingSessions();
    if (interrupted.length > 0) this.#log.warn({ sessions: interrupted }, 'sessions left open by a previous run closed as interrupted');
  }

  current(room: string): SessionInfo | null {
    const open = this.#open.get(room);
    return open ? (this.#store.session(open.id) ?? null) : null;
  }

  currentId(room: string): string | null {
    return this.#open.get(room)?.id ?? null;
  }

  /** A participant's media is being analysed (their consent is given): start the session if none is open. */
  participantAnalysed(room: string, peerId: string, displayName: string): void {
    if (this.#closed) return;
    let open = this.#open.get(room);
    if (!open && !this.#stopped.has(room)) open = this.#begin(room, 'auto');
    if (open) this.#store.addParticipant(open.id, peerId, displayName);
  }

  /** Called for every published event; cheap, never throws. */
  record(event: AffectEvent): void {
    const open = this.#open.get(event.roomId);
    if (open) this.#writer.enqueue(open.id, event);
  }

  /** Ends the open session (if any) and starts a new, manual one with the given participants. */
  async start(room: string, participants: ReadonlyArray<{ peerId: string; displayName: string }>): Promise<SessionInfo> {
    this.#assertOpen();
    await this.#end(room);
    this.#assertOpen();
    this.#stopped.delete(room);
    const open = this.#begin(room, 'manual');
    for (const p of participants) this.#store.addParticipant(open.id, p.peerId, p.displayName);
    return this.#store.session(open.id) as SessionInfo;
  }

  /** Ends the open session and records nothing more until start() or the room closes. */
  stop(room: string): Promise<SessionInfo | null> {
    this.#assertOpen();
    this.#stopped.add(room);
    return this.#end(room);
  }

  /** The room emptied: its session ends, and the next publisher starts a new one. */
  roomClosed(room: string): void {
    this.#stopped.delete(room);
    const ending = this.#end(room).catch((error: unknown) => this.#log.error({ err: error, room }, 'could not end a session'));
    this.#ending.add(ending);
    void ending.finally(() => this.#ending.delete(ending));
  }

  /** Validates and records a marker in the room's open session. */
  addMarker(room: string, request: unknown, now: number = Date.now()): Marker {
    this.#assertOpen();
    const parsed: MarkerRequest = parseOrThrow(MarkerRequestSchema, request, 'marker');
    const open = this.#open.get(room);
    if (!open) throw new AffectcastError('NOT_FOUND', 'session: no session is recording in this room (start one first)');
    const at = parsed.at ?? now;
    if (at < open.startedAt || at > now + MARKER_FUTURE_MS) {
      throw new AffectcastError('BAD_REQUEST', 'at: must fall inside the current session (ms since epoch)');
    }
    const marker = this.#store.addMarker(open.id, at, parsed.label, parsed.note);
    this.safeEmit('marker', room, marker);
    return marker;
  }

  /** Idempotent: writes what is queued and ends every open session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...[...this.#open.keys()].map((room) => this.#end(room)), ...this.#ending]);
    await this.#writer.close();
  }

  #begin(room: string, by: 'auto' | 'manual'): { id: string; startedAt: number } {
    const session = this.#store.startSession(room, by);
    const open = { id: session.id, startedAt: session.startedAt };
    this.#open.set(room, open);
    this.#log.info({ room, sessionId: session.id, startedBy: by }, 'recording session started');
    this.safeEmit('session', room, session);
    return open;
  }

  async #end(room: string): Promise<SessionInfo | null> {
    const open = this.#open.get(room);
    if (!open) return null;
    // Nothing more is recorded into it from now on; what is queued is written before it is marked ended.
    this.#open.delete(room);
    const endedAt = Date.now();
    await this.#writer.flush();
    if (this.#store.closed) return null;
    const ended = this.#store.endSession(open.id, endedAt) ?? null;
    this.#log.info({ room, sessionId: open.id, events: ended?.events }, 'recording session ended');
    this.safeEmit('session', room, null);
    return ended;
  }

  #assertOpen(): void {
    if (this.#closed) throw new AffectcastError('ROOM_CLOSED', 'the server is shutting down');
  }
}
