// CSV as spreadsheets read it: RFC 4180 quoting, CRLF, '.' decimals whatever the locale, formula injection
// neutralised in text fields; the export's rows: one per face, markers and alerts as their own rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvRecord, num, text } from '../../../src/store/export/csv.js';
import { alertRow, eventRows, EXPORT_COLUMNS, markerRow } from '../../../src/store/export/columns.js';
import { event, face } from './fixtures.js';

/** A small RFC 4180 reader, independent of the writer under test. */
function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && input[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell, '', 'input ends with CRLF');
  return rows;
}

describe('csv', { timeout: 10_000 }, () => {
  it('quotes commas, quotes and line breaks, and ends records with CRLF', () => {
    const out = csvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '']);
    assert.equal(out, 'plain,"a,b","say ""hi""","two\nlines","cr\rhere",\r\n');
    assert.deepEqual(parseCsv(out), [['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '']]);
  });

  it("writes numbers with '.' and no exponent or grouping, whatever the locale", () => {
    assert.equal(num(-0.5), '-0.5');
    assert.equal(num(1234567.25), '1234567.25');
    assert.equal(num(1e-7), '0');
    assert.equal(num(-1e-9), '0');
    assert.equal(num(0.1 + 0.2), '0.3');
    assert.equal(num(42), '42');
    assert.equal(num(null), '');
    assert.equal(num(Number.NaN), '');
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      assert.equal(text(evil).startsWith("'"), true, evil);
    }
    assert.equal(text('Ana-Maria'), 'Ana-Maria');
    assert.equal(text('Zoë 😀'), 'Zoë 😀');
  });

  it('makes one row per face, an empty-face row for an event without faces, and marker and alert rows', () => {
    const ctx = { sessionId: 's1', sessionStart: 1_000, nameOf: (id: string) => (id === 'p1' ? '=cmd|x' : '') };
    const rows = eventRows(event('r', 'p1', 1_500, [face(0, -0.25), face(3, null, { aus: null })]), ctx);
    assert.equal(rows.length, 2);
    const parsed = parseCsv(rows.map(csvRecord).join(''));
    const col = (name: string) => EXPORT_COLUMNS.indexOf(name as (typeof EXPORT_COLUMNS)[number]);
    for (const row of parsed) assert.equal(row.length, EXPORT_COLUMNS.length);
    const [a, b] = parsed as [string[], string[]];
    assert.equal(a[col('row_type')], 'event');
    assert.equal(a[col('time_iso')], '1970-01-01T00:00:01.500Z');
    assert.equal(a[col('ms_since_session_start')], '500');
    assert.equal(a[col('participant_name')], "'=cmd|x");
    assert.equal(a[col('face_id')], '0');
    assert.equal(a[col('box_x')], '0.25');
    assert.equal(a[col('valence')], '-0.25');
    assert.equal(a[col('p_happiness')], '0.6');
    assert.equal(a[col('top_expression')], 'happiness');
    assert.equal(a[col('AU12')], '0.5');
    assert.equal(a[col('provenance_va')], 'estimator:circumplex');
    assert.equal(b[col('face_id')], '3');
    assert.equal(b[col('valence')], '');
    assert.equal(b[col('AU12')], '');
    // no raw values on these faces (smoothing off): empty raw cells
    assert.equal(a[col('raw_valence')], '');
    assert.equal(a[col('raw_AU12')], '');
    // a smoothed face exports its raw values beside the smoothed ones
    const smoothed = { ...face(1, -0.25), raw: { valence: -0.5, arousal: 0.125, aus: null, expression: { neutral: 0.1, anger: 0, disgust: 0, fear: 0, happiness: 0.9, sadness: 0, surprise: 0 } } };
    const [s] = parseCsv(eventRows(event('r', 'p1', 1_600, [smoothed]), ctx).map(csvRecord).join('')) as [string[]];
    assert.equal(s.length, EXPORT_COLUMNS.length);
    assert.deepEqual([s[col('valence')], s[col('raw_valence')], s[col('raw_arousal')], s[col('raw_p_happiness')], s[col('raw_AU12')]], ['-0.25', '-0.5', '0.125', '0.9', '']);
    const empty = parseCsv(eventRows(event('r', 'p1', 2_000, []), ctx).map(csvRecord).join(''));
    assert.equal(empty.length, 1);
    assert.equal(empty[0]?.[col('face_id')], '');
    const marker = parseCsv(csvRecord(markerRow({ id: 1, sessionId: 's1', at: 1_200, label: '-task 2', note: 'a, "b"' }, ctx)))[0];
    assert.equal(marker?.[col('row_type')], 'marker');
    assert.equal(marker?.[col('label')], "'-task 2");
    assert.equal(marker?.[col('note')], 'a, "b"');
    assert.equal(marker?.length, EXPORT_COLUMNS.length);
    const alert = parseCsv(
      csvRecord(alertRow({ id: 1, sessionId: 's1', at: 1_300, ruleId: 'low', kind: 'valence-below', peerId: 'p1', displayName: 'Ana', faceId: 0, message: 'valence below -0.5 for 10 s (Ana, face 0)' }, ctx)),
    )[0];
    assert.equal(alert?.[col('row_type')], 'alert');
    assert.equal(alert?.[col('participant_name')], 'Ana');
    assert.equal(alert?.[col('face_id')], '0');
    assert.equal(alert?.[col('label')], 'low');
    assert.equal(alert?.length, EXPORT_COLUMNS.length);
  });
});
