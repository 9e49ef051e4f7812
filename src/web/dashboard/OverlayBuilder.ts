// Builds an OBS overlay URL: pick widgets and looks, mint an overlay token for this room (the dashboard's own
// token must never go into OBS: it could start sessions and export), preview it live, copy it.
import type { MintedToken } from '../../contracts/roles.js';
import { el, requireElement } from '../shared/dom.js';
import { FACE_MODES, overlayQuery, parseOverlayOptions, POSITIONS, THEMES, WIDGET_NAMES, WIDGETS, type Widget } from '../shared/overlayOptions.js';
import type { RoomApi } from './api.js';
import { explain } from './format.js';

export class OverlayBuilder {
  readonly #api: RoomApi;
  readonly #widgets = new Map<Widget, HTMLInputElement>();
  readonly #participant = requireElement<HTMLInputElement>('overlay-participant');
  readonly #faces = requireElement<HTMLSelectElement>('overlay-faces');
  readonly #theme = requireElement<HTMLSelectElement>('overlay-theme');
  readonly #position = requireElement<HTMLSelectElement>('overlay-position');
  readonly #scale = requireElement<HTMLInputElement>('overlay-scale');
  readonly #font = requireElement<HTMLInputElement>('overlay-font');
  readonly #ttl = requireElement<HTMLSelectElement>('overlay-ttl');
  readonly #url = requireElement<HTMLInputElement>('overlay-url');
  readonly #copy = requireElement<HTMLButtonElement>('overlay-copy');
  readonly #error = requireElement<HTMLElement>('overlay-error');
  readonly #preview = requireElement<HTMLIFrameElement>('overlay-preview');
  /** The minted page URL (room + overlay token); the widget parameters are appended to it. */
  #base: string | null = null;

  constructor(api: RoomApi) {
    this.#api = api;
    const fieldset = requireElement<HTMLFieldSetElement>('overlay-widgets');
    for (const w of WIDGETS) {
      const box = el('input', { type: 'checkbox', value: w, 'data-widget': w });
      box.checked = w === 'top' || w === 'bars';
      this.#widgets.set(w, box);
      fieldset.append(el('label', {}, box, ` ${WIDGET_NAMES[w]}`));
    }
    const fill = (select: HTMLSelectElement, values: readonly string[]) => select.append(...values.map((v) => el('option', { value: v }, v)));
    fill(this.#faces, FACE_MODES);
    fill(this.#theme, THEMES);
    fill(this.#position, POSITIONS);
    for (const input of [...this.#widgets.values(), this.#participant, this.#faces, this.#theme, this.#position, this.#scale, this.#font]) {
      input.addEventListener('change', () => this.#update());
    }
    requireElement<HTMLButtonElement>('overlay-mint').addEventListener('click', () => void this.#mint());
    this.#copy.addEventListener('click', () => void this.#copyUrl());
  }

  /** The overlay query for the current choices, validated by the overlay's own schema. */
  #query(): URLSearchParams | string {
    const raw = new URLSearchParams();
    raw.set('widgets', [...this.#widgets].filter(([, box]) => box.checked).map(([w]) => w).join(','));
    if (this.#participant.value.trim()) raw.set('participant', this.#participant.value);
    raw.set('faces', this.#faces.value);
    raw.set('theme', this.#theme.value);
    raw.set('position', this.#position.value);
    raw.set('scale', this.#scale.value);
    if (this.#font.value.trim()) raw.set('font', this.#font.value);
    const parsed = parseOverlayOptions(raw);
    return parsed.ok ? overlayQuery(parsed.options) : parsed.problems.join('; ');
  }

  #update(): void {
    const query = this.#query();
    if (typeof query === 'string') {
      this.#error.textContent = query;
      return;
    }
    this.#error.textContent = '';
    if (!this.#base) return;
    // Commas read better than %2C in a URL someone pastes by hand.
    const extra = query.toString().replaceAll('%2C', ',');
    const url = extra ? `${this.#base}&${extra}` : this.#base;
    this.#url.value = url;
    this.#copy.disabled = false;
    if (this.#preview.src !== url) this.#preview.src = url;
  }

  async #mint(): Promise<void> {
    this.#error.textContent = '';
    try {
      const minted = await this.#api.call<MintedToken>('POST', '/overlay-token', { ttl: this.#ttl.value });
      this.#base = minted.url;
      this.#update();
    } catch (error) {
      this.#error.textContent = explain(error);
    }
  }

  async #copyUrl(): Promise<void> {
    this.#url.select();
    try {
      await navigator.clipboard.writeText(this.#url.value);
      this.#copy.textContent = 'Copied';
    } catch {
      // No clipboard permission (an embedded or insecure context): the URL stays selected to copy by hand.
      this.#copy.textContent = 'Press Ctrl+C';
    }
  }
}
