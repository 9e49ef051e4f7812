// Every face of every participant's stream, each with its own card: fed first by the recorded session so far,
// then by live events. Events of a stream arrive in capture order, so anything not newer than what a stream
// already has is a duplicate of the history/live overlap and is skipped.
import type { AffectEvent } from '../../contracts/affect.js';
import type { RoomState } from '../../contracts/overlay.js';
import type { Marker } from '../../contracts/session.js';
import { FaceCard } from './FaceCard.js';

/** Cards per stream at most; the oldest faces no longer in view give way. */
const MAX_FACES_PER_STREAM = 6;

export class FaceBoard {
  readonly #container: HTMLElement;
  readonly #cards = new Map<string, FaceCard>();
  /** producerId → capturedAt of the newest event taken. */
  readonly #newest = new Map<string, number>();
  /** producerId → face ids seen on that stream. */
  readonly #faces = new Map<string, Set<number>>();
  readonly #names = new Map<string, string>();
  #markers: Marker[] = [];

  constructor(container: HTMLElement) {
    this.#container = container;
  }

  setNames(participants: ReadonlyArray<{ peerId: string; displayName: string }>): void {
    for (const p of participants) this.#names.set(p.peerId, p.displayName);
    for (const [key, card] of this.#cards) card.setTitle(this.#name(card.root.dataset.peerId ?? ''), Number(key.split(':').at(-1)));
  }

  /** `live`: a current event (updates the values shown) rather than a recorded one. */
  add(event: AffectEvent, live: boolean): void {
    const newest = this.#newest.get(event.producerId);
    if (newest !== undefined && event.capturedAt <= newest) return;
    this.#newest.set(event.producerId, event.capturedAt);
    let known = this.#faces.get(event.producerId);
    if (!known) this.#faces.set(event.producerId, (known = new Set()));
    const present = new Set<number>();
    for (const face of event.faces) {
      present.add(face.faceId);
      known.add(face.faceId);
      this.#card(event, face.faceId).add(event.capturedAt, face, live);
    }
    // A face that was tracked and is not in this frame: a gap in its lines, and "not in view".
    for (const faceId of known) {
      if (present.has(faceId)) continue;
      const card = this.#cards.get(`${event.producerId}:${faceId}`);
      if (card && (card.inView || !live)) card.add(event.capturedAt, null, live);
    }
  }

  /** The server's present: names, and each live stream's latest event. */
  applyState(state: RoomState): void {
    this.setNames(state.participants);
    for (const event of state.latest) this.add(event, true);
  }

  streamEnded(producerId: string): void {
    for (const faceId of this.#faces.get(producerId) ?? []) this.#cards.get(`${producerId}:${faceId}`)?.show(null);
  }

  setMarkers(markers: Marker[]): void {
    this.#markers = markers;
    for (const card of this.#cards.values()) card.timeline.setMarkers(markers);
  }

  /** A new session: start again from an empty board. */
  clear(): void {
    for (const card of this.#cards.values()) card.destroy();
    this.#cards.clear();
    this.#newest.clear();
    this.#faces.clear();
  }

  tick(now: number): void {
    for (const card of this.#cards.values()) card.timeline.tick(now);
  }

  resize(width: number): void {
    for (const card of this.#cards.values()) card.timeline.resize(width);
  }

  /** Points and presence per face card (the page's participant list and its test hook). */
  summary(): Record<string, { peerId: string; name: string; points: number; inView: boolean }> {
    const out: Record<string, { peerId: string; name: string; points: number; inView: boolean }> = {};
    for (const [key, card] of this.#cards) {
      const peerId = card.root.dataset.peerId ?? '';
      out[key] = { peerId, name: this.#name(peerId), points: card.timeline.points, inView: card.inView };
    }
    return out;
  }

  #name(peerId: string): string {
    return this.#names.get(peerId) ?? peerId.slice(0, 8);
  }

  /** A tracker that loses and re-finds faces gives them new ids: keep the page bounded, newest faces first. */
  #makeRoom(producerId: string): void {
    const faces = this.#faces.get(producerId);
    if (!faces || faces.size <= MAX_FACES_PER_STREAM) return;
    for (const faceId of faces) {
      const key = `${producerId}:${faceId}`;
      const card = this.#cards.get(key);
      if (!card || card.inView) continue; // no card yet: the face being added now
      card.destroy();
      this.#cards.delete(key);
      faces.delete(faceId);
      if (faces.size <= MAX_FACES_PER_STREAM) return;
    }
  }

  #card(event: AffectEvent, faceId: number): FaceCard {
    const key = `${event.producerId}:${faceId}`;
    let card = this.#cards.get(key);
    if (!card) {
      this.#makeRoom(event.producerId);
      card = new FaceCard(event.peerId, event.producerId, faceId, this.#markers);
      card.setTitle(this.#name(event.peerId), faceId);
      this.#cards.set(key, card);
      this.#container.append(card.root);
      const width = card.root.clientWidth - 28;
      if (width > 0) card.timeline.resize(width);
    }
    return card;
  }
}
