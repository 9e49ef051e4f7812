// Which rooms may be analysed at all. A room's purpose comes from the admin API (stored), else from the
// config's rooms, else the default purpose. The policy refuses the configured purposes (shipped: workplace
// and education, per the EU AI Act Art. 5(1)(f), which bans emotion recognition there except for medical
// or safety reasons) unless the room declares that exception and the policy allows it.
import type { RoomInfo, RoomPurpose, RoomSettings } from '../contracts/consent.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/Store.js';

export class PurposePolicy {
  readonly #config: Pick<Config, 'policy' | 'rooms'>;
  readonly #store: Store;

  constructor(config: Pick<Config, 'policy' | 'rooms'>, store: Store) {
    this.#config = config;
    this.#store = store;
  }

  room(room: string): RoomInfo {
    const declared = this.#store.roomPurpose(room) ?? this.#config.rooms[room];
    const purpose = declared?.purpose ?? this.#config.policy.defaultPurpose;
    const medicalOrSafety = declared?.medicalOrSafety ?? false;
    const refusedBecause = this.#refusal(purpose, medicalOrSafety);
    return { room, purpose, medicalOrSafety, analysisAllowed: refusedBecause === undefined, ...(refusedBecause ? { refusedBecause } : {}) };
  }

  allows(room: string): boolean {
    return this.room(room).analysisAllowed;
  }

  /**
   * Declares a room's purpose. A purpose the policy refuses is kept as declared (so the meeting page can say
   * why), and nobody in that room is analysed: the answer says analysisAllowed false.
   */
  declare(room: string, settings: RoomSettings): RoomInfo {
    this.#store.setRoomPurpose(room, settings.purpose, settings.medicalOrSafety);
    return this.room(room);
  }

  #refusal(purpose: RoomPurpose, medicalOrSafety: boolean): string | undefined {
    const { refusedPurposes, medicalOrSafetyException } = this.#config.policy;
    if (!refusedPurposes.includes(purpose)) return undefined;
    if (medicalOrSafety && medicalOrSafetyException) return undefined;
    return `emotion recognition is not allowed for the purpose '${purpose}' under this server's policy (EU AI Act Art. 5(1)(f): workplace and education, except for medical or safety reasons)`;
  }
}
