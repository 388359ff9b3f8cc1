// `listener-leak demo [dir]`: lints a directory (by default the bundled example service) and shows the findings.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import plugin from '../../rules/index.js';
import { packageInfo } from '../package-info.js';
import { ExitCode, type Command, type Output } from './command.js';
import { displayPath, formatFindings, formatSummary, painter, summarizeFindings } from './format-findings.js';

const SOURCE_FILES = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}';
const EXAMPLE_DIR = join(packageInfo.root, 'examples', 'rpc-service');

const USAGE = `Usage: listener-leak demo [dir]

Lints every JavaScript and TypeScript file under dir (node_modules excluded) with
listener-leak's recommended config, and prints each finding with its code.
Without dir it lints the bundled example service, ${displayPath(EXAMPLE_DIR, process.cwd())}.

Options:
  -h, --help  Show this help

Exit codes: 0 linted (findings or not), 1 some files could not be parsed,
2 bad arguments, a missing directory, or a linter failure.
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

function createLinter(dir: string): ESLint {
  return new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      { name: 'listener-leak/demo/ignores', ignores: ['**/node_modules/'] },
      {
        name: 'listener-leak/demo/parser',
        files: [SOURCE_FILES],
        languageOptions: { parser: tsParser },
        // Only listener-leak's rules run here, so directives for other rules are expected to look unused.
        linterOptions: { reportUnusedDisableDirectives: 'off' },
      },
      // typescript-eslint's config type and ESLint's describe the same object with different declarations.
      plugin.configs.recommended as unknown as Linter.Config,
    ],
  });
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
    output.err(`listener-leak demo: ${errorMessage(error)}\n\n${USAGE}`);
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

  let results: ESLint.LintResult[];
  try {
    results = await createLinter(dir).lintFiles([SOURCE_FILES]);
  } catch (error) {
    output.err(`listener-leak demo: linting ${dir} failed:\n${errorMessage(error)}\n`);
    return ExitCode.usage;
  }

  const cwd = process.cwd();
  const heading = `listener-leak ${packageInfo.version}: ${displayPath(dir, cwd)} with listener-leak/recommended`;
  output.out(`${painter(output.color)('bold', heading)}\n\n`);
  if (results.length === 0) {
    output.out(`No JavaScript or TypeScript files under ${dir}.\n`);
    return ExitCode.ok;
  }

  const findings = formatFindings(results, { cwd, color: output.color, width: output.width });
  if (findings !== '') output.out(`${findings}\n`);
  const summary = summarizeFindings(results);
  output.out(`${formatSummary(summary, output.color)}\n`);
  if (summary.findings > 0 && given === undefined) {
    output.out(
      '\nEach finding is a listener added by code that runs once per request (or per reconnect) to an emitter\n' +
        'that outlives it, so listeners pile up. To check your own code: listener-leak demo <dir>, or add\n' +
        'listenerLeak.configs.recommended to your eslint.config.js (see README.md).\n',
    );
  }
  return summary.parseErrors > 0 ? ExitCode.incomplete : ExitCode.ok;
}

export const demoCommand: Command = {
  name: 'demo',
  synopsis: 'demo [dir]',
  summary: 'Lint dir (default: the bundled example service) and print the findings with their code',
  run: runDemo,
};
