// Progress of a long command on stderr, for people: on a terminal one line redrawn in place (a bar when the
// total is known), elsewhere (a log file, CI) plain lines at every tenth of the way, so nothing is a wall
// of carriage returns. Never on stdout, which carries the results.
import { paint, type CliIo } from './terminal.js';

export interface Progress {
  /** `doneMs` of `totalMs` media processed, `frames` analysed so far. */
  update(doneMs: number, frames: number): void;
  /** Clears the redrawn line and says how much was done. Idempotent (and silent after clear). */
  finish(frames: number, doneMs: number): void;
  /** Clears the redrawn line without a word (the command failed; its error follows). Idempotent. */
  clear(): void;
}

export interface ProgressOptions {
  label: string;
  /** Media length; unknown for a still image or a file without an index. */
  totalMs: number | undefined;
  io: Pick<CliIo, 'stderr' | 'stderrIsTty' | 'colour'>;
  /** Redraws at most this often on a terminal. */
  redrawMs?: number;
  /** Without a known total, plain lines every this much media. */
  lineEveryMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 30;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const framesText = (n: number) => `${n} frame${n === 1 ? '' : 's'}`;

export function createProgress(options: ProgressOptions): Progress {
  const { io, label, totalMs } = options;
  const now = options.now ?? Date.now;
  const redrawMs = options.redrawMs ?? 100;
  const lineEveryMs = options.lineEveryMs ?? 10_000;
  let lastDraw = -Infinity;
  let lastStep = 0;
  let finished = false;
  const fraction = (doneMs: number) => (totalMs ? Math.min(1, Math.max(0, doneMs / totalMs)) : undefined);

  const describe = (doneMs: number, frames: number): string => {
    const f = fraction(doneMs);
    if (f === undefined || totalMs === undefined) return `${label}: ${seconds(doneMs)}, ${framesText(frames)}`;
    return `${label}: ${Math.floor(f * 100)}% (${seconds(doneMs)} of ${seconds(totalMs)}, ${framesText(frames)})`;
  };

  return {
    update(doneMs, frames) {
      if (finished) return;
      if (io.stderrIsTty) {
        if (now() - lastDraw < redrawMs) return;
        lastDraw = now();
        const f = fraction(doneMs);
        const bar = f === undefined ? '' : `${paint(io, 'green', '█'.repeat(Math.round(f * BAR_WIDTH)))}${paint(io, 'dim', '░'.repeat(BAR_WIDTH - Math.round(f * BAR_WIDTH)))} `;
        io.stderr.write(`\r\u001b[K${bar}${describe(doneMs, frames)}`);
        return;
      }
      // Plain lines: one per tenth of the file (or per lineEveryMs of media when its length is unknown).
      const f = fraction(doneMs);
      const step = f === undefined ? Math.floor(doneMs / lineEveryMs) : Math.floor(f * 10);
      if (step <= lastStep) return;
      lastStep = step;
      io.stderr.write(`${describe(doneMs, frames)}\n`);
    },
    clear() {
      if (finished) return;
      finished = true;
      if (io.stderrIsTty) io.stderr.write('\r\u001b[K');
    },
    finish(frames, doneMs) {
      if (finished) return;
      finished = true;
      if (io.stderrIsTty) io.stderr.write('\r\u001b[K');
      io.stderr.write(`${label}: done, ${framesText(frames)}${totalMs === undefined ? '' : ` of ${seconds(totalMs)}`}\n`);
    },
  };
}
