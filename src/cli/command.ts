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

/**
 * What node:util's parseArgs threw, as a command says it. Its message for an unknown option ends in advice with a
 * quote left open; the option is named plainly here, and the usage that follows lists the options there are.
 */
export function argumentError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']*)'/.exec(message)?.[1];
    if (option !== undefined) return `Unknown option '${option}'. (A path that starts with '-' goes after '--'.)`;
  }
  return message;
}
