// The researcher's controls: which session is recording, start/stop, export links, and markers ("task 2
// start", with an optional note) on the session's timeline. The server is the source of truth: the panel
// shows what the /session socket reports, and a button only asks.
import type { Marker, SessionInfo } from '../../contracts/session.js';
import { el, requireElement } from '../shared/dom.js';
import type { RoomApi } from './api.js';
import { clock, explain } from './format.js';

export class SessionPanel {
  readonly #api: RoomApi;
  readonly #status = requireElement<HTMLElement>('session-status');
  readonly #start = requireElement<HTMLButtonElement>('session-start');
  readonly #stop = requireElement<HTMLButtonElement>('session-stop');
  readonly #csv = requireElement<HTMLAnchorElement>('export-csv');
  readonly #jsonl = requireElement<HTMLAnchorElement>('export-jsonl');
  readonly #form = requireElement<HTMLFormElement>('marker-form');
  readonly #label = requireElement<HTMLInputElement>('marker-label');
  readonly #note = requireElement<HTMLInputElement>('marker-note');
  readonly #error = requireElement<HTMLElement>('session-error');
  readonly #list = requireElement<HTMLOListElement>('markers');
  #session: SessionInfo | null = null;
  #markers: Marker[] = [];
  onMarkers: (markers: Marker[]) => void = () => undefined;

  constructor(api: RoomApi) {
    this.#api = api;
    this.#start.addEventListener('click', () => void this.#ask(() => this.#api.call<SessionInfo>('POST', '/sessions/start')));
    this.#stop.addEventListener('click', () =>
      void this.#ask(async () => {
        const { session } = await this.#api.call<{ session: SessionInfo | null }>('POST', '/sessions/stop');
        if (session) this.setSession(session);
      }),
    );
    this.#form.addEventListener('submit', (e) => {
      e.preventDefault();
      const note = this.#note.value.trim();
      void this.#ask(async () => {
        const marker = await this.#api.call<Marker>('POST', '/markers', { label: this.#label.value, ...(note ? { note } : {}) });
        this.addMarker(marker);
        this.#form.reset();
      });
    });
    this.setSession(null);
  }

  get session(): SessionInfo | null {
    return this.#session;
  }

  setSession(session: SessionInfo | null): void {
    this.#session = session;
    const recording = session !== null && session.endedAt === null;
    document.body.dataset.recording = String(recording);
    this.#status.textContent = !session
      ? 'no session recorded yet'
      : recording
        ? `recording session ${session.id} since ${clock(session.startedAt)}`
        : session.status === 'interrupted'
          ? `session ${session.id} was interrupted (the server stopped) after ${clock(session.endedAt ?? session.startedAt)}`
          : `session ${session.id} ended at ${clock(session.endedAt ?? session.startedAt)}`;
    this.#stop.disabled = !recording;
    this.#form.querySelector('button')?.toggleAttribute('disabled', !recording);
    for (const [link, format] of [[this.#csv, 'csv'], [this.#jsonl, 'jsonl']] as const) {
      link.href = session ? this.#api.link('/events', { format, session: session.id }) : '#';
      link.toggleAttribute('aria-disabled', !session);
    }
  }

  setMarkers(markers: Marker[]): void {
    this.#markers = [...markers].sort((a, b) => a.at - b.at);
    this.#render();
  }

  addMarker(marker: Marker): void {
    if (this.#markers.some((m) => m.id === marker.id)) return; // our own POST and the socket push both bring it
    this.#markers.push(marker);
    this.#markers.sort((a, b) => a.at - b.at);
    this.#render();
  }

  #render(): void {
    this.#list.replaceChildren(
      ...this.#markers.map((m) =>
        el('li', { 'data-marker-id': String(m.id) }, el('time', {}, clock(m.at)), ' ', el('strong', {}, m.label), ...(m.note ? [' — ', el('span', { class: 'note' }, m.note)] : [])),
      ),
    );
    this.onMarkers(this.#markers);
  }

  async #ask(action: () => Promise<unknown>): Promise<void> {
    this.#error.textContent = '';
    try {
      await action();
    } catch (error) {
      this.#error.textContent = explain(error);
    }
  }
}
