// `listener-leak codemod registry|teardown <paths...>`: runs a transform over files and directories, writes each
// change atomically, and reports every file as error / unmodified / skipped / ok, the way jscodeshift's runner does.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { transformOnWorkers } from './codemod-pool.js';
import { crossFileCallers, loadTransform, type LoadedTransform, type Outcome, type TransformName, type TransformOptions } from './codemod-transform.js';
import { argumentError, ExitCode, type Command, type Output } from './command.js';
import {
  DEFAULT_EXTENSIONS,
  describeMissing,
  findSourceFiles,
  foreignExtension,
  readSourceText,
  SourceTextError,
  uncommittedFiles,
  writeAtomically,
  type Discovery,
  type SourceFile,
} from './files.js';
import { displayPath } from './format-findings.js';
import { unifiedDiff } from './line-diff.js';
import { PROGRESS_THRESHOLD, ProgressBar } from './progress.js';

/** jscodeshift's default, teardown's: a worker per core but one, and at least one (which runs in this process). */
const DEFAULT_CPUS = Math.max(availableParallelism() - 1, 1);

// What the usage texts of both transforms say alike.
const PATHS_HELP = `Each path is a file or a directory. Directories are searched for source files, skipping node_modules
and whatever .gitignore excludes (inside a git work tree, as git itself sees them).
`;
const SHARED_OPTIONS_HELP = `  --dry                Write nothing; show the change each file would get as a diff
  --print              Write nothing; print the new source of each file that changes to stdout
  --json               Print a machine-readable report on stdout instead of the text report
  --force              Run even when git shows uncommitted changes under the paths
  --extensions <list>  Extensions to look for in directories (default: ${DEFAULT_EXTENSIONS.join(',')})
`;
const EXIT_CODES_HELP = `Exit codes: 0 done, 1 some files could not be processed, 2 bad arguments, a missing path, or
uncommitted changes without --force.
`;

const USAGE = `Usage: listener-leak codemod registry [options] <paths...>

Rewrites each tracker (a function that receives an emitter and adds listeners to it, called once per
request) so that it adds its listeners once per emitter: the first call registers them, later calls for
the same socket skip that. Trackers it cannot rewrite safely are left alone and listed with the reason.

${PATHS_HELP}
Options:
${SHARED_OPTIONS_HELP}  --unsafe             Also rewrite trackers whose listeners read a value of each call: after the
                       rewrite they keep the first call's value (each one is listed; review them)
  --cpus <n>           Transform the files on n worker threads (default 1: in this process). The
                       calls across files are found first, in this process, whatever n is, and
                       they are most of the work: more threads seldom make it faster. The report
                       is the same for every n
  -h, --help           Show this help

The report ends with 'N errors / N unmodified / N skipped / N ok', then lists each tracker left alone
and why. ok files were (with --dry, would be) rewritten; unmodified files were parsed and needed no
change; skipped files hold no listener registration, so they were not parsed, or were not written (a
symlink to a file outside the paths); errors could not be parsed, read or written, or are not UTF-8
text (a binary, a Latin-1 file), and are left as they were.

${EXIT_CODES_HELP}`;

const TEARDOWN_USAGE = `Usage: listener-leak codemod teardown [options] <paths...>

For each listener that a lifecycle method (connect, reconnect, subscribe, start, or a function a
reconnect runs again) adds to an emitter that outlives the connection (process, a module-level
emitter, a long-lived field), and that the class's teardown (disconnect, close, stop, destroy,
dispose, unsubscribe) does not remove: keeps the handler in a field, removes the previous one before
adding it again, and removes it first thing in the teardown. A class without a teardown, a listener
that reads a value of each call, and a teardown whose close would reconnect are left alone and
listed with the reason.

${PATHS_HELP}
Options:
${SHARED_OPTIONS_HELP}  --cpus <n>           Transform the files on n worker threads; 1 runs them in this process
                       (default: the cores less one, as jscodeshift does: ${String(DEFAULT_CPUS)} here). The
                       report is the same for every n
  -h, --help           Show this help

The report ends with 'N errors / N unmodified / N skipped / N ok', then lists each listener left
alone and why (path:line:column of the registration). ok files were (with --dry, would be)
rewritten; unmodified files were parsed and needed no change; skipped files hold no listener
registration, so they were not parsed, or were not written (a symlink to a file outside the paths);
errors could not be parsed, read or written, or are not UTF-8 text (a binary, a Latin-1 file), and are
left as they were.

${EXIT_CODES_HELP}`;

const GROUP_USAGE = `Usage: listener-leak codemod registry [options] <paths...>
       listener-leak codemod teardown [options] <paths...>

Transforms:
  registry  Make trackers add their listeners once per emitter (listener-leak codemod registry --help)
  teardown  Remove the listeners connect()/start() add in the matching teardown (listener-leak codemod teardown --help)
`;

interface Transform {
  readonly usage: string;
  /** What its outcomes are called in reports and in the JSON: `trackers`, `listeners`. */
  readonly items: 'trackers' | 'listeners';
  readonly hasUnsafe: boolean;
  /** registry: reads every file of the run first, for the calls across files (codemod-transform.ts). */
  readonly crossFile: boolean;
  /**
   * Threads without --cpus. registry: 1, since the calls across files, found in this process first, parse every
   * file, and a run in this process rewrites from those parses where each worker would parse its files again;
   * teardown: jscodeshift's default.
   */
  readonly defaultCpus: number;
}

const TRANSFORMS: Readonly<Record<string, Transform>> = {
  registry: { usage: USAGE, items: 'trackers', hasUnsafe: true, crossFile: true, defaultCpus: 1 },
  teardown: { usage: TEARDOWN_USAGE, items: 'listeners', hasUnsafe: false, crossFile: false, defaultCpus: DEFAULT_CPUS },
};

const MAX_DIRTY_LISTED = 20;

type FileStatus = 'error' | 'unmodified' | 'skipped' | 'ok';

export interface FileReport {
  /** Absolute, as reached from the given paths. */
  path: string;
  status: FileStatus;
  /** The trackers (registry) or listeners (teardown) the transform looked at. */
  outcomes: readonly Outcome[];
  /** Why an error or a deliberate skip happened; null for the ordinary cases. */
  reason: string | null;
  /** Where a parse error is, 1-based; null otherwise. */
  line: number | null;
  column: number | null;
}

interface Options {
  transform: TransformName;
  mode: 'write' | 'dry' | 'print';
  json: boolean;
  force: boolean;
  unsafe: boolean;
  extensions: string[];
  paths: string[];
  /** Worker threads; 1 runs the transform in this process. */
  cpus: number;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The options, or the usage error to print. */
function parseOptions(args: readonly string[]): Options | { help: string } | { error: string; usage?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        dry: { type: 'boolean' },
        print: { type: 'boolean' },
        json: { type: 'boolean' },
        force: { type: 'boolean' },
        unsafe: { type: 'boolean' },
        extensions: { type: 'string' },
        cpus: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { error: argumentError(error) };
  }
  const { values, positionals } = parsed;
  const [transform, ...paths] = positionals;
  const chosen = transform === undefined ? undefined : TRANSFORMS[transform];
  if (values.help === true) return { help: chosen?.usage ?? GROUP_USAGE };
  if (transform === undefined) return { error: 'name a transform and the paths to run it on' };
  if (!chosen) return { error: `unknown transform '${transform}'; transforms: ${Object.keys(TRANSFORMS).join(', ')}` };
  if (paths.length === 0) return { error: 'name at least one file or directory to rewrite', usage: chosen.usage };
  if (values.unsafe === true && !chosen.hasUnsafe) return { error: `--unsafe is an option of the registry transform, not of ${transform}`, usage: chosen.usage };
  if (values.json === true && values.print === true) {
    return { error: '--json and --print both write to stdout; pass one of them', usage: chosen.usage };
  }
  const extensions = (values.extensions ?? DEFAULT_EXTENSIONS.join(','))
    .split(',')
    .map((extension) => extension.trim().replace(/^\./, ''))
    .filter((extension) => extension !== '');
  if (extensions.length === 0) return { error: '--extensions needs a comma-separated list, e.g. --extensions js,ts', usage: chosen.usage };
  const cpus = values.cpus === undefined ? chosen.defaultCpus : /^\s*\d+\s*$/.test(values.cpus) ? Number(values.cpus) : Number.NaN;
  if (!Number.isSafeInteger(cpus) || cpus < 1) {
    return { error: `--cpus needs a whole number of worker threads, 1 or more (1 runs in this process), not '${values.cpus ?? ''}'`, usage: chosen.usage };
  }
  return {
    transform: transform as TransformName,
    mode: values.print === true ? 'print' : values.dry === true ? 'dry' : 'write',
    json: values.json === true,
    force: values.force === true,
    unsafe: values.unsafe === true,
    extensions,
    paths,
    cpus,
  };
}

export interface Transformed {
  report: FileReport;
  source: string;
  /** The new text when the file changes. */
  output: string | null;
}

/** One file through the transform, in this process or on a worker thread (codemod-worker.ts). */
export function transformFile(transform: LoadedTransform, file: SourceFile, options: TransformOptions): Transformed {
  const base = { path: file.path, outcomes: [], line: null, column: null };
  let source: string;
  try {
    // Not decoded leniently: a file that is not UTF-8 text would be saved with its odd bytes replaced.
    source = readSourceText(file.realPath);
  } catch (error) {
    if (error instanceof SourceTextError) {
      return { report: { ...base, status: 'error', reason: error.message, line: error.line, column: error.column }, source: '', output: null };
    }
    const reason = `cannot read: ${errorMessage(error)}. Make it readable, or leave it out of the paths.`;
    return { report: { ...base, status: 'error', reason }, source: '', output: null };
  }
  // A file named on the command line is taken whatever its extension: a README or a .json passed by mistake is named.
  const foreign = foreignExtension(file.path, DEFAULT_EXTENSIONS);
  try {
    const result = transform.rewrite(file.path, source, options);
    const status: FileStatus = result.output !== null && result.output !== source ? 'ok' : result.parsed ? 'unmodified' : 'skipped';
    const reason = status === 'skipped' && foreign !== null ? `${foreign}, not JavaScript or TypeScript, and no listener registration in it: nothing to rewrite` : null;
    return {
      report: { ...base, status, outcomes: result.outcomes, reason },
      source,
      output: status === 'ok' ? result.output : null,
    };
  } catch (error) {
    if (error instanceof transform.ParseError) {
      const reason = foreign === null ? error.message : `${error.message} (${foreign}, not JavaScript or TypeScript: leave it out of the paths)`;
      return { report: { ...base, status: 'error', reason, line: error.line, column: error.column }, source, output: null };
    }
    // A bug in the transform: this file stays as it was, and the others still get their turn.
    return { report: { ...base, status: 'error', reason: `the ${transform.name} transform failed: ${errorMessage(error)}` }, source, output: null };
  }
}

function countByStatus(reports: readonly FileReport[]): Record<'errors' | 'unmodified' | 'skipped' | 'ok', number> {
  const count = (status: FileStatus): number => reports.filter((report) => report.status === status).length;
  return { errors: count('error'), unmodified: count('unmodified'), skipped: count('skipped'), ok: count('ok') };
}

function describeProblem(report: FileReport, cwd: string): string {
  const path = displayPath(report.path, cwd);
  const where = report.line === null ? path : `${path}:${String(report.line)}:${String(report.column)}`;
  return `${where}: ${report.reason ?? ''}`;
}

function dirtyTreeMessage(dirty: readonly string[], cwd: string): string {
  const listed = dirty.slice(0, MAX_DIRTY_LISTED).map((path) => `  ${displayPath(path, cwd)}`);
  if (dirty.length > MAX_DIRTY_LISTED) listed.push(`  ... and ${String(dirty.length - MAX_DIRTY_LISTED)} more`);
  return (
    `listener-leak codemod: git shows uncommitted changes under the given paths:\n${listed.join('\n')}\n` +
    'Commit or stash them first, so the codemod\'s changes can be reviewed and undone on their own,\n' +
    'or pass --force to run anyway.\n'
  );
}

function jsonReport(reports: readonly FileReport[], options: Options, cwd: string): string {
  const { mode } = options;
  const items = TRANSFORMS[options.transform]!.items;
  const json = {
    transform: options.transform,
    written: mode === 'write',
    files: reports.map((file) => ({
      path: file.path,
      displayPath: displayPath(file.path, cwd),
      status: file.status,
      reason: file.reason,
      line: file.line,
      column: file.column,
      [items]: file.outcomes,
    })),
    totals: countByStatus(reports),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** The summary line, then each tracker or listener left alone (and each rewritten only under --unsafe) with its reason. */
function textSummary(reports: readonly FileReport[], mode: Options['mode'], cwd: string): string {
  const totals = countByStatus(reports);
  let text = mode === 'write' ? '' : `Nothing was written (${mode === 'dry' ? '--dry' : '--print'}).\n`;
  text += `${String(totals.errors)} errors / ${String(totals.unmodified)} unmodified / ${String(totals.skipped)} skipped / ${String(totals.ok)} ok\n`;
  // A rewritten tracker carries a reason only under --unsafe: the per-call value it now keeps from the first call.
  const trackerLines = (status: Outcome['status']): string[] =>
    reports.flatMap((file) =>
      file.outcomes
        .filter((tracker) => tracker.status === status && (status === 'left-alone' || tracker.reason !== null))
        .map((tracker) => `${displayPath(file.path, cwd)}:${String(tracker.line)}:${String(tracker.column)}  ${tracker.name}: ${tracker.reason ?? ''}`),
    );
  const leftAlone = trackerLines('left-alone');
  if (leftAlone.length > 0) text += `\nLeft alone:\n${leftAlone.join('\n')}\n`;
  const unsafe = trackerLines('rewritten');
  if (unsafe.length > 0) text += `\nRewritten with --unsafe (check each one):\n${unsafe.join('\n')}\n`;
  return text;
}

async function runCodemod(args: readonly string[], output: Output): Promise<ExitCode> {
  const options = parseOptions(args);
  if ('help' in options) {
    output.out(options.help);
    return ExitCode.ok;
  }
  if ('error' in options) {
    output.err(`listener-leak codemod: ${options.error}\n\n${options.usage ?? GROUP_USAGE}`);
    return ExitCode.usage;
  }
  const cwd = process.cwd();
  let discovery: Discovery;
  try {
    discovery = findSourceFiles(options.paths, { extensions: options.extensions, cwd });
  } catch (error) {
    output.err(`listener-leak codemod: cannot list the files to rewrite: ${errorMessage(error)}\n`);
    return ExitCode.usage;
  }
  if (discovery.missing.length > 0) {
    const list = discovery.missing.map((path) => `  ${describeMissing(path, cwd)}`).join('\n');
    output.err(`listener-leak codemod: not found:\n${list}\nPass existing files or directories.\n`);
    return ExitCode.usage;
  }

  if (options.mode === 'write' && !options.force) {
    let dirty: string[];
    try {
      dirty = uncommittedFiles(options.paths, cwd);
    } catch (error) {
      output.err(`listener-leak codemod: cannot tell whether the paths have uncommitted changes: ${errorMessage(error)}\nPass --force to skip that check.\n`);
      return ExitCode.usage;
    }
    if (dirty.length > 0) {
      output.err(dirtyTreeMessage(dirty, cwd));
      return ExitCode.usage;
    }
  }

  // The text report goes where it does not mix with what the user asked stdout for.
  const report = (text: string): void => {
    if (options.json) return;
    if (options.mode === 'print') output.err(text);
    else output.out(text);
  };
  if (discovery.files.length === 0 && discovery.excluded.length === 0) {
    report(
      `No files with the extensions ${options.extensions.join(', ')} under ${options.paths.join(', ')}\n` +
        '(node_modules and files that .gitignore excludes are not searched).\n',
    );
  }
  const progress = new ProgressBar(options.transform, discovery.files.length, process.stderr.isTTY && discovery.files.length > PROGRESS_THRESHOLD);
  const say = (text: string): void => {
    progress.around(() => {
      report(text);
    });
  };
  const reports: FileReport[] = discovery.excluded.map((file) => ({
    path: file.path,
    status: 'skipped',
    outcomes: [],
    reason: file.reason,
    line: null,
    column: null,
  }));
  for (const excluded of reports) say(`${displayPath(excluded.path, cwd)}: skipped: ${excluded.reason ?? ''}\n`);

  const { files } = discovery;
  const multiple = files.length > 1;
  // Writes, diffs and report lines for one file, always in the files' order whoever transformed them.
  const conclude = (file: SourceFile, transformed: Transformed): void => {
    const { report: fileReport, source, output: rewritten } = transformed;
    const shown = displayPath(file.path, cwd);
    if (rewritten !== null) {
      const names = fileReport.outcomes.filter((outcome) => outcome.status === 'rewritten').map((outcome) => outcome.name);
      if (options.mode === 'dry') {
        if (!options.json) say(`${unifiedDiff(shown, source, rewritten, output.color)}\n`);
      } else if (options.mode === 'print') {
        progress.around(() => {
          output.out(multiple ? `==> ${shown} <==\n${rewritten}\n` : rewritten);
        });
      } else {
        try {
          writeAtomically(file.realPath, rewritten, statSync(file.realPath).mode & 0o7777);
          say(`${shown}: rewrote ${names.join(', ')}\n`);
        } catch (error) {
          fileReport.status = 'error';
          fileReport.reason = `cannot write (left as it was): ${errorMessage(error)}`;
        }
      }
    }
    if (fileReport.status === 'error') say(`${describeProblem(fileReport, cwd)}\n`);
    else if (fileReport.reason !== null) say(`${shown}: ${fileReport.status}: ${fileReport.reason}\n`);
    reports.push(fileReport);
  };

  if (files.length > 0) {
    // A tracker called only from another file (the client in one module, the tracker in the next) is found through
    // the calls between the files of this run: computed once, here, and handed to every worker.
    const { crossFile } = TRANSFORMS[options.transform]!;
    if (crossFile) progress.show(`finding the calls between ${String(files.length)} files...`);
    const transformOptions: TransformOptions = { unsafe: options.unsafe, ...(crossFile ? { externalCallers: await crossFileCallers(files) } : {}) };
    const threads = Math.min(options.cpus, files.length);
    debug(`${options.transform}: ${String(files.length)} files ${threads > 1 ? `on ${String(threads)} worker threads` : 'in the main thread'}`);
    if (threads <= 1) {
      const transform = await loadTransform(options.transform);
      for (const [index, file] of files.entries()) {
        progress.update(index);
        conclude(file, transformFile(transform, file, transformOptions));
      }
    } else {
      // Results come back in any order; each is concluded once every file before it has been.
      const results: (Transformed | undefined)[] = [];
      let concluded = 0;
      let received = 0;
      progress.update(0);
      await transformOnWorkers(files, threads, { transform: options.transform, options: transformOptions }, (index, transformed) => {
        results[index] = transformed;
        progress.update(++received);
        for (let next = results[concluded]; next !== undefined; next = results[concluded]) {
          results[concluded] = undefined;
          conclude(files[concluded]!, next);
          concluded++;
        }
      });
    }
  }
  progress.clear();

  const totals = countByStatus(reports);
  if (options.json) output.out(jsonReport(reports, options, cwd));
  else report(textSummary(reports, options.mode, cwd));
  return totals.errors > 0 ? ExitCode.incomplete : ExitCode.ok;
}

/** With DEBUG=listener-leak:codemod (or listener-leak:*), how the files were run, on stderr. */
function debug(text: string): void {
  if (/(?:^|,)\s*listener-leak:(?:codemod|\*)\s*(?:,|$)/.test(process.env.DEBUG ?? '')) process.stderr.write(`listener-leak:codemod ${text}\n`);
}

export const codemodCommand: Command = {
  name: 'codemod',
  synopsis: 'codemod registry|teardown <paths...>',
  summary: 'Rewrite trackers to add their listeners once per emitter (registry), or lifecycle listeners to be removed in the teardown (teardown)',
  run: runCodemod,
};
