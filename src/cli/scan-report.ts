// What `listener-leak scan` found, and the two formats a person or a script reads it in: text (each finding with
// the chain of calls that makes it repeat) and JSON. SARIF has its own module (sarif.ts).
import type { ChainStep, FindingKind } from '../analysis/index.js';
import { packageInfo } from '../package-info.js';
import { displayPath, painter } from './format-findings.js';

export interface ScanFinding {
  /** As ESLint names it: `listener-leak/no-per-request-listener`. */
  readonly ruleId: string;
  /** The rule's messageId. */
  readonly kind: FindingKind;
  /** Absolute. */
  readonly path: string;
  /** 1-based; the end is the character after the registration call. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The rule's message, filled in. */
  readonly message: string;
  readonly data: Readonly<Record<string, string>>;
  /** From the code that repeats to the registration itself (the last step); paths absolute. */
  readonly chain: readonly ChainStep[];
  readonly evidence: readonly { readonly line: number; readonly what: string }[];
}

/** A file that could not be scanned: where (null when the whole file is at fault) and why. */
export interface ScanError {
  readonly path: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly message: string;
}

export interface ScanResult {
  /** Sorted by path, line, column. */
  readonly findings: readonly ScanFinding[];
  readonly errors: readonly ScanError[];
  /** The files reported on (those under the given paths). */
  readonly filesScanned: number;
  /** Every file analysed, including those only there to resolve calls. */
  readonly filesAnalysed: number;
  /** The tsconfig files the project came from; empty without one. */
  readonly configs: readonly string[];
}

function count(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function filesWithFindings(result: ScanResult): number {
  return new Set(result.findings.map((finding) => finding.path)).size;
}

/** `HTTPClient.request (src/http-client.ts:41) -> ... -> socket.on('close') (src/tracker.ts:28)`. */
export function chainText(chain: readonly ChainStep[], cwd: string): string {
  return chain.map((step) => `${step.name} (${displayPath(step.path, cwd)}:${String(step.line)})`).join(' -> ');
}

export function where(path: string, line: number | null, column: number | null, cwd: string): string {
  const shown = displayPath(path, cwd);
  return line === null ? shown : `${shown}:${String(line)}:${String(column ?? 1)}`;
}

export function summaryLine(result: ScanResult, cwd: string): string {
  const project = result.configs[0] === undefined ? '' : `, project ${displayPath(result.configs[0], cwd)}`;
  let line =
    result.findings.length === 0
      ? `No findings in ${count(result.filesScanned, 'file')}${project ? ` (${project.slice(2)})` : ''}`
      : `${count(result.findings.length, 'finding')} in ${count(filesWithFindings(result), 'file')} (${count(result.filesScanned, 'file')} scanned${project})`;
  if (result.errors.length > 0) line += `; ${count(result.errors.length, 'file')} could not be scanned`;
  return line;
}

/** Each finding as `file:line:col  message` with its chain below it, then the files that failed, then a summary. */
export function formatText(result: ScanResult, options: { cwd: string; color: boolean }): string {
  const paint = painter(options.color);
  const blocks = result.findings.map(
    (finding) =>
      `${paint('bold', where(finding.path, finding.line, finding.column, options.cwd))}  ${finding.message}\n` +
      `  ${paint('dim', chainText(finding.chain, options.cwd))}\n`,
  );
  const errors = result.errors.map(
    (error) => `${paint('bold', where(error.path, error.line, error.column, options.cwd))}  ${paint('red', 'error')}  ${error.message}\n`,
  );
  const parts = [...blocks, ...(errors.length > 0 ? [errors.join('')] : [])];
  return `${parts.join('\n')}${parts.length > 0 ? '\n' : ''}${paint('bold', summaryLine(result, options.cwd))}\n`;
}

/** The same facts for a script: paths relative to `cwd` (as the text shows them) and absolute. */
export function formatJson(result: ScanResult, cwd: string): string {
  const step = (s: ChainStep): Record<string, unknown> => ({ name: s.name, path: displayPath(s.path, cwd), line: s.line, column: s.column });
  const json = {
    tool: { name: packageInfo.name, version: packageInfo.version },
    cwd,
    configs: result.configs.map((config) => displayPath(config, cwd)),
    summary: {
      findings: result.findings.length,
      filesWithFindings: filesWithFindings(result),
      filesScanned: result.filesScanned,
      filesAnalysed: result.filesAnalysed,
      errors: result.errors.length,
    },
    findings: result.findings.map((finding) => ({
      ruleId: finding.ruleId,
      messageId: finding.kind,
      path: displayPath(finding.path, cwd),
      absolutePath: finding.path,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
      data: finding.data,
      chain: finding.chain.map(step),
      evidence: finding.evidence,
    })),
    errors: result.errors.map((error) => ({
      path: displayPath(error.path, cwd),
      absolutePath: error.path,
      line: error.line,
      column: error.column,
      message: error.message,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
