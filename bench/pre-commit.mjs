// What the plain pre-commit hook (docs/recipes/pre-commit.sh) adds to a commit. In one temporary git repository
// holding a copy of examples/rpc-service (5 files, its tsconfig.json), with the hook installed as the README says
// and node_modules/.bin/listener-leak running dist/, each round makes four one-file commits or runs, in an order
// that rotates from round to round:
//   plain    `git commit --no-verify` of a one-line change to src/http-client.js (a file with no finding)
//   hook     `git commit` of the same kind of change: the hook copies the staged files and scans the one staged
//   noJs     `git commit` of a one-line change to README.md: the hook finds no staged source and exits
//   scan     `listener-leak scan src/http-client.js` run directly in the work tree: scan alone, no git, no hook
// Wall time around each child, and its CPU time (user + system of the shell and everything it ran, from `times`).
// Writes bench/pre-commit-results.json; pre-commit-markdown.mjs renders it.
//   npm run build && node bench/pre-commit.mjs [--rounds N]
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, median } from './measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'src', 'cli', 'index.js');
if (!existsSync(CLI)) throw new Error('dist/src/cli/index.js is missing: run `npm run build` first');
const HOOK = join(root, 'docs', 'recipes', 'pre-commit.sh');

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROUNDS = Number(option('--rounds') ?? 10);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds takes a positive integer, not ${option('--rounds')}`);
const RESULTS = new URL('./pre-commit-results.json', import.meta.url);
const EDITED = 'src/http-client.js';

const CONFIGS = {
  plain: 'git commit --no-verify (no hook), one .js file staged',
  hook: 'git commit with the hook, one .js file staged',
  noJs: 'git commit with the hook, only README.md staged',
  scan: `listener-leak scan ${EDITED}, run directly`,
};
const ORDER = Object.keys(CONFIGS);

// Git reads no global or system config (no global hooks path, no templates); no GIT_* or npm_* variable leaks in.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GIT_|npm_)/i.test(name)));
Object.assign(env, { GIT_CONFIG_GLOBAL: devNull, GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' });

function sh(cwd, script) {
  const result = spawnSync('sh', ['-c', script], { cwd, env, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

function git(cwd, ...gitArgs) {
  const result = spawnSync('git', gitArgs, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** `times` prints the shell's user and system time, then its children's: `0m1.234s 0m0.056s`. */
function childCpuMs(timesOutput) {
  const lines = timesOutput.trim().split('\n');
  const children = lines.at(-1).match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const shell = lines.at(-2).match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  if (!children || !shell) throw new Error(`unexpected output of times: ${timesOutput}`);
  const ms = (m) => (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return Math.round(ms(children) + ms(shell));
}

/** Runs the command in a shell that reports its CPU time; throws unless it exits with the expected code. */
function measure(cwd, command, expectedStatus = 0) {
  const start = performance.now();
  const result = sh(cwd, `${command} >"$OUT" 2>&1; status=$?; times >&2; exit $status`.replaceAll('$OUT', join(cwd, '..', 'last-output.txt')));
  const ms = Math.round(performance.now() - start);
  if (result.status !== expectedStatus) {
    throw new Error(`${command} exited ${result.status}, not ${expectedStatus}:\n${readFileSync(join(cwd, '..', 'last-output.txt'), 'utf8')}`);
  }
  return { ms, cpuMs: childCpuMs(result.stderr) };
}

function makeRepo(scratch) {
  const repo = join(scratch, 'rpc-service');
  cpSync(join(root, 'examples', 'rpc-service'), repo, { recursive: true });
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  git(repo, 'init', '--quiet', '--template=', '--initial-branch=main');
  git(repo, 'config', 'user.name', 'listener-leak bench');
  git(repo, 'config', 'user.email', 'bench@listener-leak.invalid');
  git(repo, 'config', 'commit.gpgsign', 'false');
  git(repo, 'add', '--all');
  git(repo, 'commit', '--quiet', '--message', 'The example service');
  // What `npm install --save-dev listener-leak` leaves: the package, and a bin that runs its CLI.
  mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(root, join(repo, 'node_modules', 'listener-leak'), 'dir');
  writeFileSync(join(repo, 'node_modules', '.bin', 'listener-leak'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(repo, 'node_modules', '.bin', 'listener-leak'), 0o755);
  // The README's install commands.
  mkdirSync(join(repo, '.git', 'hooks'), { recursive: true });
  const install = sh(repo, 'cp node_modules/listener-leak/docs/recipes/pre-commit.sh .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit');
  if (install.status !== 0) throw new Error(`installing the hook: ${install.stderr}`);
  return repo;
}

/** One run of a configuration, after staging the change it commits. */
function runOnce(repo, config, label) {
  switch (config) {
    case 'plain':
    case 'hook': {
      appendFileSync(join(repo, EDITED), `// ${label}\n`);
      git(repo, 'add', EDITED);
      return measure(repo, `git commit --quiet ${config === 'plain' ? '--no-verify ' : ''}--message '${label}'`);
    }
    case 'noJs': {
      appendFileSync(join(repo, 'README.md'), `\n${label}\n`);
      git(repo, 'add', 'README.md');
      return measure(repo, `git commit --quiet --message '${label}'`);
    }
    case 'scan':
      return measure(repo, `node_modules/.bin/listener-leak scan ${EDITED}`);
    default:
      throw new Error(config);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'listener-leak-bench-pre-commit-'));
try {
  const repo = makeRepo(scratch);
  const files = git(repo, 'ls-files', '--', '*.js').trim().split('\n');
  const lines = files.reduce((sum, file) => sum + readFileSync(join(repo, file), 'utf8').split('\n').length - 1, 0);
  const runs = Object.fromEntries(ORDER.map((config) => [config, []]));

  // One warm-up of each (the page cache, git's index), not recorded.
  for (const config of ORDER) runOnce(repo, config, `warm-up ${config}`);
  for (let round = 0; round < ROUNDS; round++) {
    const order = ORDER.map((_, i) => ORDER[(i + round) % ORDER.length]);
    for (const config of order) runs[config].push(runOnce(repo, config, `round ${round + 1} ${config}`));
    process.stderr.write(`round ${round + 1}/${ROUNDS}: ${ORDER.map((c) => `${c} ${runs[c].at(-1).ms} ms`).join(', ')}\n`);
  }
  const commits = Number(git(repo, 'rev-list', '--count', 'HEAD').trim());
  if (commits !== 1 + 3 * (ROUNDS + 1)) throw new Error(`expected ${1 + 3 * (ROUNDS + 1)} commits, found ${commits}`);

  const medians = Object.fromEntries(ORDER.map((config) => [config, { ms: median(runs[config].map((r) => r.ms)), cpuMs: median(runs[config].map((r) => r.cpuMs)) }]));
  const paired = runs.hook.map((r, i) => r.ms - runs.plain[i].ms);
  const results = {
    machine: machineSummary(),
    date: new Date().toISOString().slice(0, 10),
    git: git(repo, '--version').trim(),
    command: `node bench/pre-commit.mjs --rounds ${ROUNDS}`,
    hook: 'docs/recipes/pre-commit.sh',
    project: { name: 'examples/rpc-service', files: files.length, lines, edited: EDITED },
    rounds: ROUNDS,
    configs: CONFIGS,
    runs,
    medians,
    addedMs: medians.hook.ms - medians.plain.ms,
    addedCpuMs: medians.hook.cpuMs - medians.plain.cpuMs,
    ratio: Math.round((medians.hook.ms / medians.plain.ms) * 100) / 100,
    pairedAddedMs: paired,
    pairedAddedMedianMs: median(paired),
    noJsAddedMs: medians.noJs.ms - medians.plain.ms,
    hookOverScanMs: medians.hook.ms - medians.scan.ms,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`hook ${medians.hook.ms} ms, no hook ${medians.plain.ms} ms (x${results.ratio}), no staged JS ${medians.noJs.ms} ms, scan alone ${medians.scan.ms} ms; wrote ${fileURLToPath(RESULTS)}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
