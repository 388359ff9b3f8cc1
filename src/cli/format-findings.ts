// Turns ESLint results into what a person reads in a terminal: where, which rule, why, and the code itself.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { styleText } from 'node:util';
import { codeFrameColumns, type SourceLocation } from '@babel/code-frame';
import type { ESLint, Linter } from 'eslint';

export interface FormatOptions {
  /** Paths are shown relative to this directory when they lie inside it. */
  cwd: string;
  color: boolean;
  /** Terminal columns; prose is wrapped to at most 100 of them. */
  width: number;
}

export interface FindingsSummary {
  /** Rule reports (and other non-fatal messages). */
  findings: number;
  filesWithFindings: number;
  /** Files the parser could not read. */
  parseErrors: number;
  filesLinted: number;
}

const MAX_PROSE_WIDTH = 100;
const MIN_PROSE_WIDTH = 40;
const INDENT = '  ';
// eslint-disable-next-line no-control-regex -- these are the characters it finds
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export type Style = Parameters<typeof styleText>[0];

/** Applies a terminal style, or leaves the text alone when colour is off. */
export function painter(color: boolean): (style: Style, text: string) => string {
  return color ? (style, text) => styleText(style, text) : (_style, text) => text;
}

export function displayPath(filePath: string, cwd: string): string {
  const fromCwd = relative(cwd, filePath);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? filePath : fromCwd;
}

/** Greedy word wrap; a word longer than the width (a URL, a path) stays whole on its own line. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

export function summarizeFindings(results: readonly ESLint.LintResult[]): FindingsSummary {
  const summary: FindingsSummary = { findings: 0, filesWithFindings: 0, parseErrors: 0, filesLinted: results.length };
  for (const result of results) {
    const findings = result.messages.filter((message) => message.fatal !== true).length;
    summary.findings += findings;
    if (findings > 0) summary.filesWithFindings++;
    summary.parseErrors += result.messages.length - findings;
  }
  return summary;
}

function count(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatSummary(summary: FindingsSummary, color: boolean): string {
  const paint = painter(color);
  const linted = count(summary.filesLinted, 'file');
  let line =
    summary.findings === 0
      ? `No findings in ${linted}`
      : `${count(summary.findings, 'finding')} in ${count(summary.filesWithFindings, 'file')} (${linted} linted)`;
  if (summary.parseErrors > 0) line += `; ${count(summary.parseErrors, 'file')} could not be parsed`;
  return paint('bold', line);
}

function readSource(result: ESLint.LintResult): string | undefined {
  if (result.source !== undefined) return result.source;
  try {
    return readFileSync(result.filePath, 'utf8');
  } catch {
    return undefined; // the finding is still shown, only without its code frame
  }
}

/** Underline the whole reported node when it fits on one line, else from its start to that line's end. */
function frameLocation(message: Linter.LintMessage, sourceLines: readonly string[]): SourceLocation {
  const start = { line: message.line, column: message.column };
  if (message.fatal === true) return { start }; // a parser points at one character
  if (message.endLine === message.line && message.endColumn !== undefined && message.endColumn > message.column) {
    return { start, end: { line: message.line, column: message.endColumn } };
  }
  const lineText = (sourceLines[message.line - 1] ?? '').trimEnd();
  const endColumn = lineText.length + 1;
  return endColumn > message.column ? { start, end: { line: message.line, column: endColumn } } : { start };
}

/** The widest source line a frame shows whole; a longer one (minified code) is cut to a window around the column. */
const MAX_FRAME_COLUMNS = 160;
/** How much of a cut line is kept left of the reported column. */
const FRAME_LEAD = 40;

/** The lines a frame shows (2 above and below), each cut to the same window when one is too wide; the others emptied. */
function cropForFrame(lines: readonly string[], location: SourceLocation): { text: string; location: SourceLocation } {
  const first = Math.max(1, location.start.line - 2);
  const last = (location.end?.line ?? location.start.line) + 2;
  if (lines.slice(first - 1, last).every((line) => line.length <= MAX_FRAME_COLUMNS)) return { text: lines.join('\n'), location };
  const offset = Math.max(0, (location.start.column ?? 1) - 1 - FRAME_LEAD);
  const lead = offset > 0 ? '…' : '';
  const text = lines
    .map((line, index) => {
      if (index < first - 1 || index >= last || line.length <= offset) return '';
      return `${lead}${line.slice(offset, offset + MAX_FRAME_COLUMNS)}${line.length > offset + MAX_FRAME_COLUMNS ? '…' : ''}`;
    })
    .join('\n');
  const widest = lead.length + MAX_FRAME_COLUMNS + 1;
  const shift = (column: number | undefined): number | undefined =>
    column === undefined ? undefined : Math.min(widest, Math.max(1, column - offset + lead.length));
  return {
    text,
    location: {
      start: { line: location.start.line, column: shift(location.start.column) },
      ...(location.end ? { end: { line: location.end.line, column: shift(location.end.column) } } : {}),
    },
  };
}

function formatMessage(
  message: Linter.LintMessage,
  path: string,
  source: string | undefined,
  options: FormatOptions,
): string {
  const paint = painter(options.color);
  const hasPosition = message.line >= 1;
  // A parser that rejects a whole file ("File appears to be binary.") reports column 0; columns here are 1-based.
  const location = hasPosition ? `${path}:${String(message.line)}:${String(Math.max(1, message.column))}` : path;

  let label: string;
  let text = message.message;
  if (message.fatal === true) {
    label = paint('red', 'parse error');
    text = text.replace(/^Parsing error:\s*/, '');
  } else {
    const severity = message.severity === 2 ? paint('red', 'error') : paint('yellow', 'warning');
    label = `${severity}  ${paint('dim', message.ruleId ?? 'eslint')}`;
  }

  const proseWidth = Math.max(MIN_PROSE_WIDTH, Math.min(options.width, MAX_PROSE_WIDTH) - INDENT.length);
  const lines = [`${paint(['bold', 'underline'], location)}  ${label}`];
  for (const line of wrapText(text, proseWidth)) lines.push(`${INDENT}${line}`);

  // A binary file has no code to show, and its bytes would go to the terminal as they are.
  if (hasPosition && source !== undefined && !source.includes('\0')) {
    // Control characters (an escape sequence in a string) are shown, not obeyed: one character each, so columns hold.
    const shown = source.replace(CONTROL_CHARACTERS, '\uFFFD').split(/\r\n|[\n\r\u2028\u2029]/);
    const cropped = cropForFrame(shown, frameLocation(message, shown));
    const frame = codeFrameColumns(cropped.text, cropped.location, {
      highlightCode: options.color,
      forceColor: options.color,
      linesAbove: 2,
      linesBelow: 2,
    });
    lines.push('');
    for (const line of frame.split('\n')) lines.push(`${INDENT}${line}`);
  }
  return lines.join('\n');
}

/** Every finding and parse error, one block each, files in path order; empty when there is nothing. */
export function formatFindings(results: readonly ESLint.LintResult[], options: FormatOptions): string {
  const blocks: string[] = [];
  const withPaths = results
    .filter((result) => result.messages.length > 0)
    .map((result) => ({ result, path: displayPath(result.filePath, options.cwd) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { result, path } of withPaths) {
    const source = readSource(result);
    for (const message of result.messages) blocks.push(formatMessage(message, path, source, options));
  }
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}
