// Who has consented to analysis, by peer. Nothing of a peer is forked to the analyzer until it consents;
// a withdrawal is announced at once ('withdrawn') so the forks close and no further event is published.
// Every answer is recorded in the store (room, session, participant, granted, time).
import type { ConsentInfo, ConsentState } from '../contracts/consent.js';
import { AffectcastError } from '../contracts/errors.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Store } from '../store/Store.js';
import { consentText } from './consentText.js';
import type { PurposePolicy } from './PurposePolicy.js';

export type ConsentRegistryEvents = {
  granted: [roomId: string, peerId: string];
  withdrawn: [roomId: string, peerId: string];
};

export interface ConsentRegistryOptions {
  store: Store;
  policy: PurposePolicy;
  retentionDays: number;
  /** The open recording session of a room, for the consent record. */
  sessionOf: (roomId: string) => string | null;
}

export class ConsentRegistry extends EnhancedEventEmitter<ConsentRegistryEvents> {
  readonly #options: ConsentRegistryOptions;
  /** peerId → roomId of every peer that consented (and has not withdrawn or left). */
  readonly #granted = new Map<string, string>();

  constructor(options: ConsentRegistryOptions) {
    super();
    this.#options = options;
  }

  isGranted(peerId: string): boolean {
    return this.#granted.has(peerId);
  }

  info(roomId: string): ConsentInfo {
    const room = this.#options.policy.room(roomId);
    return {
      room: roomId,
      purpose: room.purpose,
      analysisAllowed: room.analysisAllowed,
      ...(room.refusedBecause ? { refusedBecause: room.refusedBecause } : {}),
      text: consentText(room.purpose, this.#options.retentionDays),
    };
  }

  /**
   * Records an answer of a joined peer. A grant in a room whose purpose is refused is itself refused
   * (PURPOSE_REFUSED, nothing recorded).
   */
  answer(roomId: string, peer: { id: string; displayName: string }, granted: boolean, at: number = Date.now()): ConsentState {
    if (granted && !this.#options.policy.allows(roomId)) {
      throw new AffectcastError('PURPOSE_REFUSED', this.#options.policy.room(roomId).refusedBecause);
    }
    const was = this.#granted.has(peer.id);
    // The record first: if it cannot be written, nothing changes (no analysis without a recorded grant).
    this.#options.store.recordConsent({
      room: roomId,
      sessionId: this.#options.sessionOf(roomId),
      peerId: peer.id,
      displayName: peer.displayName,
      granted,
      at,
    });
    if (granted) {
      this.#granted.set(peer.id, roomId);
      if (!was) this.safeEmit('granted', roomId, peer.id);
    } else {
      this.#granted.delete(peer.id);
      if (was) this.safeEmit('withdrawn', roomId, peer.id);
    }
    return { granted, at: new Date(at).toISOString() };
  }

  /** The room's purpose is now refused: every consent in it ends (recorded), so their analysis stops. */
  refuseRoom(roomId: string, displayNames: (peerId: string) => string): void {
    for (const [peerId, room] of [...this.#granted]) {
      if (room !== roomId) continue;
      this.#options.store.recordConsent({ room: roomId, sessionId: this.#options.sessionOf(roomId), peerId, displayName: displayNames(peerId), granted: false, at: Date.now() });
      this.#granted.delete(peerId);
      this.safeEmit('withdrawn', roomId, peerId);
    }
  }

  /** The peer left: its consent ends with it (a rejoin asks again). */
  forget(peerId: string): void {
    this.#granted.delete(peerId);
  }
}
