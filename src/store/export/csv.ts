// RFC 4180 fields: quoted when they hold a comma, quote, CR or LF (quotes doubled); records end in CRLF.
// Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is prefixed with an
// apostrophe, the OWASP advice against CSV injection. Numbers are written with '.' and no grouping, whatever
// the locale (Number → string in JS never localises), and at most 6 decimals.

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export type Cell = string | number | null | undefined;

/** A number cell: integers as is, others with up to 6 decimals, trailing zeros dropped; '' for null. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  if (Number.isInteger(value)) return String(value);
  const fixed = value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** A text cell from an untrusted source (names, notes): neutralised if it would start a formula. */
export function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function field(cell: Cell): string {
  const s = typeof cell === 'number' ? num(cell) : (cell ?? '');
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record. Cells must already be num()/text() formatted strings or raw numbers. */
export function csvRecord(cells: readonly Cell[]): string {
  return `${cells.map(field).join(',')}\r\n`;
}

export const UTF8_BOM = '\uFEFF';
