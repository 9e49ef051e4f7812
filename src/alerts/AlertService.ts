// The rooms' alert rules (stored per room, else the config's room rules, else the config's defaults) and
// their evaluation on live events while a session records. Each alert is recorded and then announced.
import type { AffectEvent } from '../contracts/affect.js';
import type { Alert, AlertRule } from '../contracts/session.js';
import { AlertRulesSchema } from '../contracts/session.js';
import type { Config } from '../config/schema.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import type { SessionRecorder } from '../store/SessionRecorder.js';
import type { Store } from '../store/Store.js';
import { parseOrThrow } from '../store/validate.js';
import { AlertEngine } from './AlertEngine.js';

export type AlertServiceEvents = {
  alert: [room: string, alert: Alert];
  rules: [room: string, rules: AlertRule[]];
};

export class AlertService extends EnhancedEventEmitter<AlertServiceEvents> {
  readonly #config: Pick<Config, 'rooms' | 'alerts'>;
  readonly #store: Store;
  readonly #recorder: SessionRecorder;
  readonly #log: Logger;
  readonly #engines = new Map<string, AlertEngine>();
  readonly #rules = new Map<string, AlertRule[]>();

  constructor(config: Pick<Config, 'rooms' | 'alerts'>, store: Store, recorder: SessionRecorder, logger: Logger) {
    super();
    this.#config = config;
    this.#store = store;
    this.#recorder = recorder;
    this.#log = logger.child({ component: 'alerts' });
    this.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'alert listener failed');
  }

  rules(room: string): AlertRule[] {
    let rules = this.#rules.get(room);
    if (!rules) {
      rules = this.#store.rules(room) ?? this.#config.rooms[room]?.rules ?? this.#config.alerts.defaultRules;
      this.#rules.set(room, rules);
    }
    return rules;
  }

  /** Replaces the room's rules (validated whole first: an invalid set changes nothing). */
  setRules(room: string, input: unknown): AlertRule[] {
    const rules = parseOrThrow(AlertRulesSchema, input, 'rules');
    this.#store.setRules(room, rules);
    this.#rules.set(room, rules);
    this.#engines.get(room)?.reset();
    this.safeEmit('rules', room, rules);
    return rules;
  }

  /** Evaluates one published event; never throws (a failed alert write is logged). */
  evaluate(event: AffectEvent, nameOf: (peerId: string) => string): void {
    const sessionId = this.#recorder.currentId(event.roomId);
    if (!sessionId) return;
    let engine = this.#engines.get(event.roomId);
    if (!engine) {
      engine = new AlertEngine();
      this.#engines.set(event.roomId, engine);
    }
    for (const fired of engine.evaluate(event, this.rules(event.roomId))) {
      const displayName = nameOf(fired.peerId);
      const who = fired.faceId === null ? displayName : `${displayName}, face ${fired.faceId}`;
      try {
        const alert = this.#store.addAlert({
          sessionId,
          at: fired.at,
          ruleId: fired.rule.id,
          kind: fired.rule.kind,
          peerId: fired.peerId,
          displayName,
          faceId: fired.faceId,
          message: `${fired.description} (${who})`,
        });
        this.safeEmit('alert', event.roomId, alert);
      } catch (error) {
        this.#log.error({ err: error, room: event.roomId, ruleId: fired.rule.id }, 'could not record an alert');
      }
    }
  }

  streamEnded(room: string, producerId: string): void {
    this.#engines.get(room)?.streamEnded(producerId);
  }

  roomClosed(room: string): void {
    this.#engines.delete(room);
  }
}
