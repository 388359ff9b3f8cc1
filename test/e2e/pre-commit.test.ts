// The README's pre-commit recipes, installed in temporary git repositories and driven by real `git commit`s with the
// CLI built from this checkout (`npm test` builds first): the plain hook (docs/recipes/pre-commit.sh, installed with
// the README's own commands), husky + lint-staged installed from the npm registry and set up with the README's
// commands and configs, and the pre-commit framework's hook (.pre-commit-hooks.yaml; the framework itself runs the
// README's local hook where `pre-commit` is installed).
//
// Each repository gets `node_modules/listener-leak` (a link to this checkout) and `node_modules/.bin/listener-leak`
// (a shim that runs dist/src/cli/index.js with this Node), which is what `npm install --save-dev listener-leak`
// leaves there. Git reads no global or system config, and no GIT_* or npm_* variable of the test's own process
// reaches a child.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { delimiter, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXTENSIONS } from '../../src/cli/files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cliBin = join(root, 'dist', 'src', 'cli', 'index.js');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
const HOOK_SCRIPT = join(root, 'docs', 'recipes', 'pre-commit.sh');
/** What the husky + lint-staged test installs from the registry (lint-staged 17 needs Node 22). */
const HUSKY = 'husky@9.1.7';
const LINT_STAGED = 'lint-staged@16.4.0';
const SLOW = 180_000;

// ---------------------------------------------------------------------------------------------------------------
// The code committed: a quote client whose per-response socket bookkeeping adds a 'close' listener to the pooled
// keep-alive socket on every response, the same client with the registration guarded once per socket, a tracker
// that leaks only through its caller in another file, and files with no listener at all.

const LEAKY_CLIENT = `// Fetches stock quotes over a pool of keep-alive connections, and records how long each pooled socket lived.
import https from 'node:https';

const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
const openedAt = new WeakMap();
export const socketLifetimesMs = [];

function recordSocket(socket) {
  openedAt.set(socket, Date.now());
  socket.on('close', () => {
    socketLifetimesMs.push(Date.now() - openedAt.get(socket));
  });
}

export function fetchQuote(symbol) {
  return new Promise((resolve, reject) => {
    const req = https.request(\`https://quotes.internal/v1/\${encodeURIComponent(symbol)}\`, { agent }, (res) => {
      recordSocket(res.socket);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}
`;

const FIXED_CLIENT = LEAKY_CLIENT.replace(
  '  openedAt.set(socket, Date.now());\n',
  '  if (openedAt.has(socket)) return; // a pooled socket, already recorded on an earlier response\n  openedAt.set(socket, Date.now());\n',
);

/** Where the leak is: `10:3` for the fixture above, worked out from its text. */
function registrationAt(text: string): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes("socket.on('close'"));
  return `${String(line + 1)}:${String(lines[line]!.indexOf('socket.on') + 1)}`;
}
const LEAK_MESSAGE = "A listener for 'close' is added to socket (a keep-alive socket that outlives the request";

const GUARDED_LEDGER = `// How many upstream sockets are open, for the /metrics page; quote-feed.js reports every response's socket here.
const seen = new WeakSet();
export const ledger = { open: 0 };

export function noteSocket(socket) {
  if (seen.has(socket)) return;
  seen.add(socket);
  ledger.open += 1;
  socket.on('close', () => {
    ledger.open -= 1;
  });
}
`;

/** The same tracker without its guard: it leaks only because quote-feed.js calls it for every response. */
const LEAKY_LEDGER = GUARDED_LEDGER.replace('  if (seen.has(socket)) return;\n  seen.add(socket);\n', '');

const QUOTE_FEED = `// Streams quotes for the dashboard over keep-alive connections.
import https from 'node:https';
import { noteSocket } from './socket-ledger.js';

const agent = new https.Agent({ keepAlive: true });

export function pollQuotes(onQuote) {
  const req = https.request('https://quotes.internal/v1/stream', { agent }, (res) => {
    noteSocket(res.socket);
    res.setEncoding('utf8');
    res.on('data', onQuote);
  });
  req.end();
}
`;

const FORMAT = `export function formatPrice(cents) {
  return (cents / 100).toFixed(2);
}
`;

const BASE_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'quotes', private: true, type: 'module' }, null, 2)}\n`,
  'tsconfig.json': `${JSON.stringify({ compilerOptions: { allowJs: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext' }, include: ['src'] }, null, 2)}\n`,
  '.gitignore': 'node_modules/\n',
  'README.md': '# quotes\n',
  'src/format.js': FORMAT,
  'src/socket-ledger.js': GUARDED_LEDGER,
  'src/quote-feed.js': QUOTE_FEED,
};

// ---------------------------------------------------------------------------------------------------------------
// The README's section, and its code blocks.

const readme = readFileSync(join(root, 'README.md'), 'utf8');

function between(text: string, start: string, end: RegExp): string {
  const from = text.indexOf(start);
  if (from < 0) throw new Error(`README.md has no ${JSON.stringify(start.trim())}`);
  const rest = text.slice(from + start.length);
  const to = rest.search(end);
  return to < 0 ? rest : rest.slice(0, to);
}

const section = between(readme, '\n## Pre-commit\n', /\n## /);
const subsection = (title: string): string => between(section, `\n### ${title}\n`, /\n### /);

function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === language).map((m) => m[2]!);
}

function onlyBlock(text: string, language: string, index = 0): string {
  const block = codeBlocks(text, language)[index];
  if (block === undefined) throw new Error(`README.md#pre-commit: no ${language} block #${String(index + 1)} here:\n${text}`);
  return block;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: git, the hooks and npm, each with an environment of the test's making.

let scratch: string;

/** The test's environment less git's and npm's variables and npm's node_modules/.bin entries; git reads no global config. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(GIT_|npm_|HUSKY|PRE_COMMIT)/i.test(name) || name === 'INIT_CWD') continue;
    kept[name] = value;
  }
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.split(sep).includes('node_modules'));
  return {
    ...kept,
    PATH: path.join(delimiter),
    GIT_CONFIG_GLOBAL: devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    XDG_CONFIG_HOME: join(scratch, 'xdg'), // husky reads its init.sh there
    PRE_COMMIT_HOME: join(scratch, 'pre-commit-home'),
    ...extra,
  };
}

interface Run {
  status: number | null;
  /** stdout and stderr (git sends a hook's output to stderr). */
  output: string;
}

function run(cwd: string, command: string, args: readonly string[], extraEnv: Record<string, string> = {}): Run {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, { cwd, encoding: 'utf8', env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function git(cwd: string, ...args: string[]): string {
  const result = run(cwd, 'git', args);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${result.output}`);
  return result.output;
}

const commit = (cwd: string, message: string): Run => run(cwd, 'git', ['commit', '--message', message]);
const head = (cwd: string): string => git(cwd, 'rev-parse', 'HEAD').trim();
const committed = (cwd: string, path: string): string => git(cwd, 'show', `HEAD:${path}`);

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function shim(path: string, script: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(path, 0o755);
}

/** What `npm install --save-dev listener-leak` leaves in node_modules, pointing at this checkout. */
function installListenerLeak(nodeModules: string): void {
  mkdirSync(nodeModules, { recursive: true });
  symlinkSync(root, join(nodeModules, 'listener-leak'), 'dir');
  shim(join(nodeModules, '.bin', 'listener-leak'), cliBin);
}

let repos = 0;

/** A git repository holding BASE_FILES in one commit, made before any hook is installed. */
function makeRepo(label: string): string {
  const dir = join(scratch, `${String(++repos)}-${label}`);
  mkdirSync(dir);
  git(dir, 'init', '--quiet', '--template=', '--initial-branch=main');
  git(dir, 'config', 'user.name', 'listener-leak test');
  git(dir, 'config', 'user.email', 'test@listener-leak.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, BASE_FILES);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--no-verify', '--message', 'base');
  return dir;
}

/** The README's plain-hook install commands, run as written from the top of the repository. */
function installPlainHook(repo: string): void {
  installListenerLeak(join(repo, 'node_modules'));
  mkdirSync(join(repo, '.git', 'hooks'), { recursive: true }); // `git init` makes it; --template= did not
  const install = run(repo, 'sh', ['-ec', onlyBlock(subsection('A plain git hook'), 'sh')]);
  expect(install.output).toBe('');
  expect(install.status).toBe(0);
}

/** Lines that head a finding or an error in scan's text report: `path:line:column  ...`. */
function reportedFiles(output: string): string[] {
  return [...output.matchAll(/^(.+?):\d+:\d+ {2}\S/gm)].map((m) => m[1]!);
}

beforeAll(() => {
  if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: run \`npm run build\` first (npm test does).`);
  scratch = mkdtempSync(join(tmpdir(), 'listener-leak-pre-commit-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the plain git hook (docs/recipes/pre-commit.sh)', () => {
  it('is installed by the README commands as the recipe file, executable', () => {
    const repo = makeRepo('install');
    installPlainHook(repo);
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    expect(readFileSync(hook, 'utf8')).toBe(readFileSync(HOOK_SCRIPT, 'utf8'));
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(section).toContain('](docs/recipes/pre-commit.sh)');
  });

  it('stops a commit that stages a leaky file, printing file:line:column and the message; the fixed file commits', { timeout: SLOW }, () => {
    const repo = makeRepo('leaky-then-fixed');
    installPlainHook(repo);
    const base = head(repo);

    write(repo, { 'src/quote-client.js': LEAKY_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    const blocked = commit(repo, 'Record socket lifetimes');
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toContain(`src/quote-client.js:${registrationAt(LEAKY_CLIENT)}  ${LEAK_MESSAGE}`);
    expect(blocked.output).toMatch(/^1 finding in 1 file \(1 file scanned, project tsconfig\.json\)$/m);
    expect(blocked.output).toContain('listener-leak: commit stopped.');
    expect(head(repo)).toBe(base);

    write(repo, { 'src/quote-client.js': FIXED_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    const passed = commit(repo, 'Record socket lifetimes, once per socket');
    expect(passed.output).toMatch(/^No findings in 1 file \(project tsconfig\.json\)$/m);
    expect(passed.status).toBe(0);
    expect(head(repo)).not.toBe(base);
    expect(committed(repo, 'src/quote-client.js')).toBe(FIXED_CLIENT);
    // The staged copy it scanned is gone.
    expect(readdirSync(join(repo, 'node_modules', '.cache', 'listener-leak'))).toEqual([]);
  });

  it('scans only staged files: leaky files that are untracked or modified but unstaged do not stop a clean commit', { timeout: SLOW }, () => {
    const repo = makeRepo('unstaged-leaks');
    installPlainHook(repo);
    write(repo, { 'src/quote-client.js': LEAKY_CLIENT, 'src/socket-ledger.js': LEAKY_LEDGER }); // neither is staged
    write(repo, { 'src/format.js': FORMAT.replace('toFixed(2)', 'toFixed(4)') });
    git(repo, 'add', 'src/format.js');

    const result = commit(repo, 'Four decimals');
    expect(result.output).toMatch(/^No findings in 1 file \(project tsconfig\.json\)$/m);
    expect(result.status).toBe(0);
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('src/format.js');
    // The leaky work-tree files are still there, still not committed.
    expect(git(repo, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([' M src/socket-ledger.js', '?? src/quote-client.js']);
  });

  it('stops a commit that stages a leaky file beside a clean one, and names only the leaky one', { timeout: SLOW }, () => {
    const repo = makeRepo('leaky-and-clean');
    installPlainHook(repo);
    const base = head(repo);
    write(repo, { 'src/quote-client.js': LEAKY_CLIENT, 'src/format.js': FORMAT.replace('toFixed(2)', 'toFixed(4)') });
    git(repo, 'add', 'src/quote-client.js', 'src/format.js');

    const result = commit(repo, 'Quotes and formatting');
    expect(result.status).not.toBe(0);
    expect(reportedFiles(result.output)).toEqual(['src/quote-client.js']);
    expect(result.output).toMatch(/^1 finding in 1 file \(2 files scanned, project tsconfig\.json\)$/m);
    expect(head(repo)).toBe(base);
  });

  it('checks files as they are staged, not as they are in the work tree', { timeout: SLOW }, () => {
    const repo = makeRepo('staged-content');
    installPlainHook(repo);
    const base = head(repo);

    // The leaky version is staged, the fix is only in the work tree: the commit would hold the leak.
    write(repo, { 'src/quote-client.js': LEAKY_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    write(repo, { 'src/quote-client.js': FIXED_CLIENT });
    const blocked = commit(repo, 'Record socket lifetimes');
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toContain(`src/quote-client.js:${registrationAt(LEAKY_CLIENT)}  ${LEAK_MESSAGE}`);
    expect(head(repo)).toBe(base);

    // The fix is staged, a leak is only in the work tree: the commit holds the fix.
    git(repo, 'add', 'src/quote-client.js');
    write(repo, { 'src/quote-client.js': LEAKY_CLIENT });
    const passed = commit(repo, 'Record socket lifetimes, once per socket');
    expect(passed.status).toBe(0);
    expect(committed(repo, 'src/quote-client.js')).toBe(FIXED_CLIENT);
    expect(readFileSync(join(repo, 'src', 'quote-client.js'), 'utf8')).toBe(LEAKY_CLIENT);
  });

  it('follows the call from a committed file into a tracker staged on its own', { timeout: SLOW }, () => {
    const repo = makeRepo('cross-file');
    installPlainHook(repo);
    write(repo, { 'src/socket-ledger.js': LEAKY_LEDGER });
    git(repo, 'add', 'src/socket-ledger.js');

    const result = commit(repo, 'Count sockets without the WeakSet');
    expect(result.status).not.toBe(0);
    expect(reportedFiles(result.output)).toEqual(['src/socket-ledger.js']);
    expect(result.output).toContain(`src/socket-ledger.js:${registrationAt(LEAKY_LEDGER)}  ${LEAK_MESSAGE}`);
    // The chain runs through the caller, which this commit does not touch.
    expect(result.output).toMatch(/-> noteSocket \(src\/socket-ledger\.js:\d+\) -> socket\.on\('close'\)/);
    expect(result.output).toContain('(src/quote-feed.js:');
  });

  it('handles file names with spaces, quotes and a leading dash', { timeout: SLOW }, () => {
    const repo = makeRepo('file-names');
    installPlainHook(repo);
    const names = ["src/live feeds/quote client's.js", '-quote client.js'];
    write(repo, Object.fromEntries(names.map((name) => [name, LEAKY_CLIENT])));
    git(repo, 'add', '--', ...names);

    const blocked = commit(repo, 'Two clients');
    expect(blocked.status).not.toBe(0);
    expect(reportedFiles(blocked.output).sort()).toEqual([...names].sort());

    write(repo, Object.fromEntries(names.map((name) => [name, FIXED_CLIENT])));
    git(repo, 'add', '--', ...names);
    const passed = commit(repo, 'Two clients, once per socket');
    expect(passed.output).toMatch(/^No findings in 2 files \(project tsconfig\.json\)$/m);
    expect(passed.status).toBe(0);
  });

  it('exits 0 without starting Node when no JavaScript or TypeScript file is staged (a deletion included)', { timeout: SLOW }, () => {
    const repo = makeRepo('no-js');
    installPlainHook(repo);
    // Without node_modules, the hook cannot start listener-leak: a commit that passes did not need it.
    renameSync(join(repo, 'node_modules'), join(repo, 'node_modules.off'));

    write(repo, { 'README.md': '# quotes\n\nStock quotes over keep-alive connections.\n', 'src/quote-client.js': LEAKY_CLIENT });
    git(repo, 'add', 'README.md'); // the leaky client stays unstaged
    const docs = commit(repo, 'Describe the service');
    expect(docs.output).not.toContain('listener-leak');
    expect(docs.status).toBe(0);

    git(repo, 'rm', '--quiet', 'src/format.js');
    const deletion = commit(repo, 'Drop the formatter');
    expect(deletion.output).not.toContain('listener-leak');
    expect(deletion.status).toBe(0);

    // A staged JavaScript file does need it, and the hook says what is missing.
    git(repo, 'add', 'src/quote-client.js');
    const missing = commit(repo, 'Record socket lifetimes');
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain('node_modules/.bin/listener-leak not found. Run npm install, or commit with --no-verify.');
  });
});

// ---------------------------------------------------------------------------------------------------------------

type ManifestValue = string | boolean | string[];

/** .pre-commit-hooks.yaml read strictly: a list of flat mappings of plain or single-quoted scalars, booleans and flow lists. */
function readManifest(text: string): Record<string, ManifestValue>[] {
  const hooks: Record<string, ManifestValue>[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = /^(- | {2})([a-z_]+): (.+)$/.exec(line);
    if (!match) throw new Error(`.pre-commit-hooks.yaml: a line this reader does not know: ${JSON.stringify(line)}`);
    if (match[1] === '- ') hooks.push({});
    const hook = hooks.at(-1);
    if (!hook) throw new Error('.pre-commit-hooks.yaml: a key before the first hook');
    const key = match[2]!;
    if (key in hook) throw new Error(`.pre-commit-hooks.yaml: ${key} twice`);
    hook[key] = manifestValue(match[3]!);
  }
  return hooks;
}

function manifestValue(text: string): ManifestValue {
  if (text === 'true' || text === 'false') return text === 'true';
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (quoted) return quoted[1]!.replaceAll("''", "'");
  const list = /^\[([^[\]]*)\]$/.exec(text);
  if (list) return list[1]!.split(',').map((item) => item.trim()).filter(Boolean);
  if (/^["'[\]{}&*!|>%@`#-]/.test(text) || text.includes(': ') || text.includes(' #')) throw new Error(`.pre-commit-hooks.yaml: not a plain scalar: ${text}`);
  return text;
}

/** The keys pre-commit.com documents for a hook in .pre-commit-hooks.yaml ("Creating new hooks"). */
const MANIFEST_KEYS = new Set(['id', 'name', 'entry', 'language', 'files', 'exclude', 'types', 'types_or', 'exclude_types', 'always_run', 'fail_fast', 'verbose', 'pass_filenames', 'require_serial', 'description', 'language_version', 'minimum_pre_commit_version', 'args', 'stages']);

const manifestText = readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8');
const hasPreCommit = spawnSync('pre-commit', ['--version'], { stdio: 'ignore' }).status === 0;

describe('the pre-commit framework hook (.pre-commit-hooks.yaml)', () => {
  const manifest = readManifest(manifestText);
  const hook = manifest[0]!;

  it('declares one node hook, listener-leak, with documented keys, running the package bin once over the staged sources', () => {
    expect(manifest).toHaveLength(1);
    for (const key of Object.keys(hook)) expect(MANIFEST_KEYS, key).toContain(key);
    expect(hook).toMatchObject({ id: 'listener-leak', language: 'node', entry: 'listener-leak scan', pass_filenames: true, require_serial: true });
    expect(typeof hook.name).toBe('string');
    const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(bin)).toContain(String(hook.entry).split(' ')[0]);

    // `files` (a Python regex searched in each path; this one means the same in JavaScript) selects what scan reads.
    const files = new RegExp(String(hook.files));
    for (const extension of DEFAULT_EXTENSIONS) expect(files.test(`src/live feeds/client.${extension}`), extension).toBe(true);
    for (const other of ['package.json', 'README.md', 'src/client.js.map', 'src/App.vue', 'src/client.jsonc', 'bin/listener-leak', 'src/js/notes.txt']) {
      expect(files.test(other), other).toBe(false);
    }
  });

  it("the README's repository entry names this hook, and its local hook the same files", () => {
    const [remote, local] = codeBlocks(subsection('pre-commit framework'), 'yaml');
    expect(remote).toMatch(/^ {2}- repo: https:\/\/\S+\n {4}rev: v\d+\.\d+\.\d+\n {4}hooks:\n {6}- id: listener-leak\n$/m);
    expect(local).toContain("files: '" + String(hook.files) + "'");
    expect(local).toContain('require_serial: true');
  });

  it('runs as pre-commit runs it (entry, then the staged file names, from the top of the repository)', { timeout: SLOW }, () => {
    const repo = makeRepo('framework-entry');
    installListenerLeak(join(repo, 'node_modules'));
    write(repo, { 'src/quote-client.js': LEAKY_CLIENT, 'src/format.js': FORMAT.replace('toFixed(2)', 'toFixed(4)') });
    const [command, ...args] = String(hook.entry).split(' ');
    const pathEnv = { PATH: `${join(repo, 'node_modules', '.bin')}${delimiter}${env().PATH ?? ''}` };

    const leaky = run(repo, command!, [...args, 'src/format.js', 'src/quote-client.js'], pathEnv);
    expect(leaky.status).toBe(1);
    expect(reportedFiles(leaky.output)).toEqual(['src/quote-client.js']);

    write(repo, { 'src/quote-client.js': FIXED_CLIENT });
    const fixed = run(repo, command!, [...args, 'src/format.js', 'src/quote-client.js'], pathEnv);
    expect(fixed.output).toMatch(/^No findings in 2 files \(project tsconfig\.json\)$/m);
    expect(fixed.status).toBe(0);
  });

  it.runIf(hasPreCommit)('is accepted by `pre-commit validate-manifest`', () => {
    const result = run(root, 'pre-commit', ['validate-manifest', join(root, '.pre-commit-hooks.yaml')]);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it.runIf(hasPreCommit)("pre-commit itself runs the README's local hook: a leaky commit stops, the fix commits", { timeout: SLOW }, () => {
    const repo = makeRepo('framework-local');
    installListenerLeak(join(repo, 'node_modules'));
    write(repo, { '.pre-commit-config.yaml': onlyBlock(subsection('pre-commit framework'), 'yaml', 1) });
    git(repo, 'add', '.pre-commit-config.yaml');
    git(repo, 'commit', '--quiet', '--no-verify', '--message', 'pre-commit config');
    const install = run(repo, 'pre-commit', ['install']);
    expect(install.status, install.output).toBe(0);
    const base = head(repo);

    write(repo, { 'src/quote-client.js': LEAKY_CLIENT, 'src/socket-ledger.js': LEAKY_LEDGER }); // the ledger stays unstaged
    git(repo, 'add', 'src/quote-client.js');
    const blocked = commit(repo, 'Record socket lifetimes');
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toMatch(/^listener-leak\.+Failed$/m);
    expect(reportedFiles(blocked.output)).toEqual(['src/quote-client.js']);
    expect(head(repo)).toBe(base);

    write(repo, { 'src/quote-client.js': FIXED_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    const passed = commit(repo, 'Record socket lifetimes, once per socket');
    expect(passed.output).toMatch(/^listener-leak\.+Passed$/m);
    expect(passed.status).toBe(0);
    expect(committed(repo, 'src/quote-client.js')).toBe(FIXED_CLIENT);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('husky + lint-staged (installed from the npm registry)', () => {
  /** One node_modules for the repositories below: husky and lint-staged from the registry, listener-leak and ESLint from this checkout. */
  let toolbox: string;

  beforeAll(() => {
    toolbox = join(scratch, 'toolbox');
    mkdirSync(toolbox);
    write(toolbox, { 'package.json': `${JSON.stringify({ name: 'toolbox', private: true }, null, 2)}\n` });
    const install = run(toolbox, 'npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--ignore-scripts', HUSKY, LINT_STAGED]);
    if (install.status !== 0) throw new Error(`npm install ${HUSKY} ${LINT_STAGED} failed:\n${install.output}`);
    installListenerLeak(join(toolbox, 'node_modules'));
    shim(join(toolbox, 'node_modules', '.bin', 'eslint'), eslintBin);
  }, SLOW);

  /** A repository set up with the README's commands (less the npm install, done once above) and the given lint-staged config. */
  function huskyRepo(label: string, lintStaged: string, extra: Record<string, string> = {}): string {
    const repo = makeRepo(label);
    symlinkSync(join(toolbox, 'node_modules'), join(repo, 'node_modules'), 'dir');
    const [npmInstall, ...setup] = onlyBlock(subsection('husky and lint-staged'), 'sh').trimEnd().split('\n');
    expect(npmInstall).toBe('npm install --save-dev husky lint-staged');
    const result = run(repo, 'sh', ['-ec', setup.join('\n')]);
    expect(result.status, result.output).toBe(0);
    expect(git(repo, 'config', 'core.hooksPath').trim()).toBe('.husky/_');

    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
    write(repo, { 'package.json': `${JSON.stringify({ ...pkg, ...(JSON.parse(lintStaged) as object) }, null, 2)}\n`, ...extra });
    git(repo, 'add', '--all');
    git(repo, 'commit', '--quiet', '--no-verify', '--message', 'husky and lint-staged');
    return repo;
  }

  it('runs `listener-leak scan` on the staged files: a leaky commit stops, unstaged leaks do not, the fix commits', { timeout: SLOW }, () => {
    const repo = huskyRepo('lint-staged-scan', onlyBlock(subsection('husky and lint-staged'), 'json', 0));
    const base = head(repo);

    write(repo, { 'src/quote-client.js': LEAKY_CLIENT, 'src/socket-ledger.js': LEAKY_LEDGER }); // the ledger stays unstaged
    git(repo, 'add', 'src/quote-client.js');
    const blocked = commit(repo, 'Record socket lifetimes');
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toContain(`src/quote-client.js:${registrationAt(LEAKY_CLIENT)}  ${LEAK_MESSAGE}`);
    expect(reportedFiles(blocked.output)).toEqual(['src/quote-client.js']);
    expect(head(repo)).toBe(base);

    write(repo, { 'src/quote-client.js': FIXED_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    const passed = commit(repo, 'Record socket lifetimes, once per socket');
    expect(passed.status, passed.output).toBe(0);
    expect(committed(repo, 'src/quote-client.js')).toBe(FIXED_CLIENT);
    // lint-staged put the unstaged leak back where it was.
    expect(readFileSync(join(repo, 'src', 'socket-ledger.js'), 'utf8')).toBe(LEAKY_LEDGER);
  });

  it("runs ESLint with the project's configs.recommended on the staged files: the leak stops the commit, the fix commits", { timeout: SLOW }, () => {
    const eslintConfig = "import listenerLeak from 'listener-leak';\n\nexport default [listenerLeak.configs.recommended];\n";
    const repo = huskyRepo('lint-staged-eslint', onlyBlock(subsection('husky and lint-staged'), 'json', 1), { 'eslint.config.js': eslintConfig });
    const base = head(repo);

    write(repo, { 'src/quote-client.js': LEAKY_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    const blocked = commit(repo, 'Record socket lifetimes');
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toMatch(new RegExp(`^ +${registrationAt(LEAKY_CLIENT)} +error +A listener for 'close' is added to socket .* listener-leak/no-per-request-listener$`, 'm'));
    expect(blocked.output).toContain(join(repo, 'src', 'quote-client.js'));
    expect(head(repo)).toBe(base);

    write(repo, { 'src/quote-client.js': FIXED_CLIENT });
    git(repo, 'add', 'src/quote-client.js');
    const passed = commit(repo, 'Record socket lifetimes, once per socket');
    expect(passed.status, passed.output).toBe(0);
    expect(committed(repo, 'src/quote-client.js')).toBe(FIXED_CLIENT);
  });
});
