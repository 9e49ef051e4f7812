// The overlay's URL parameters: which widgets, whose faces, and how they look. One schema for the overlay
// (which refuses a bad URL with a message naming the parameter) and the dashboard's URL builder (which
// writes only URLs this schema accepts). OBS users type these by hand, so names are short and forgiving of case.
import { z } from 'zod';

export const WIDGETS = ['bars', 'top', 'circumplex', 'aus'] as const;
export type Widget = (typeof WIDGETS)[number];
export const THEMES = ['dark', 'light', 'bare'] as const;
export const POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right', 'top', 'bottom', 'center'] as const;
export const FACE_MODES = ['largest', 'all'] as const;

export const WIDGET_NAMES: Record<Widget, string> = {
  bars: 'Expression bars',
  top: 'Top expression',
  circumplex: 'Valence/arousal dot',
  aus: 'Action unit chips',
};

/** A list parameter: comma-separated, case-insensitive, no repeats. */
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim().toLowerCase()).filter((v) => v.length > 0))
    .pipe(z.array(z.enum(values)).min(1, 'name at least one').refine((a) => new Set(a).size === a.length, 'a value is repeated'));

const lower = <T extends readonly [string, ...string[]]>(values: T) => z.string().transform((s) => s.trim().toLowerCase()).pipe(z.enum(values));

export const OverlayOptionsSchema = z
  .object({
    widgets: list(WIDGETS).default(['top', 'bars']),
    /** Display names to show (exact, case-insensitive); empty shows everyone. */
    participant: z
      .string()
      .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v.length > 0))
      .pipe(z.array(z.string().max(64, 'a name has at most 64 characters')).max(16, 'at most 16 names'))
      .default([]),
    faces: lower(FACE_MODES).default('largest'),
    theme: lower(THEMES).default('dark'),
    position: lower(POSITIONS).default('top-left'),
    scale: z.coerce.number({ error: 'a number from 0.25 to 4' }).min(0.25, 'at least 0.25').max(4, 'at most 4').default(1),
    // Letters, digits, spaces and hyphens only: the name goes into a CSS font-family value.
    font: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 -]{1,48}$/, 'a font family name (letters, digits, spaces, hyphens; up to 48)')
      .optional(),
  })
  .strict();

export type OverlayOptions = z.infer<typeof OverlayOptionsSchema>;

/** Parameters every page URL carries besides the overlay's own. */
const PAGE_KEYS = new Set(['token', 'room']);

export type OverlayOptionsResult = { ok: true; options: OverlayOptions } | { ok: false; problems: string[] };

export function parseOverlayOptions(search: URLSearchParams): OverlayOptionsResult {
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of search) {
    if (PAGE_KEYS.has(key)) continue;
    if (key in raw) problems.push(`"${key}" is given twice`);
    raw[key] = value;
  }
  const parsed = OverlayOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push(`"${key}" is not an overlay parameter (known: ${Object.keys(OverlayOptionsSchema.shape).join(', ')})`);
      } else {
        const key = String(issue.path[0] ?? '');
        const given = raw[key];
        problems.push(`"${key}"${given === undefined ? '' : ` = "${given}"`}: ${describeIssue(key, issue.message)}`);
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return parsed.success ? { ok: true, options: parsed.data } : { ok: false, problems };
}

/** zod's enum messages list values with quotes and pipes; say it the way a person would. */
function describeIssue(key: string, message: string): string {
  const choices: Record<string, readonly string[]> = { widgets: WIDGETS, faces: FACE_MODES, theme: THEMES, position: POSITIONS };
  const known = choices[key];
  return known && /expected one of|invalid option|enum/i.test(message) ? `use ${known.join(', ')}${key === 'widgets' ? ' (comma-separated)' : ''}` : message;
}

/** The query string of an overlay URL for these options: only what differs from the defaults. */
export function overlayQuery(options: Partial<OverlayOptions>): URLSearchParams {
  const defaults = OverlayOptionsSchema.parse({});
  const q = new URLSearchParams();
  if (options.widgets && options.widgets.join(',') !== defaults.widgets.join(',')) q.set('widgets', options.widgets.join(','));
  if (options.participant && options.participant.length > 0) q.set('participant', options.participant.join(','));
  for (const key of ['faces', 'theme', 'position', 'scale', 'font'] as const) {
    const value = options[key];
    if (value !== undefined && value !== defaults[key]) q.set(key, String(value));
  }
  return q;
}
