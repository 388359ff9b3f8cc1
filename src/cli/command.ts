// What every `listener-leak` command shares: where it writes, whether it may colour, how it exits.
import type { WriteStream } from 'node:tty';

export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** The command ran, but some input could not be processed (e.g. a file that does not parse). */
  incomplete: 1,
  /** The command could not run: bad arguments, a missing directory, a linter that failed. */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** True only when stdout is a terminal and NO_COLOR is not set (https://no-color.org). */
  color: boolean;
  /** Columns available for wrapping prose. */
  width: number;
}

export interface Command {
  name: string;
  /** One line for `listener-leak --help`, e.g. `demo [dir]`. */
  synopsis: string;
  summary: string;
  run(args: readonly string[], output: Output): Promise<ExitCode>;
}

const DEFAULT_WIDTH = 80;

export function processOutput(): Output {
  const stdout: Partial<WriteStream> = process.stdout;
  const isTerminal = stdout.isTTY === true;
  // no-color.org: an empty NO_COLOR counts as unset.
  const noColor = (process.env.NO_COLOR ?? '') !== '';
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: isTerminal && !noColor,
    width: isTerminal && stdout.columns ? stdout.columns : DEFAULT_WIDTH,
  };
}
