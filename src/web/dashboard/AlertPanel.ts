// Alerts fired by the server's rules engine, newest first, each with its time; and the room's rules, edited
// as JSON and checked against the same schema the server applies before anything is sent.
import { AlertRulesSchema, type Alert, type AlertRule } from '../../contracts/session.js';
import { el, requireElement } from '../shared/dom.js';
import type { RoomApi } from './api.js';
import { clock, explain } from './format.js';

/** The panel keeps the newest alerts only: a rule that flaps must not grow the page without bound. */
const MAX_SHOWN = 200;

export class AlertPanel {
  readonly #api: RoomApi;
  readonly #list = requireElement<HTMLOListElement>('alerts');
  readonly #rules = requireElement<HTMLTextAreaElement>('rules');
  readonly #save = requireElement<HTMLButtonElement>('rules-save');
  readonly #error = requireElement<HTMLElement>('rules-error');
  readonly #alerts = new Map<number, Alert>();

  constructor(api: RoomApi) {
    this.#api = api;
    this.#save.addEventListener('click', () => void this.#saveRules());
    this.#render();
  }

  get count(): number {
    return this.#alerts.size;
  }

  setAlerts(alerts: Alert[]): void {
    this.#alerts.clear();
    for (const a of alerts) this.#alerts.set(a.id, a);
    this.#render();
  }

  add(alert: Alert): void {
    this.#alerts.set(alert.id, alert);
    this.#render();
  }

  setRules(rules: AlertRule[]): void {
    // Someone typing must not lose their edit to a push.
    if (document.activeElement === this.#rules) return;
    this.#rules.value = JSON.stringify(rules, null, 2);
  }

  async #saveRules(): Promise<void> {
    this.#error.textContent = '';
    let input: unknown;
    try {
      input = JSON.parse(this.#rules.value);
    } catch (error) {
      this.#error.textContent = `not JSON: ${explain(error)}`;
      return;
    }
    const parsed = AlertRulesSchema.safeParse(input);
    if (!parsed.success) {
      this.#error.textContent = parsed.error.issues.map((i) => `${i.path.join('.') || 'rules'}: ${i.message}`).join('; ');
      return;
    }
    try {
      const saved = await this.#api.call<{ rules: AlertRule[] }>('PUT', '/rules', parsed.data);
      this.#rules.blur();
      this.setRules(saved.rules);
      this.#error.textContent = 'saved';
    } catch (error) {
      this.#error.textContent = explain(error);
    }
  }

  #render(): void {
    const newest = [...this.#alerts.values()].sort((a, b) => b.at - a.at).slice(0, MAX_SHOWN);
    if (newest.length === 0) {
      this.#list.replaceChildren(el('li', { class: 'none' }, 'No alert in this session.'));
      return;
    }
    this.#list.replaceChildren(
      ...newest.map((a) => el('li', { 'data-rule-id': a.ruleId, 'data-kind': a.kind, 'data-peer-id': a.peerId }, el('time', {}, clock(a.at)), ' ', a.message)),
    );
  }
}
