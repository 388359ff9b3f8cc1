// `listener-leak codemod registry` run as a user would: the built bin (`npm test` builds first) on real temp
// directories and git repositories. It checks what the command reports and which files change, not the
// transform's exact output (test/codemods owns that).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useScratch } from './scratch.js';
import { unifiedDiff } from '../../src/cli/line-diff.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'index.js');

// A tracker called for every response on a keep-alive socket: the transform rewrites it.
const LEAKY_TRACKER = `import https from 'node:https';
export class Tracker {
  constructor() { this.open = 0; }
  track(socket) {
    this.open++;
    socket.on('close', () => { this.open--; });
  }
}
export function fetchIt(url, tracker) {
  https.get(url, (res) => { tracker.track(res.socket); res.resume(); });
}
`;

// Its handler reads a per-call argument, so attaching once would freeze the first call's value: left alone.
const FREEZING_TRACKER = `import https from 'node:https';
export class Recorder {
  constructor() { this.seen = []; }
  record(socket, metadata) {
    socket.on('close', () => { this.seen.push(metadata.id); });
  }
}
export function fetchIt(url, recorder) {
  https.get(url, (res) => { recorder.record(res.socket, { id: url }); res.resume(); });
}
`;

const NO_LISTENERS = 'export const answer = 42;\n';
const SYNTAX_ERROR = "socket.on('close', () => {\nconst = ;\n";

const SUMMARY = /^(\d+) errors \/ (\d+) unmodified \/ (\d+) skipped \/ (\d+) ok$/m;

/**
 * The environment without GIT_* variables (a test run from inside a git hook still gets its own repos) and
 * without the machine's git configuration (a global `safe.directory=*` or excludesFile would change answers).
 */
const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(cwd: string, ...args: string[]): Run {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does).`);
  const result = spawnSync(process.execPath, [bin, 'codemod', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...cleanEnv, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: cleanEnv });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${result.stderr}`);
  return result;
}

function git(cwd: string, ...args: string[]): string {
  return run('git', args, cwd).stdout;
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function summary(text: string): { errors: number; unmodified: number; skipped: number; ok: number } {
  const match = SUMMARY.exec(text);
  if (match === null) throw new Error(`no summary line in:\n${text}`);
  const [errors, unmodified, skipped, ok] = match.slice(1).map(Number) as [number, number, number, number];
  return { errors, unmodified, skipped, ok };
}

const scratch = useScratch('codemod');
const tempDir = (): string => scratch.caseDir();

/** A git repository holding files, all committed: a clean tree. */
function cleanRepo(files: Record<string, string>): string {
  const dir = tempDir();
  writeTree(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

describe('listener-leak codemod registry: a clean git repository', () => {
  it('rewrites the tracker, leaves other files alone, ends with the summary line and exits 0', () => {
    const repo = cleanRepo({ 'src/tracker.js': LEAKY_TRACKER, 'src/constants.js': NO_LISTENERS });
    const result = cli(repo, 'registry', 'src');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^src\/tracker\.js: rewrote \S*track/m);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 1, ok: 1 });
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(SUMMARY);
    expect(read(repo, 'src/tracker.js')).not.toBe(LEAKY_TRACKER);
    expect(read(repo, 'src/constants.js')).toBe(NO_LISTENERS);
    expect(git(repo, 'status', '--porcelain')).toBe(' M src/tracker.js\n');
  });

  it('lists the trackers it left alone after the summary as path:line:col  Name: reason', () => {
    const repo = cleanRepo({ 'recorder.js': FREEZING_TRACKER });
    const result = cli(repo, 'registry', '.');
    expect(result.status).toBe(0);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 1, skipped: 0, ok: 0 });
    const afterSummary = result.stdout.slice(result.stdout.search(SUMMARY));
    expect(afterSummary).toMatch(/^recorder\.js:4:\d+ {2}Recorder\.record: .*metadata/m);
    expect(read(repo, 'recorder.js')).toBe(FREEZING_TRACKER);
  });

  it('passes --unsafe to the transform, and lists what it rewrote that way', () => {
    const repo = cleanRepo({ 'recorder.js': FREEZING_TRACKER });
    const result = cli(repo, 'registry', '--unsafe', '.');
    expect(result.status).toBe(0);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 1 });
    expect(result.stdout).toMatch(/^Rewritten with --unsafe.*\nrecorder\.js:4:\d+ {2}Recorder\.record: /m);
    expect(read(repo, 'recorder.js')).not.toBe(FREEZING_TRACKER);
  });

  it('keeps the file mode and leaves no temporary file behind', () => {
    const repo = cleanRepo({ 'bin/tracker.js': LEAKY_TRACKER });
    chmodSync(join(repo, 'bin/tracker.js'), 0o754);
    git(repo, 'commit', '-q', '-am', 'executable');
    const result = cli(repo, 'registry', 'bin');
    expect(result.status).toBe(0);
    expect(statSync(join(repo, 'bin/tracker.js')).mode & 0o777).toBe(0o754);
    expect(readdirSync(join(repo, 'bin'))).toEqual(['tracker.js']);
  });
});

describe('listener-leak codemod registry: uncommitted changes', () => {
  it('refuses a dirty tree, naming the files, and changes nothing; --force runs anyway', () => {
    const repo = cleanRepo({ 'src/tracker.js': LEAKY_TRACKER, 'src/other.js': NO_LISTENERS });
    writeFileSync(join(repo, 'src/other.js'), `${NO_LISTENERS}// edited\n`);
    writeFileSync(join(repo, 'src/new.js'), NO_LISTENERS);

    const refused = cli(repo, 'registry', 'src');
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/uncommitted changes/);
    expect(refused.stderr).toMatch(/^ {2}src\/new\.js$/m);
    expect(refused.stderr).toMatch(/^ {2}src\/other\.js$/m);
    expect(refused.stderr).not.toContain('tracker.js');
    expect(refused.stderr).toMatch(/[Cc]ommit or stash/);
    expect(refused.stderr).toContain('--force');
    expect(read(repo, 'src/tracker.js')).toBe(LEAKY_TRACKER);

    const forced = cli(repo, 'registry', '--force', 'src');
    expect(forced.status).toBe(0);
    expect(summary(forced.stdout).ok).toBe(1);
    expect(read(repo, 'src/tracker.js')).not.toBe(LEAKY_TRACKER);
  });

  it('only looks at changes under the given paths', () => {
    const repo = cleanRepo({ 'src/tracker.js': LEAKY_TRACKER, 'docs/notes.md': '# notes\n' });
    writeFileSync(join(repo, 'docs/notes.md'), '# notes, edited\n');
    const result = cli(repo, 'registry', 'src');
    expect(result.status).toBe(0);
    expect(summary(result.stdout).ok).toBe(1);
  });

  it('needs no clean tree when it writes nothing (--dry, --print)', () => {
    const repo = cleanRepo({ 'tracker.js': LEAKY_TRACKER });
    writeFileSync(join(repo, 'untracked.js'), NO_LISTENERS);
    expect(cli(repo, 'registry', '--dry', '.').status).toBe(0);
    expect(cli(repo, 'registry', '--print', '.').status).toBe(0);
  });

  it('outside git there is no tree to check, and it says nothing about git', () => {
    const dir = tempDir();
    writeTree(dir, { 'tracker.js': LEAKY_TRACKER });
    const result = cli(dir, 'registry', '.');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(/git/i);
    expect(read(dir, 'tracker.js')).not.toBe(LEAKY_TRACKER);
  });
});

describe('listener-leak codemod registry: --dry, --print, --json', () => {
  it('--dry writes nothing and shows the change as a unified diff', () => {
    const repo = cleanRepo({ 'src/tracker.js': LEAKY_TRACKER });
    const result = cli(repo, 'registry', '--dry', 'src');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^--- src\/tracker\.js\n\+\+\+ src\/tracker\.js\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@$/m);
    expect(result.stdout).toMatch(/^\+ {4}\S/m);
    expect(result.stdout).toMatch(/^ {3}track\(socket\) \{$/m);
    expect(result.stdout).toContain('Nothing was written (--dry).');
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 1 });
    expect(read(repo, 'src/tracker.js')).toBe(LEAKY_TRACKER);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('--dry shows the diff that the write then makes (it applies with `git apply`)', () => {
    const repo = cleanRepo({ 'tracker.js': LEAKY_TRACKER });
    const dry = cli(repo, 'registry', '--dry', '.');
    const patch = dry.stdout.slice(0, dry.stdout.indexOf('Nothing was written'));
    writeFileSync(join(scratch.root, 'dry.patch'), patch);
    git(repo, 'apply', '-p0', join(scratch.root, 'dry.patch'));
    const applied = read(repo, 'tracker.js');
    git(repo, 'checkout', '--', 'tracker.js');
    expect(cli(repo, 'registry', '.').status).toBe(0);
    expect(read(repo, 'tracker.js')).toBe(applied);
  });

  it('--print prints the new source to stdout, the report to stderr, and writes nothing', () => {
    const repo = cleanRepo({ 'tracker.js': LEAKY_TRACKER, 'constants.js': NO_LISTENERS });
    const printed = cli(repo, 'registry', '--print', 'tracker.js');
    expect(printed.status).toBe(0);
    expect(printed.stderr).toMatch(SUMMARY);
    expect(printed.stdout).not.toMatch(SUMMARY);
    expect(read(repo, 'tracker.js')).toBe(LEAKY_TRACKER);

    expect(cli(repo, 'registry', 'tracker.js').status).toBe(0);
    expect(printed.stdout).toBe(read(repo, 'tracker.js'));
  });

  it('--print heads each file with its path when it covers several files', () => {
    const repo = cleanRepo({ 'a.js': LEAKY_TRACKER, 'b.js': LEAKY_TRACKER, 'c.js': NO_LISTENERS });
    const printed = cli(repo, 'registry', '--print', '.');
    expect(printed.status).toBe(0);
    expect(printed.stdout.match(/^==> .* <==$/gm)).toEqual(['==> a.js <==', '==> b.js <==']);
  });

  it('--json prints one JSON report: each file with status and trackers, and the totals', () => {
    const repo = cleanRepo({
      'tracker.js': LEAKY_TRACKER,
      'recorder.js': FREEZING_TRACKER,
      'constants.js': NO_LISTENERS,
      'broken.js': SYNTAX_ERROR,
    });
    const result = cli(repo, 'registry', '--json', '.');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as {
      written: boolean;
      files: { path: string; displayPath: string; status: string; reason: string | null; line: number | null; trackers: { name: string; status: string; reason: string | null }[] }[];
      totals: Record<string, number>;
    };
    expect(report.written).toBe(true);
    expect(report.totals).toEqual({ errors: 1, unmodified: 1, skipped: 1, ok: 1 });
    const byName = new Map(report.files.map((file) => [file.displayPath, file]));
    expect(byName.get('tracker.js')).toMatchObject({ path: join(repo, 'tracker.js'), status: 'ok', trackers: [{ status: 'rewritten' }] });
    expect(byName.get('recorder.js')).toMatchObject({ status: 'unmodified', trackers: [{ name: 'Recorder.record', status: 'left-alone' }] });
    expect(byName.get('recorder.js')?.trackers[0]?.reason).toContain('metadata');
    expect(byName.get('constants.js')).toMatchObject({ status: 'skipped', trackers: [] });
    expect(byName.get('broken.js')).toMatchObject({ status: 'error', line: 2 });
    expect(byName.get('broken.js')?.reason).toMatch(/\S/);
  });

  it('--json with --dry reports the same statuses and writes nothing', () => {
    const repo = cleanRepo({ 'tracker.js': LEAKY_TRACKER });
    const result = cli(repo, 'registry', '--json', '--dry', '.');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { written: boolean; totals: Record<string, number> };
    expect(report).toMatchObject({ written: false, totals: { errors: 0, unmodified: 0, skipped: 0, ok: 1 } });
    expect(read(repo, 'tracker.js')).toBe(LEAKY_TRACKER);
  });
});

describe('listener-leak codemod registry: which files', () => {
  it('skips node_modules and what .gitignore excludes, inside a git repository', () => {
    const repo = cleanRepo({
      '.gitignore': 'generated/\n*.gen.js\n',
      'src/tracker.js': LEAKY_TRACKER,
      'node_modules/lib/index.js': LEAKY_TRACKER,
      'packages/app/node_modules/dep/index.js': LEAKY_TRACKER,
    });
    // Ignored files are not part of the tree, so they do not make it dirty either.
    writeTree(repo, { 'generated/out.js': LEAKY_TRACKER, 'src/tracker.gen.js': LEAKY_TRACKER });
    const result = cli(repo, 'registry', '.');
    expect(result.status).toBe(0);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 1 });
    expect(result.stdout).not.toMatch(/node_modules|generated|\.gen\.js/);
    for (const path of ['node_modules/lib/index.js', 'packages/app/node_modules/dep/index.js', 'generated/out.js', 'src/tracker.gen.js']) {
      expect(read(repo, path)).toBe(LEAKY_TRACKER);
    }
  });

  it('skips node_modules and reads .gitignore files itself outside git (nested ones and ! included)', () => {
    const dir = tempDir();
    writeTree(dir, {
      '.gitignore': 'generated/\n*.gen.js\n',
      'src/.gitignore': '!keep.gen.js\n',
      'src/tracker.js': LEAKY_TRACKER,
      'src/keep.gen.js': LEAKY_TRACKER,
      'src/drop.gen.js': LEAKY_TRACKER,
      'generated/out.js': LEAKY_TRACKER,
      'node_modules/lib/index.js': LEAKY_TRACKER,
    });
    const result = cli(dir, 'registry', '.');
    expect(result.status).toBe(0);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 2 });
    expect(read(dir, 'src/keep.gen.js')).not.toBe(LEAKY_TRACKER);
    for (const path of ['src/drop.gen.js', 'generated/out.js', 'node_modules/lib/index.js']) {
      expect(read(dir, path)).toBe(LEAKY_TRACKER);
    }
  });

  it('--extensions chooses the files looked for in directories', () => {
    const repo = cleanRepo({ 'a.js': LEAKY_TRACKER, 'b.mjs': LEAKY_TRACKER });
    const result = cli(repo, 'registry', '--extensions', '.mjs', '.');
    expect(result.status).toBe(0);
    expect(summary(result.stdout).ok).toBe(1);
    expect(read(repo, 'a.js')).toBe(LEAKY_TRACKER);
    expect(read(repo, 'b.mjs')).not.toBe(LEAKY_TRACKER);
  });

  it('does not write through a symlink to a file outside the given paths, and says why', () => {
    const dir = tempDir();
    writeTree(dir, { 'shared/tracker.js': LEAKY_TRACKER });
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeTree(repo, { 'src/own.js': LEAKY_TRACKER });
    symlinkSync(join(dir, 'shared/tracker.js'), join(repo, 'src/linked.js'));
    symlinkSync('own.js', join(repo, 'src/alias.js')); // the same file as own.js: rewritten once, through own.js
    git(repo, 'init', '-q');
    git(repo, 'config', 'user.name', 'Test');
    git(repo, 'config', 'user.email', 'test@example.com');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'initial');

    const result = cli(repo, 'registry', 'src');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^src\/linked\.js: skipped: symlink to .*shared\/tracker\.js, outside the given paths/m);
    expect(result.stdout).not.toContain('alias.js');
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 1, ok: 1 });
    expect(read(dir, 'shared/tracker.js')).toBe(LEAKY_TRACKER);
    expect(read(repo, 'src/own.js')).not.toBe(LEAKY_TRACKER);
  });

  it('rewrites a file reached by two of the paths once, and takes a named file whatever its extension', () => {
    const repo = cleanRepo({ 'src/tracker.js': LEAKY_TRACKER, 'scripts/tracker.es6': LEAKY_TRACKER });
    const result = cli(repo, 'registry', 'src', 'src/tracker.js', './src', 'scripts/tracker.es6');
    expect(result.status).toBe(0);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 2 });
    expect(read(repo, 'scripts/tracker.es6')).not.toBe(LEAKY_TRACKER);
  });

  it('says so when there are no source files, and exits 0', () => {
    const dir = tempDir();
    writeTree(dir, { 'README.md': '# nothing here\n', 'node_modules/lib/index.js': LEAKY_TRACKER });
    const result = cli(dir, 'registry', '.');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^No files with the extensions js, jsx, .* under \./m);
    expect(summary(result.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 0 });
  });
});

describe('listener-leak codemod registry: bad input', () => {
  it('reports a file that does not parse as path:line:col: message, exits 1, and still rewrites the others', () => {
    const repo = cleanRepo({ 'src/broken.js': SYNTAX_ERROR, 'src/tracker.js': LEAKY_TRACKER });
    const result = cli(repo, 'registry', 'src');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^src\/broken\.js:2:\d+: \S.*$/m);
    expect(summary(result.stdout)).toEqual({ errors: 1, unmodified: 0, skipped: 0, ok: 1 });
    expect(read(repo, 'src/broken.js')).toBe(SYNTAX_ERROR);
    expect(read(repo, 'src/tracker.js')).not.toBe(LEAKY_TRACKER);
  });

  // Writing without the check for uncommitted changes would be the wrong way to fail. Only root can hand a
  // repository to another user.
  it.skipIf(process.getuid?.() !== 0)('exits 2 with git\'s message when git refuses the repository', () => {
    const repo = cleanRepo({ 'tracker.js': LEAKY_TRACKER });
    run('chown', ['-R', 'nobody', repo], repo);
    const result = cli(repo, 'registry', '.');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('dubious ownership');
    expect(read(repo, 'tracker.js')).toBe(LEAKY_TRACKER);
  });

  it('names a missing path and exits 2 without touching the paths that exist', () => {
    const repo = cleanRepo({ 'tracker.js': LEAKY_TRACKER });
    const result = cli(repo, 'registry', 'tracker.js', 'does-not-exist');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/not found:\n {2}does-not-exist\n/);
    expect(read(repo, 'tracker.js')).toBe(LEAKY_TRACKER);
  });

  it('rejects a missing or unknown transform, no paths, unknown options and --json with --print, with exit 2', () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [[], /name a transform/],
      [['rename', '.'], /unknown transform 'rename'/],
      [['registry'], /name at least one file or directory/],
      [['registry', '--write', '.'], /--write/],
      [['registry', '--json', '--print', '.'], /--json and --print/],
      [['registry', '--extensions', ',', '.'], /--extensions/],
    ];
    for (const [args, message] of cases) {
      const result = cli(dir, ...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Usage: listener-leak codemod registry');
    }
  });

  it('--help explains the options and the summary, and exits 0', () => {
    const result = cli(root, 'registry', '--help');
    expect(result.status).toBe(0);
    for (const option of ['--dry', '--print', '--json', '--force', '--extensions', '--unsafe']) expect(result.stdout).toContain(option);
    expect(result.stdout).toContain("'N errors / N unmodified / N skipped / N ok'");
    expect(cli(root, '--help').stdout).toContain('Transforms:');
  });
});

describe('listener-leak codemod registry: progress', () => {
  const manyFiles = Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`src/f${String(index)}.js`, NO_LISTENERS]));

  it('draws no progress bar when stderr is not a terminal', () => {
    const repo = cleanRepo(manyFiles);
    const result = cli(repo, 'registry', 'src');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toContain('\r');
  });

  // util-linux `script` gives the command a terminal; other platforms' `script` takes other arguments.
  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasScript)('draws a progress bar on a terminal with more than 20 files, and clears it', () => {
    const repo = cleanRepo(manyFiles);
    const report = join(scratch.root, 'progress-report.txt');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} codemod registry src > ${JSON.stringify(report)}`;
    const terminal = run('script', ['-qec', command, '/dev/null'], repo).stdout;
    expect(terminal).toMatch(/\rregistry \[[#.]+\] \d+\/25 files/);
    expect(terminal.endsWith('\r\x1b[2K')).toBe(true);
    expect(readFileSync(report, 'utf8')).toMatch(/^0 errors \/ 0 unmodified \/ 25 skipped \/ 0 ok$/m);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a.js', 'x\ny\n', 'x\ny\n', false)).toBe('');
  });

  it('prints hunks with three lines of context and joins changes that are close', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', ''].join('\n');
    const after = before.replace('2\n', 'two\n').replace('5\n', '').replace('15\n', '15\nfifteen and a half\n');
    expect(unifiedDiff('n.txt', before, after, false)).toBe(
      [
        '--- n.txt',
        '+++ n.txt',
        '@@ -1,8 +1,7 @@',
        ' 1',
        '-2',
        '+two',
        ' 3',
        ' 4',
        '-5',
        ' 6',
        ' 7',
        ' 8',
        '@@ -13,4 +12,5 @@',
        ' 13',
        ' 14',
        ' 15',
        '+fifteen and a half',
        ' 16',
        '',
      ].join('\n'),
    );
  });

  it('marks a last line without a newline', () => {
    expect(unifiedDiff('a.txt', 'a\nb', 'a\nb\n', false)).toBe(
      ['--- a.txt', '+++ a.txt', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b', ''].join('\n'),
    );
  });
});
