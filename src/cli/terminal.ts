// Where the command line writes: machine output (JSON lines, CSV, tokens, URLs) to stdout, everything for
// people (errors, progress) to stderr. Colour and redrawn progress only on a terminal, and never with NO_COLOR.
import { readTerminalEnv } from '../config/loadConfig.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** stderr is a terminal: progress may redraw one line. */
  stderrIsTty: boolean;
  /** Colour on stderr (a terminal, and NO_COLOR unset). */
  colour: boolean;
}

export function processIo(): CliIo {
  const stderrIsTty = process.stderr.isTTY === true;
  return { stdout: process.stdout, stderr: process.stderr, stderrIsTty, colour: stderrIsTty && readTerminalEnv().colourAllowed };
}

const SGR = { red: 31, green: 32, dim: 2, bold: 1 } as const;

/** `text` in a colour when colour is on, else as is. */
export function paint(io: Pick<CliIo, 'colour'>, style: keyof typeof SGR, text: string): string {
  return io.colour ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text;
}
