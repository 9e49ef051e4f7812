// The consent gate: before anything of theirs is analysed, a participant reads what is analysed, what is
// stored, for how long and who sees it (all text from the server, which knows the room's purpose and its
// retention) and accepts or declines. Joining the meeting does not depend on it; analysis does, and the server
// enforces that. Withdrawing is one click, always visible while consent stands.
import type { ConsentInfo } from '../../contracts/consent.js';
import type { MeetingClient } from './MeetingClient.js';
import type { ConsentPageState } from './pageState.js';

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const PURPOSE_TEXT: Record<ConsentInfo['purpose'], string> = {
  streaming: 'This room is a live stream.',
  telehealth: 'This room is a telehealth consultation.',
  research: 'This room is a research session.',
  other: 'This room analyses affect for its host.',
  workplace: 'This room is declared as a workplace meeting.',
  education: 'This room is declared as an education setting.',
};

export class ConsentGate {
  readonly #client: MeetingClient;
  readonly #state: ConsentPageState;
  readonly #dialog = byId<HTMLElement>('consent');
  readonly #purpose = byId<HTMLElement>('consent-purpose');
  readonly #refused = byId<HTMLElement>('consent-refused');
  readonly #terms = byId<HTMLElement>('consent-terms');
  readonly #problem = byId<HTMLElement>('consent-error');
  readonly #accept = byId<HTMLButtonElement>('consent-accept');
  readonly #decline = byId<HTMLButtonElement>('consent-decline');
  readonly #status = byId<HTMLElement>('consent-status');
  readonly #toggle = byId<HTMLButtonElement>('consent-toggle');
  readonly #texts = {
    analysed: byId<HTMLElement>('consent-analysed'),
    stored: byId<HTMLElement>('consent-stored'),
    retention: byId<HTMLElement>('consent-retention'),
    audience: byId<HTMLElement>('consent-audience'),
  };

  constructor(client: MeetingClient, state: ConsentPageState) {
    this.#client = client;
    this.#state = state;
    this.#accept.addEventListener('click', () => void this.#answer(true));
    this.#decline.addEventListener('click', () => void this.#answer(false));
    // While consent stands the button withdraws it; otherwise it reopens the text to accept.
    this.#toggle.addEventListener('click', () => (this.#state.granted ? void this.#answer(false) : this.#open()));
    client.on('connected', () => void this.#load());
  }

  async #load(): Promise<void> {
    try {
      const info = await this.#client.consentInfo();
      this.#state.info = info;
      this.#render(info);
      // Already answered on this connection (the client re-sent it) or earlier on this page: do not ask again.
      if (this.#state.granted !== null) return;
      if (info.granted !== undefined) this.#state.granted = info.granted;
      if (info.granted === undefined) this.#open();
      this.#showStatus();
    } catch (error) {
      this.#problem.textContent = `The analysis notice could not be loaded (${error instanceof Error ? error.message : String(error)}). Nothing of yours is analysed until you have read and accepted it.`;
      this.#problem.hidden = false;
      this.#accept.disabled = true;
      this.#open();
    }
  }

  #render(info: ConsentInfo): void {
    this.#purpose.textContent = PURPOSE_TEXT[info.purpose];
    this.#texts.analysed.textContent = info.text.analysed;
    this.#texts.stored.textContent = info.text.stored;
    this.#texts.retention.textContent = info.text.retention;
    this.#texts.audience.textContent = info.text.audience;
    this.#problem.hidden = true;
    // A purpose the policy refuses is never analysed, whatever anyone answers: nothing to accept.
    this.#refused.hidden = info.analysisAllowed;
    // The terms describe an analysis that will not happen here: showing them would only confuse.
    this.#terms.hidden = !info.analysisAllowed;
    this.#refused.textContent = info.analysisAllowed ? '' : `No affect analysis happens in this room: ${(info.refusedBecause ?? 'its purpose is not allowed to be analysed').replace(/\.$/, '')}.`;
    this.#accept.hidden = !info.analysisAllowed;
    this.#accept.disabled = false;
    this.#decline.textContent = info.analysisAllowed ? 'Decline' : 'Continue';
  }

  #open(): void {
    this.#state.shown = true;
    this.#dialog.hidden = false;
    if (!this.#accept.hidden && !this.#accept.disabled) this.#accept.focus();
  }

  async #answer(granted: boolean): Promise<void> {
    this.#accept.disabled = true;
    this.#decline.disabled = true;
    try {
      const answer = await this.#client.setConsent(granted);
      this.#state.granted = answer.granted;
      this.#state.at = answer.at;
      this.#dialog.hidden = true;
      this.#state.shown = false;
    } catch (error) {
      this.#problem.textContent = `Your answer did not reach the server (${error instanceof Error ? error.message : String(error)}); try again.`;
      this.#problem.hidden = false;
      if (!granted) this.#open(); // a withdrawal that failed must be visible
    } finally {
      this.#accept.disabled = false;
      this.#decline.disabled = false;
      this.#showStatus();
    }
  }

  #showStatus(): void {
    const { granted, info } = this.#state;
    const allowed = info?.analysisAllowed !== false;
    document.body.dataset.consent = granted === null ? 'unanswered' : String(granted);
    this.#status.hidden = false;
    this.#status.textContent = !allowed ? 'No analysis in this room' : granted ? 'Analysis on (you consented)' : granted === false ? 'Analysis off' : 'Analysis off (not answered)';
    this.#toggle.hidden = !allowed;
    this.#toggle.textContent = granted ? 'Withdraw consent' : 'Allow analysis…';
  }
}
