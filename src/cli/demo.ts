// `listener-leak demo [dir]`: lints a directory and shows the findings. Without dir it lints the bundled example
// service, then fixes a copy with the registry codemod, lints the copy, and drives both with real keep-alive traffic.
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ESLint, Linter } from 'eslint';
import { packageInfo } from '../package-info.js';
import { argumentError, ExitCode, type Command, type Output } from './command.js';
import { displayPath, formatFindings, formatSummary, painter, summarizeFindings, wrapText } from './format-findings.js';
import {
  driveTrafficIsolated,
  TRACKED_EVENTS,
  TrafficUnavailableError,
  makeCertificate,
  type IsolatedTrafficResult,
  type TrafficResult,
} from './traffic.js';

const SOURCE_FILES = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}';
const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx']);
const EXAMPLE_DIR = join(packageInfo.root, 'examples', 'rpc-service');
/** The example's tracker module, relative to the example (or its copy). */
const TRACKER_MODULE = join('src', 'rpc-connection-manager.js');
const TRAFFIC_REQUESTS = 50;
/** `listener-leak/register`, built: the traffic children preload it to show its report. */
const REGISTER_HOOK = join(packageInfo.root, 'dist', 'src', 'runtime', 'register.js');

const USAGE = `Usage: listener-leak demo [dir]

Lints every JavaScript and TypeScript file under dir (node_modules excluded) with
listener-leak's recommended config, and prints each finding with its code.
Without dir it lints the bundled example service, ${displayPath(EXAMPLE_DIR, process.cwd())},
then shows the fix: it runs the registry codemod on a temporary copy, lints the
copy again, and drives both versions with the same ${TRAFFIC_REQUESTS} HTTPS requests over one
keep-alive socket (real TLS on 127.0.0.1; needs the repository checkout), printing
listener counts, tracker records and warnings as before -> after, and what
\`node --import listener-leak/register\` reports for each.

Options:
  -h, --help  Show this help

Exit codes: 0 linted (findings or not), 1 some files could not be parsed or
rewritten, 2 bad arguments, a missing directory, a linter or traffic failure.
`;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why `dir` cannot be linted, in words that say what to do; undefined when it can. */
function checkDirectory(dir: string, given: string | undefined): string | undefined {
  const named = given === undefined || resolve(given) === given ? dir : `${given} (${dir})`;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot read ${dir}: ${errorMessage(error)}`;
    return given === undefined
      ? `the bundled example is missing: ${dir} does not exist.\nPass a directory to lint: listener-leak demo <dir>`
      : `directory not found: ${named}\nPass an existing directory, or no argument to lint the bundled example.`;
  }
  return isDirectory ? undefined : `not a directory: ${named}\nPass the directory that contains the file.`;
}

function worse(a: ExitCode, b: ExitCode): ExitCode {
  return a > b ? a : b;
}

/** With a tsconfig.json in dir, the type-checked config, which follows calls across files; else the recommended one. */
function configName(dir: string): 'listener-leak/recommended' | 'listener-leak/recommended-type-checked' {
  return existsSync(join(dir, 'tsconfig.json')) ? 'listener-leak/recommended-type-checked' : 'listener-leak/recommended';
}

/** A source file ESLint would try to read and cannot: why, and whether that makes the run incomplete. */
interface Unlintable {
  /** Relative to the linted directory. */
  readonly file: string;
  readonly reason: string;
  /** Unreadable (exit 1); otherwise there is no file to lint (a broken symlink, a FIFO), and it is skipped. */
  readonly error: boolean;
}

/** A glob that matches this one path only (minimatch, which ESLint's ignores use). */
function literalPattern(file: string): string {
  return file.replace(/[\\*?[\]{}()!+@#]/g, '\\$&');
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The source files under dir that ESLint would stop on: it reads each file its pattern matches, and one that cannot
 * be read (no permission, a broken symlink) ends the whole run, a named pipe blocks it. These are ignored instead,
 * and listed.
 */
function unlintableFiles(dir: string): Unlintable[] {
  const found: Unlintable[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      // ESLint would stop on it too; the directory given itself was checked before.
      found.push({ file: `${relative(dir, current)}/`, reason: `cannot list this directory: ${errorMessage(error)}. Make it readable, or move it out.`, error: true });
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') walk(path);
        continue;
      }
      if (!SOURCE_EXTENSIONS.has(extname(entry.name))) continue;
      const file = relative(dir, path);
      let target: Stats;
      try {
        target = statSync(path);
      } catch {
        if (entry.isSymbolicLink()) {
          found.push({ file, reason: `a symlink to ${readlinkSync(path)}, which does not exist`, error: false });
        }
        continue;
      }
      if (target.isDirectory()) continue;
      if (!target.isFile()) {
        found.push({ file, reason: `${kindOf(target)}, not a file`, error: false });
        continue;
      }
      try {
        closeSync(openSync(path, 'r'));
      } catch (error) {
        found.push({ file, reason: `cannot read: ${errorMessage(error)}. Make it readable, or move it out of the directory.`, error: true });
      }
    }
  };
  walk(dir);
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** ESLint, its parser and the rules load only now: a usage error or --help does not wait for them. */
async function createLinter(dir: string, unlintable: readonly Unlintable[] = []): Promise<ESLint> {
  const [{ ESLint }, { default: tsParser }, { default: plugin }] = await Promise.all([
    import('eslint'),
    import('@typescript-eslint/parser'),
    import('../../rules/index.js'),
  ]);
  const config: Linter.Config[] =
    configName(dir) === 'listener-leak/recommended'
      ? [plugin.configs.recommended]
      : [
          plugin.configs['recommended-type-checked'],
          { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: dir } } },
        ];
  return new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      { name: 'listener-leak/demo/ignores', ignores: ['**/node_modules/', ...unlintable.map((entry) => literalPattern(entry.file))] },
      {
        name: 'listener-leak/demo/parser',
        files: [SOURCE_FILES],
        languageOptions: { parser: tsParser },
        // Only listener-leak's rules run here, so directives for other rules are expected to look unused.
        linterOptions: { reportUnusedDisableDirectives: 'off' },
      },
      ...config,
    ],
  });
}

/**
 * typescript-estree counts the column of a parse error from 0 and ESLint passes it on as it is (espree's count from 1),
 * so `const = ;` would be reported one column to the left of the `=`. Columns shown here are 1-based.
 */
function fixParseErrorColumns(results: ESLint.LintResult[]): ESLint.LintResult[] {
  for (const result of results) {
    for (const message of result.messages) if (message.fatal === true) message.column += 1;
  }
  return results;
}

async function runDemo(args: readonly string[], output: Output): Promise<ExitCode> {
  let positionals: string[];
  let help: boolean | undefined;
  try {
    ({ positionals, values: { help } } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    output.err(`listener-leak demo: ${argumentError(error)}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  if (help === true) {
    output.out(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 1) {
    output.err(`listener-leak demo: expected at most one directory, got ${String(positionals.length)}\n\n${USAGE}`);
    return ExitCode.usage;
  }

  const [given] = positionals;
  const dir = given === undefined ? EXAMPLE_DIR : resolve(given);
  const problem = checkDirectory(dir, given);
  if (problem !== undefined) {
    output.err(`listener-leak demo: ${problem}\n`);
    return ExitCode.usage;
  }

  const unlintable = unlintableFiles(dir);
  let results: ESLint.LintResult[];
  try {
    results = fixParseErrorColumns(await (await createLinter(dir, unlintable)).lintFiles([SOURCE_FILES]));
  } catch (error) {
    output.err(`listener-leak demo: linting ${dir} failed:\n${errorMessage(error)}\n`);
    return ExitCode.usage;
  }

  const cwd = process.cwd();
  const paint = painter(output.color);
  const heading = `listener-leak ${packageInfo.version}: ${displayPath(dir, cwd)} with ${configName(dir)}`;
  output.out(`${paint('bold', heading)}\n\n`);
  const notLinted = unlintable.map(
    (entry) => `${paint('bold', displayPath(join(dir, entry.file), cwd))}  ${entry.error ? paint('red', 'error') : 'skipped'}  ${entry.reason}\n`,
  );
  const unreadable = unlintable.filter((entry) => entry.error).length;
  if (results.length === 0) {
    if (notLinted.length > 0) output.out(`${notLinted.join('')}\n`);
    output.out(`No JavaScript or TypeScript files${unlintable.length > 0 ? ' that can be read' : ''} under ${dir}.\n`);
    return unreadable > 0 ? ExitCode.incomplete : ExitCode.ok;
  }

  const findings = formatFindings(results, { cwd, color: output.color, width: output.width });
  if (findings !== '') output.out(`${findings}\n`);
  if (notLinted.length > 0) output.out(`${notLinted.join('')}\n`);
  const summary = summarizeFindings(results);
  const unreadableNote = unreadable > 0 ? paint('bold', `; ${String(unreadable)} ${unreadable === 1 ? 'file' : 'files'} could not be read`) : '';
  output.out(`${formatSummary(summary, output.color)}${unreadableNote}\n`);
  if (summary.findings > 0 && given === undefined) {
    output.out(
      '\nEach finding is a listener added by code that runs once per request (or per reconnect) to an emitter\n' +
        'that outlives it, so listeners pile up. To check your own code: listener-leak demo <dir>, or add\n' +
        'listenerLeak.configs.recommended to your eslint.config.js (see README.md).\n',
    );
  }
  const linted = summary.parseErrors > 0 || unreadable > 0 ? ExitCode.incomplete : ExitCode.ok;
  return given === undefined ? worse(linted, await showFix(output)) : linted;
}

/** Source files under dir (node_modules excluded), relative to it, sorted. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => SOURCE_EXTENSIONS.has(extname(file)) && !file.split(/[\\/]/).includes('node_modules'))
    .sort();
}

/** The registry codemod over every source file of dir, in place; prints each tracker's outcome. */
async function rewriteCopy(dir: string, output: Output): Promise<ExitCode> {
  const { callersAcross, rewriteTrackers } = await import('../../codemods/registry.js');
  let code: ExitCode = ExitCode.ok;
  const files = sourceFiles(dir).map((file) => ({ file, path: join(dir, file), text: readFileSync(join(dir, file), 'utf8') }));
  // The tracker and the client that calls it per response live in different files.
  const callers = callersAcross(files);
  for (const { file, path, text } of files) {
    let result: ReturnType<typeof rewriteTrackers>;
    try {
      result = rewriteTrackers(path, text, { externalCallers: callers.get(path) ?? [] });
    } catch (error) {
      output.out(`  ${file}  not rewritten: ${errorMessage(error)}\n`);
      code = ExitCode.incomplete;
      continue;
    }
    if (result.output !== null) writeFileSync(path, result.output);
    for (const tracker of result.trackers) {
      const where = `${file}:${String(tracker.line)}:${String(tracker.column)}  ${tracker.name}`;
      output.out(
        tracker.status === 'rewritten'
          ? `  ${where}  rewritten: its listeners now go on once per socket\n`
          : `  ${where}  left alone: ${tracker.reason ?? 'not a tracker the codemod can rewrite'}\n`,
      );
    }
  }
  return code;
}

/**
 * The second half of `listener-leak demo`: a temporary copy of the example, fixed by the registry codemod,
 * linted again, and both versions driven with the same keep-alive traffic.
 */
async function showFix(output: Output): Promise<ExitCode> {
  const paint = painter(output.color);
  const scratch = mkdtempSync(join(tmpdir(), 'listener-leak-demo-'));
  const copy = join(scratch, 'rpc-service');
  try {
    cpSync(EXAMPLE_DIR, copy, { recursive: true });
    output.out(`\n${paint('bold', `The registry codemod on a temporary copy of the example: ${copy}`)}\n\n`);
    let code = await rewriteCopy(copy, output);

    output.out(`\n${paint('bold', 'The copy, linted again')}\n\n`);
    let results: ESLint.LintResult[];
    try {
      results = fixParseErrorColumns(await (await createLinter(copy)).lintFiles([SOURCE_FILES]));
    } catch (error) {
      output.err(`listener-leak demo: linting ${copy} failed:\n${errorMessage(error)}\n`);
      return ExitCode.usage;
    }
    const findings = formatFindings(results, { cwd: copy, color: output.color, width: output.width });
    if (findings !== '') output.out(`${findings}\n`);
    const summary = summarizeFindings(results);
    output.out(`${formatSummary(summary, output.color)}\n`);
    if (summary.findings > 0) {
      output.out(
        '\nThe codemod rewrites trackers only (functions that add listeners to an emitter they are given); what it\n' +
          'left alone above still needs a fix by hand.\n',
      );
    }
    if (summary.parseErrors > 0) code = ExitCode.incomplete;
    return worse(code, await showTraffic(copy, output));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function warningsText(result: TrafficResult): string {
  if (result.warnings.length === 0) return 'none';
  const byRequest = new Map<number, string[]>();
  for (const warning of result.warnings) {
    byRequest.set(warning.atRequest, [...(byRequest.get(warning.atRequest) ?? []), warning.event]);
  }
  return [...byRequest]
    .map(([request, events]) => `${events.join(' and ')} at request ${String(request)}`)
    .join(', ');
}

function recordsText(records: TrafficResult['records']['duringTraffic']): string {
  const count = records.connections ?? records.open;
  return count === null ? 'n/a' : String(count);
}

/** Both tracker modules under the same traffic, each in a process of its own; prints before -> after. */
async function showTraffic(copy: string, output: Output): Promise<ExitCode> {
  const paint = painter(output.color);
  output.out(
    `\n${paint('bold', `Both versions under the same traffic: ${String(TRAFFIC_REQUESTS)} JSON-RPC calls over HTTPS (TLS on 127.0.0.1), one keep-alive socket`)}\n\n`,
  );
  let before: IsolatedTrafficResult;
  let after: IsolatedTrafficResult;
  // Each child preloads the register hook, as `node --import listener-leak/register app.js` does. Its watch adds
  // 'newListener' and 'removeListener' listeners only, so the counts below are the same as without it.
  const hook = existsSync(REGISTER_HOOK) ? { nodeArgs: ['--import', pathToFileURL(REGISTER_HOOK).href] } : {};
  try {
    const certificate = await makeCertificate();
    const drive = (dir: string): Promise<IsolatedTrafficResult> =>
      driveTrafficIsolated(pathToFileURL(join(dir, TRACKER_MODULE)).href, { requests: TRAFFIC_REQUESTS, certificate }, hook);
    [before, after] = await Promise.all([drive(EXAMPLE_DIR), drive(copy)]);
  } catch (error) {
    if (error instanceof TrafficUnavailableError) {
      for (const line of wrapText(`Skipped: ${error.message}`, Math.min(output.width, 100))) output.out(`${line}\n`);
      return ExitCode.ok;
    }
    output.err(`listener-leak demo: the traffic comparison failed:\n${errorMessage(error)}\n`);
    return ExitCode.usage;
  }

  const requests = String(TRAFFIC_REQUESTS);
  const socket = before.tracked.sockets === 1 && after.tracked.sockets === 1 ? 'one keep-alive socket' : 'the first keep-alive socket';
  for (const event of TRACKED_EVENTS) {
    const counts = [before.tracked.afterLast[event] ?? 0, after.tracked.afterLast[event] ?? 0, before.baseline.afterLast[event] ?? 0];
    output.out(
      `  ${event} listeners on ${socket} after ${requests} requests: ${String(counts[0])} -> ${String(counts[1])}` +
        ` (${String(counts[2])} without a tracker)\n`,
    );
  }
  output.out(
    `  tracker records after ${requests} requests: ${recordsText(before.records.duringTraffic)} -> ${recordsText(after.records.duringTraffic)}` +
      ` (sockets used: ${String(before.tracked.sockets)} -> ${String(after.tracked.sockets)})\n`,
  );
  output.out(
    `  tracker records after client.close() closed the sockets: ${recordsText(before.records.afterClose)} -> ${recordsText(after.records.afterClose)}\n`,
  );
  output.out(`  MaxListenersExceededWarning: ${warningsText(before)} -> ${warningsText(after)}\n`);
  output.out(
    '\nEach version ran in a Node process of its own (Node warns once per emitter and event, process-wide),\n' +
      'with a client without a tracker on the same server as the baseline.\n',
  );
  showRegisterReports(before, after, hook.nodeArgs !== undefined, output);
  return ExitCode.ok;
}

/** What the register hook wrote to each child's stderr: its report on the leaky tracker, nothing on the fixed one. */
function showRegisterReports(before: IsolatedTrafficResult, after: IsolatedTrafficResult, hooked: boolean, output: Output): void {
  const paint = painter(output.color);
  output.out(`\n${paint('bold', 'The register hook on the same runs: node --import listener-leak/register')}\n\n`);
  if (!hooked) {
    output.out(`  Skipped: ${REGISTER_HOOK} is missing. Run \`npm run build\` in the listener-leak repository.\n`);
    return;
  }
  const stderr = (result: IsolatedTrafficResult): string[] => result.stderr.trimEnd().split('\n').filter((line) => line !== '');
  const report = stderr(before);
  output.out(`  ${report.length === 0 ? 'before the codemod: no report' : 'before the codemod, on stderr:'}\n`);
  for (const line of report) output.out(`    ${line}\n`);
  const fixed = stderr(after);
  output.out(`  ${fixed.length === 0 ? 'after the codemod: no report (nothing on stderr)' : 'after the codemod, on stderr:'}\n`);
  for (const line of fixed) output.out(`    ${line}\n`);
  output.out(
    '\nNode\'s warning names the emitter and the event; the hook names the lines that keep adding listeners to one\n' +
      'keep-alive socket, once each. Run any service with it: node --import listener-leak/register app.js\n',
  );
}

export const demoCommand: Command = {
  name: 'demo',
  synopsis: 'demo [dir]',
  summary: 'Lint dir; without dir, lint the bundled example, fix a copy and compare both under traffic',
  run: runDemo,
};
