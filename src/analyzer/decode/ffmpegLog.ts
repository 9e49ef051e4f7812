// ffmpeg's stderr, run with `-loglevel level+…`: every line is "[context @ 0x…] [level] text" or "[level] text".
// The video decoder reads its frame sizes from the showinfo lines; everything else is logged by level.

export type FfmpegLogLevel = 'panic' | 'fatal' | 'error' | 'warning' | 'info' | 'verbose' | 'debug' | 'trace';

export interface FfmpegLogLine {
  /** Undefined when the line carries no level prefix (a continuation, or ffmpeg run without "level+"). */
  level: FfmpegLogLevel | undefined;
  /** The component that logged it, e.g. "sdp" or "Parsed_showinfo_3". */
  context: string | undefined;
  text: string;
}

const LINE = /^(?:\[([^\]@]+?) @ 0x[0-9a-f]+\] )?(?:\[(panic|fatal|error|warning|info|verbose|debug|trace)\] )?(.*)$/;

export function parseFfmpegLogLine(line: string): FfmpegLogLine {
  const m = LINE.exec(line);
  return { context: m?.[1], level: m?.[2] as FfmpegLogLevel | undefined, text: m?.[3] ?? line };
}

const SHOWINFO_FRAME = /^n:\s*\d+\s.*\bs:(\d+)x(\d+)\b/;
const SHOWINFO_PTS_TIME = /\bpts_time:\s*(-?[0-9.]+)/;

/**
 * The size (and media time, where given) of the frame a showinfo line describes; undefined for any other
 * line (showinfo's extra lines too).
 */
export function showinfoFrameSize(line: FfmpegLogLine): { width: number; height: number; ptsSeconds?: number } | undefined {
  if (!line.context?.startsWith('Parsed_showinfo')) return undefined;
  const m = SHOWINFO_FRAME.exec(line.text);
  if (!m) return undefined;
  const pts = SHOWINFO_PTS_TIME.exec(line.text);
  const ptsSeconds = pts ? Number(pts[1]) : NaN;
  return { width: Number(m[1]), height: Number(m[2]), ...(Number.isFinite(ptsSeconds) ? { ptsSeconds } : {}) };
}

/** Splits a text stream into lines; a line split across chunks is held until its end arrives. */
export class LineSplitter {
  #rest = '';

  push(chunk: string): string[] {
    const parts = (this.#rest + chunk).split(/\r\n|\n|\r/);
    this.#rest = parts.pop() ?? '';
    return parts.filter((l) => l.length > 0);
  }

  /** The unterminated last line, if any (at end of stream). */
  flush(): string[] {
    const rest = this.#rest;
    this.#rest = '';
    return rest ? [rest] : [];
  }
}
