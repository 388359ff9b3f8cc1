// `listener-leak scan [paths...]`: the detector over a whole project, across files, without an ESLint setup: for
// one-off audits and CI. Reports what the rule reports, with the chain of calls that makes each registration repeat.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argumentError, ExitCode, type Command, type Output } from './command.js';
import { writeAtomically } from './files.js';
import { displayPath } from './format-findings.js';
import { PROGRESS_THRESHOLD, ProgressBar } from './progress.js';
import type { LoadedProject } from './project-loader.js';
import { formatJson, formatText, summaryLine } from './scan-report.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: listener-leak scan [options] [paths...]

Finds listeners added to a long-lived emitter (a keep-alive socket, an agent, process, a server) by code
that runs once per request, across the files of a project: a call from a request handler in one module
to a tracker in another is followed, through imports, re-exports, path aliases, require() and instances
passed to constructors. It reports what the ESLint rule listener-leak/no-per-request-listener reports,
with the chain of calls that makes each registration repeat.

The project is the tsconfig.json given with --project, else the one in the directory given (when only
one is), else the one in the working directory, with the projects it references; imports resolve as tsc
resolves them. Without a tsconfig.json, every JavaScript and TypeScript file under the paths (default:
the working directory) is scanned, skipping node_modules and what .gitignore excludes. With paths, only
findings in files under them are reported, but the whole project is analysed for the calls into them.

Options:
  -p, --project <path>   A tsconfig.json, or a directory holding one
  -f, --format <format>  text (default), json or sarif (SARIF 2.1.0, for GitHub code scanning)
  -o, --output <file>    Write the report to this file instead of stdout
  -h, --help             Show this help

Exit codes: 0 no findings, 1 findings (or files that could not be scanned), 2 bad arguments, a missing
path or tsconfig, a tsconfig that cannot be read, a path that is not a source file or holds none. See
docs/scan.md.
`;

interface Options {
  paths: string[];
  project: string | null;
  format: Format;
  output: string | null;
}

function parseOptions(args: readonly string[]): Options | { help: string } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        project: { type: 'string', short: 'p' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { error: argumentError(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { help: USAGE };
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) return { error: `unknown format '${format}'; formats: ${FORMATS.join(', ')}` };
  if (values.project === '') return { error: '--project needs a tsconfig.json or a directory' };
  if (values.output === '') return { error: '--output needs a file name' };
  return { paths: positionals, project: values.project ?? null, format: format as Format, output: values.output ?? null };
}

/** The report file, written whole or not at all. */
function writeReport(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeAtomically(path, text);
}

async function runScan(args: readonly string[], output: Output): Promise<ExitCode> {
  const options = parseOptions(args);
  if ('help' in options) {
    output.out(options.help);
    return ExitCode.ok;
  }
  if ('error' in options) {
    output.err(`listener-leak scan: ${options.error}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  // TypeScript, ts-morph and the detector load only now: other commands and --help do not wait for them.
  const [{ loadProject, ProjectLoadError }, { scanProject, ruleDescriptions, sourceRoot }, { sarifLog }] = await Promise.all([
    import('./project-loader.js'),
    import('./scan-project.js'),
    import('./sarif.js'),
  ]);
  const cwd = process.cwd();
  const terminal = process.stderr.isTTY;
  let progress = new ProgressBar('scan', 0, terminal);
  progress.show('loading the project...');

  let project: LoadedProject;
  try {
    project = loadProject({
      paths: options.paths,
      project: options.project,
      cwd,
      onRead: (done, total) => {
        if (done === 0) {
          progress.clear();
          progress = new ProgressBar('scan: reading', total, terminal && total > PROGRESS_THRESHOLD);
        }
        progress.update(done);
      },
    });
  } catch (error) {
    progress.clear();
    if (!(error instanceof ProjectLoadError)) throw error;
    output.err(`listener-leak scan: ${error.message}\n`);
    return ExitCode.usage;
  }
  progress.clear();
  for (const warning of project.warnings) output.err(`listener-leak scan: warning: ${warning}\n`);

  // The detector reports no progress of its own: a status line says what the wait is for.
  progress = new ProgressBar('scan', project.files.length, terminal && project.files.length > PROGRESS_THRESHOLD);
  progress.show(`analysing ${String(project.files.length)} files...`);
  const root = options.format === 'sarif' ? sourceRoot(cwd) : cwd;
  const result = scanProject(project, root);
  progress.clear();

  const report =
    options.format === 'json'
      ? formatJson(result, cwd)
      : options.format === 'sarif'
        ? `${JSON.stringify(sarifLog(result, ruleDescriptions(), root), null, 2)}\n`
        : formatText(result, { cwd, color: output.color && options.output === null });
  if (options.output === null) output.out(report);
  else {
    const path = resolve(cwd, options.output);
    try {
      writeReport(path, report);
    } catch (error) {
      output.err(`listener-leak scan: cannot write ${options.output}: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.usage;
    }
    // The report went to a file: the terminal (or the CI log) still gets the one line that says how it went.
    output.err(`${summaryLine(result, cwd)}; report written to ${displayPath(path, cwd)}\n`);
  }
  // 1 for findings as for files left unscanned: either way the code is not known to be free of the leak.
  return result.findings.length > 0 || result.errors.length > 0 ? ExitCode.incomplete : ExitCode.ok;
}

export const scanCommand: Command = {
  name: 'scan',
  synopsis: 'scan [paths...]',
  summary: 'Find per-request listeners across the files of a project (text, JSON or SARIF)',
  run: runScan,
};
