// The overlay's URL parameters: what OBS users type by hand is read forgivingly (case, spaces), anything
// else is refused with a message naming the parameter, and the dashboard's builder writes only URLs the
// overlay accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlayQuery, parseOverlayOptions } from '../../../src/web/shared/overlayOptions.js';

const parse = (query: string) => parseOverlayOptions(new URLSearchParams(query));

describe('overlay URL parameters', { timeout: 10_000 }, () => {
  it('has defaults, ignores the page parameters and forgives case and spaces', () => {
    assert.deepEqual(parse('token=abc&room=r1'), {
      ok: true,
      options: { widgets: ['top', 'bars'], participant: [], faces: 'largest', theme: 'dark', position: 'top-left', scale: 1 },
    });
    const r = parse('widgets=Bars,%20AUS&participant=Ana,%20Ben%20&theme=LIGHT&position=Bottom-Right&scale=1.5&font=DejaVu%20Sans');
    assert.ok(r.ok);
    assert.deepEqual(r.options.widgets, ['bars', 'aus']);
    assert.deepEqual(r.options.participant, ['Ana', 'Ben']);
    assert.equal(r.options.theme, 'light');
    assert.equal(r.options.position, 'bottom-right');
    assert.equal(r.options.scale, 1.5);
    assert.equal(r.options.font, 'DejaVu Sans');
  });

  it('names every bad parameter', () => {
    const r = parse('widgets=bars,bars&scale=abc&theme=neon&font=x%3B%7Dbody%7Bcolor:red&faces=some&extra=1&scale=2');
    assert.equal(r.ok, false);
    const text = r.ok ? '' : r.problems.join('\n');
    for (const expected of [/"scale" is given twice/, /"widgets" = "bars,bars": a value is repeated/, /"theme" = "neon": use dark, light, bare/, /"font" = .*a font family name/, /"faces" = "some": use largest, all/, /"extra" is not an overlay parameter/]) {
      assert.match(text, expected);
    }
    assert.equal(parse('scale=0.1').ok, false);
    assert.equal(parse('scale=5').ok, false);
    assert.equal(parse('widgets=').ok, false);
    assert.equal(parse(`participant=${'a'.repeat(65)}`).ok, false);
  });

  it("the builder's query round-trips through the parser, writing only what differs from the defaults", () => {
    const options = { widgets: ['circumplex', 'aus'] as const, participant: ['Ana'], faces: 'all' as const, theme: 'bare' as const, position: 'center' as const, scale: 2, font: 'Inter' };
    const q = overlayQuery({ ...options, widgets: [...options.widgets] });
    const back = parseOverlayOptions(q);
    assert.deepEqual(back, { ok: true, options: { ...options, widgets: [...options.widgets] } });
    assert.equal(overlayQuery({ widgets: ['top', 'bars'], theme: 'dark', scale: 1 }).toString(), '');
  });
});
