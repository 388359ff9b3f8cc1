// Bad input for every command, run as a user runs it: the built bin (`npm test` builds first) as a child process on
// real files in temp directories. Missing paths, binaries, unreadable files, files that are not JavaScript, empty
// files, a huge single line, a byte order mark, bytes that are not UTF-8, unknown options and no arguments. Each case
// checks the message (it names the file, with line:column where there is one, and says what to do), the exit code
// the usage text gives, and that nothing is lost: the files the codemod cannot take stay byte for byte as they were
// while the good ones are still rewritten.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useScratch } from './scratch.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'index.js');

// A tracker called for every response (registry rewrites it, scan and the rule report it), and a client whose
// connect() adds a process listener that close() never removes (teardown rewrites it).
const SERVICE = `import https from 'node:https';

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

export class Client {
  connect() {
    process.on('SIGTERM', () => this.close());
  }

  close() {
    this.closed = true;
  }
}
`;
/** Where scan and the rule report the tracker's registration in SERVICE. */
const TRACKER_AT = '7:5';

/** `count` bytes that look random, none of them NUL, and are the same on every run. */
function noise(count: number, seed: string): Buffer {
  const blocks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  while (blocks.length * block.length < count) {
    blocks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.from(Buffer.concat(blocks).subarray(0, count).map((byte) => (byte === 0 ? 1 : byte)));
}

/** Random bytes with a NUL at offset 100 (as any binary has one), and random bytes without one: neither is UTF-8. */
const RANDOM_WITH_NUL = Buffer.concat([noise(100, 'with'), Buffer.from([0]), noise(3000, 'with more')]);
const RANDOM_WITHOUT_NUL = noise(3000, 'without');
/** The start of a PNG image: its signature and the IHDR chunk of a 1x1 picture. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
/** JavaScript with NUL bytes in its code; on line 2, a registration, so the codemods would want to parse it. */
const WITH_NUL = Buffer.from("const a = 1;\0\0\nsocket.on('close', () => {});\n", 'latin1');
/** The service with a Latin-1 comment first: 0xe9 (é) at line 1, column 7 is not UTF-8. */
const LATIN1 = Buffer.concat([Buffer.from('// caf\xe9\n', 'latin1'), Buffer.from(SERVICE)]);
const BOM = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SERVICE)]);
/** About 200 KB on one line: the service, squeezed, after a long run of declarations. */
const HUGE_LINE =
  "import https from 'node:https';" +
  Array.from({ length: 20_000 }, (_, index) => `var v${String(index)}=${String(index)};`).join('') +
  "export class Tracker{constructor(){this.open=0}track(socket){this.open++;socket.on('close',()=>{this.open--})}}" +
  'export function fetchIt(url,tracker){https.get(url,(res)=>{tracker.track(res.socket);res.resume()})}\n';

/**
 * The environment without GIT_* variables and without the machine's git configuration (a global safe.directory or
 * excludesFile would change answers); no colour, so output is compared as text.
 */
const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

function cli(cwd: string, args: readonly string[], as: RunAs = {}): Run {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does).`);
  // A named pipe or a hang must fail the test, not stall the run.
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: cleanEnv, timeout: 120_000, ...as });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: cleanEnv });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${result.stderr}`);
  return result;
}

const scratch = useScratch('bad-input');
beforeAll(() => {
  chmodSync(scratch.root, 0o755); // the unreadable-file cases may run the CLI as another user
});
const tempDir = (files: Record<string, string | Buffer> = {}): string => scratch.caseDir(files);

/** A git repository holding the files, all committed: a clean tree, which the codemod asks for. */
function cleanRepo(files: Record<string, string | Buffer>): string {
  const dir = tempDir(files);
  run('git', ['init', '-q'], dir);
  run('git', ['config', 'user.name', 'Test'], dir);
  run('git', ['config', 'user.email', 'test@example.com'], dir);
  run('git', ['add', '-A'], dir);
  run('git', ['commit', '-q', '-m', 'initial'], dir);
  return dir;
}

function bytes(dir: string, path: string): Buffer {
  return readFileSync(join(dir, path));
}

/** Every file under dir whose name says it is a temporary file of writeAtomically. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.tmp'));
}

const SUMMARY = /^(\d+) errors \/ (\d+) unmodified \/ (\d+) skipped \/ (\d+) ok$/m;

function summary(text: string): { errors: number; unmodified: number; skipped: number; ok: number } {
  const match = SUMMARY.exec(text);
  if (match === null) throw new Error(`no summary line in:\n${text}`);
  const [errors, unmodified, skipped, ok] = match.slice(1).map(Number) as [number, number, number, number];
  return { errors, unmodified, skipped, ok };
}

/** `path:line:col` of each finding in scan's or demo's text output. */
function locations(text: string): string[] {
  return [...text.matchAll(/^(\S+:\d+:\d+) {2}(?!parse error)/gm)].map((match) => match[1]!);
}

interface JsonScan {
  summary: { findings: number; errors: number; filesScanned: number };
  findings: { path: string; line: number; column: number }[];
  errors: { path: string; line: number | null; column: number | null; message: string }[];
}

// ---- unreadable files ----

const NOBODY = 65534;

/**
 * How to run the CLI so that a chmod 000 file cannot be read: as ourselves, unless we are root, whom chmod 000 does
 * not stop; then as nobody (uid 65534), when this process may switch to it. A string says why the case is skipped.
 */
function unreadableRunner(): RunAs | string {
  if (process.getuid?.() !== 0) return {};
  const probe = spawnSync(process.execPath, ['-e', ''], { uid: NOBODY, gid: NOBODY });
  return probe.error === undefined && probe.status === 0
    ? { uid: NOBODY, gid: NOBODY }
    : `running as root, whom chmod 000 does not stop, and cannot run the CLI as uid ${String(NOBODY)}: ${String(probe.error ?? probe.stderr)}`;
}
const runner = unreadableRunner();

/**
 * A directory (owned by the user the CLI runs as, so the codemod may write in it) holding the service and a copy of it
 * that the CLI cannot read. Returns a reason to skip instead when the copy can still be read, e.g. without a user to
 * switch to.
 */
function withUnreadableFile(): { dir: string; as: RunAs } | string {
  if (typeof runner === 'string') return runner;
  const dir = tempDir({ 'src/service.js': SERVICE, 'src/secret.js': SERVICE });
  if (runner.uid !== undefined) run('chown', ['-R', `${String(runner.uid)}:${String(runner.gid)}`, dir], dir);
  chmodSync(join(dir, 'src/secret.js'), 0o000);
  const probe = spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(join(dir, 'src/secret.js'))})`], runner);
  if (probe.status === 0) return 'chmod 000 does not make a file unreadable here (a capability such as CAP_DAC_OVERRIDE?)';
  return { dir, as: runner };
}

// ---- the top level ----

describe('listener-leak with no arguments', () => {
  it('says to name a command, shows the commands on stderr and exits 2', () => {
    const result = cli(scratch.root, []);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^listener-leak: name a command\.\n/);
    expect(result.stderr).toContain('Usage: listener-leak <command> [options]');
    expect(result.stderr).toMatch(/^ {2}scan \[paths\.\.\.\]/m);
  });
});

// ---- scan ----

describe('listener-leak scan: bad input', () => {
  it('exits 2 for a missing file, a missing directory and a broken symlink, naming each', () => {
    const dir = tempDir({ 'src/service.js': SERVICE });
    symlinkSync('nowhere.js', join(dir, 'dangling.js'));
    const cases: [string[], string][] = [
      [['nope.js'], 'not found: nope.js.'],
      [['src', 'no-such-dir/'], 'not found: no-such-dir/.'],
      [['dangling.js'], 'not found: dangling.js (a symlink to nowhere.js, which does not exist).'],
    ];
    for (const [args, message] of cases) {
      const result = cli(dir, ['scan', ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`listener-leak scan: ${message} Pass existing files or directories.`);
    }
  });

  it('reports each binary file with its place, exits 1, and still scans the good file', () => {
    const dir = tempDir({
      'src/service.js': SERVICE,
      'src/random.js': RANDOM_WITH_NUL,
      'src/noise.js': RANDOM_WITHOUT_NUL,
      'src/image.js': PNG,
      'src/nul.js': WITH_NUL,
    });
    const result = cli(dir, ['scan', 'src', '--format', 'json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as JsonScan;
    expect(report.findings.map((f) => `${f.path}:${String(f.line)}:${String(f.column)}`)).toContain(`src/service.js:${TRACKER_AT}`);
    expect(report.errors.map((e) => e.path).sort()).toEqual(['src/image.js', 'src/noise.js', 'src/nul.js', 'src/random.js']);
    for (const error of report.errors) {
      expect(error.line, error.path).toBeGreaterThanOrEqual(1);
      expect(error.column, error.path).toBeGreaterThanOrEqual(1);
      expect(error.message, error.path).not.toBe('');
    }
    // The NUL after `const a = 1;` is at line 1, column 13.
    expect(report.errors.find((e) => e.path === 'src/nul.js')).toMatchObject({ line: 1, column: 13 });

    const text = cli(dir, ['scan', 'src']);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^src\/nul\.js:1:13 {2}error {2}\S/m);
    expect(text.stdout).toMatch(/; 4 files could not be scanned\n$/);
  });

  it('reports a file it cannot read with what to do, exits 1, and still scans the others', ({ skip }) => {
    const setup = withUnreadableFile();
    if (typeof setup === 'string') return skip(setup);
    const result = cli(setup.dir, ['scan', 'src'], setup.as);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^src\/secret\.js {2}error {2}cannot read: EACCES: permission denied, open '.*secret\.js'\. Make it readable, or leave it out of the scan\.$/m);
    expect(locations(result.stdout)).toEqual([`src/service.js:${TRACKER_AT}`, 'src/service.js:17:5']);
  });

  it('exits 2 for a file that is not JavaScript named on the command line, naming it, before scanning anything', () => {
    const dir = tempDir({ 'src/service.js': SERVICE, 'README.md': '# service\n', 'notes.txt': 'socket.on(close)\n', 'data.json': '{ "a": 1 }\n' });
    for (const file of ['README.md', 'notes.txt', 'data.json']) {
      const result = cli(dir, ['scan', 'src', file]);
      expect(result.status, file).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`listener-leak scan: not a JavaScript or TypeScript file: ${file} (a ${file.slice(file.lastIndexOf('.'))} file).`);
      expect(result.stderr).toContain('pass those, or the directories that hold them');
    }
  });

  it('exits 2 when the paths hold no JavaScript or TypeScript file, or the working directory holds none', () => {
    const dir = tempDir({ 'docs/README.md': '# docs\n', 'node_modules/lib/index.js': SERVICE });
    mkdirSync(join(dir, 'dir.js'));
    for (const args of [['docs'], ['dir.js'], []]) {
      const result = cli(dir, ['scan', ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      const where = args.length === 0 ? 'the working directory' : args[0]!;
      expect(result.stderr).toContain(`listener-leak scan: no JavaScript or TypeScript files under ${where} (node_modules and what .gitignore excludes are skipped), so nothing was scanned.`);
    }
  });

  it('scans an empty file (nothing to find, exit 0), a BOM, Latin-1 bytes and a huge line at the right places', () => {
    const dir = tempDir({ 'empty.js': '', 'bom.js': BOM, 'latin1.js': LATIN1, 'huge.js': HUGE_LINE });
    const empty = cli(dir, ['scan', 'empty.js']);
    expect(empty).toMatchObject({ status: 0, stdout: 'No findings in 1 file\n' });

    const result = cli(dir, ['scan', 'bom.js', 'latin1.js', 'huge.js', '--format', 'json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as JsonScan;
    expect(report.errors).toEqual([]);
    const at = (path: string): string[] => report.findings.filter((f) => f.path === path).map((f) => `${String(f.line)}:${String(f.column)}`);
    expect(at('bom.js')).toEqual([TRACKER_AT, '17:5']); // the BOM is not a column
    expect(at('latin1.js')).toEqual(['8:5', '18:5']); // one line more: the comment
    expect(at('huge.js')).toEqual([`1:${String(HUGE_LINE.indexOf("socket.on('close'") + 1)}`]);
  });

  it('exits 2 for an unknown option or an option without its value, and shows the usage', () => {
    const dir = tempDir({ 'service.js': SERVICE });
    const cases: [string[], string][] = [
      [['--bogus'], "listener-leak scan: Unknown option '--bogus'. (A path that starts with '-' goes after '--'.)"],
      [['-x', 'service.js'], "listener-leak scan: Unknown option '-x'."],
      [['--format'], "Option '-f, --format <value>' argument missing"],
      [['--format', 'xml'], "unknown format 'xml'"],
      [['--project'], "Option '-p, --project <value>' argument missing"],
    ];
    for (const [args, message] of cases) {
      const result = cli(dir, ['scan', ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Usage: listener-leak scan [options] [paths...]');
    }
    // A file whose name starts with '-' is a path after '--'.
    writeFileSync(join(dir, '-dash.js'), SERVICE);
    expect(locations(cli(dir, ['scan', '--', '-dash.js']).stdout)).toEqual([`-dash.js:${TRACKER_AT}`, '-dash.js:17:5']);
  });
});

// ---- codemod ----

describe.each(['registry', 'teardown'])('listener-leak codemod %s: bad input', (transform) => {
  it('exits 2 for a missing path or a broken symlink, naming it, and rewrites none of the paths that exist', () => {
    const repo = cleanRepo({ 'src/service.js': SERVICE });
    symlinkSync('nowhere.js', join(repo, 'dangling.js'));
    for (const [missing, shown] of [
      ['nope.js', 'nope.js'],
      ['no-such-dir/', 'no-such-dir/'],
      ['dangling.js', 'dangling.js (a symlink to nowhere.js, which does not exist)'],
    ]) {
      const result = cli(repo, ['codemod', transform, '--force', 'src', missing!]);
      expect(result.status, missing).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`listener-leak codemod: not found:\n  ${shown!}\nPass existing files or directories.\n`);
      expect(bytes(repo, 'src/service.js').toString()).toBe(SERVICE);
    }
  });

  it('reports each binary file as path:line:col, leaves it byte for byte, rewrites the good file and exits 1', () => {
    const binaries = { 'src/random.js': RANDOM_WITH_NUL, 'src/noise.js': RANDOM_WITHOUT_NUL, 'src/image.js': PNG, 'src/nul.js': WITH_NUL };
    const repo = cleanRepo({ 'src/service.js': SERVICE, ...binaries });
    const result = cli(repo, ['codemod', transform, 'src']);
    expect(result.status).toBe(1);
    expect(summary(result.stdout)).toEqual({ errors: 4, unmodified: 0, skipped: 0, ok: 1 });
    const binary = 'not a text file: it holds a NUL byte here, so it is binary (or text in UTF-16); left as it was. Leave it out of the paths.';
    expect(result.stdout).toContain(`src/nul.js:1:13: ${binary}\n`);
    expect(result.stdout).toContain(`src/random.js:${lineColumnOf(RANDOM_WITH_NUL, 100)}: ${binary}\n`);
    expect(result.stdout).toMatch(new RegExp(`^src/image\\.js:\\d+:\\d+: ${escapeRegExp(binary)}$`, 'm'));
    expect(result.stdout).toMatch(/^src\/noise\.js:\d+:\d+: not UTF-8: byte 0x[0-9a-f]{2} here is not valid UTF-8/m);
    for (const [path, content] of Object.entries(binaries)) expect(bytes(repo, path).equals(content), path).toBe(true);
    expect(bytes(repo, 'src/service.js').toString()).not.toBe(SERVICE);
    expect(leftovers(repo)).toEqual([]);
  });

  it('reports a file it cannot read with what to do, exits 1, and still rewrites the others', ({ skip }) => {
    const setup = withUnreadableFile();
    if (typeof setup === 'string') return skip(setup);
    const result = cli(setup.dir, ['codemod', transform, 'src'], setup.as);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^src\/secret\.js: cannot read: EACCES: permission denied, open '.*secret\.js'\. Make it readable, or leave it out of the paths\.$/m);
    expect(summary(result.stdout)).toEqual({ errors: 1, unmodified: 0, skipped: 0, ok: 1 });
    expect(result.stdout).toContain('src/service.js: rewrote');
  });

  it('names a file that is not JavaScript: skipped when it holds no registration, an error with a hint when it does', () => {
    const notes = "Call socket.on('close') once per socket.\n";
    const repo = cleanRepo({ 'src/service.js': SERVICE, 'README.md': '# service\n', 'data.json': '{ "a": 1 }\n', 'notes.txt': notes });
    const skipped = cli(repo, ['codemod', transform, 'README.md', 'data.json']);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toContain('README.md: skipped: a .md file, not JavaScript or TypeScript, and no listener registration in it: nothing to rewrite\n');
    expect(skipped.stdout).toContain('data.json: skipped: a .json file, not JavaScript or TypeScript, and no listener registration in it: nothing to rewrite\n');
    expect(summary(skipped.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 2, ok: 0 });

    const failed = cli(repo, ['codemod', transform, 'notes.txt', 'src']);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^notes\.txt:1:\d+: .+ \(a \.txt file, not JavaScript or TypeScript: leave it out of the paths\)$/m);
    expect(summary(failed.stdout)).toEqual({ errors: 1, unmodified: 0, skipped: 0, ok: 1 });
    expect(bytes(repo, 'notes.txt').toString()).toBe(notes);
    expect(bytes(repo, 'README.md').toString()).toBe('# service\n');
  });

  it('leaves a file that is not UTF-8 byte for byte, saying where and what to do, and exits 1', () => {
    const repo = cleanRepo({ 'src/latin1.js': LATIN1, 'src/service.js': SERVICE });
    const result = cli(repo, ['codemod', transform, 'src']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'src/latin1.js:1:7: not UTF-8: byte 0xe9 here is not valid UTF-8, and a rewrite would replace it with U+FFFD; left as it was. ' +
        'Convert the file to UTF-8 first (e.g. iconv -f latin1 -t utf-8), then run the codemod again.\n',
    );
    expect(summary(result.stdout)).toEqual({ errors: 1, unmodified: 0, skipped: 0, ok: 1 });
    expect(bytes(repo, 'src/latin1.js').equals(LATIN1)).toBe(true);
    expect(bytes(repo, 'src/service.js').toString()).not.toBe(SERVICE);
  });

  it('skips an empty file, keeps a byte order mark, and a second run changes nothing', () => {
    const repo = cleanRepo({ 'src/empty.js': '', 'src/bom.js': BOM });
    const first = cli(repo, ['codemod', transform, 'src']);
    expect(first.status).toBe(0);
    expect(summary(first.stdout)).toEqual({ errors: 0, unmodified: 0, skipped: 1, ok: 1 });
    const rewritten = bytes(repo, 'src/bom.js');
    expect([...rewritten.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rewritten.subarray(3).toString()).not.toBe(SERVICE);
    expect(bytes(repo, 'src/empty.js').length).toBe(0);

    const second = cli(repo, ['codemod', transform, '--force', 'src']);
    expect(second.status).toBe(0);
    expect(summary(second.stdout)).toMatchObject({ errors: 0, ok: 0 });
    expect(bytes(repo, 'src/bom.js').equals(rewritten)).toBe(true);
  });

  it('takes a huge single line, and its --print output passes a second run unchanged', () => {
    const repo = cleanRepo({ 'huge.js': HUGE_LINE });
    const printed = cli(repo, ['codemod', transform, '--print', 'huge.js']);
    expect(printed.status).toBe(0);
    expect(bytes(repo, 'huge.js').toString()).toBe(HUGE_LINE);
    if (transform === 'teardown') {
      // No lifecycle method in it: parsed, nothing to change, nothing printed.
      expect(summary(printed.stderr)).toEqual({ errors: 0, unmodified: 1, skipped: 0, ok: 0 });
      expect(printed.stdout).toBe('');
      return;
    }
    expect(summary(printed.stderr)).toEqual({ errors: 0, unmodified: 0, skipped: 0, ok: 1 });
    expect(printed.stdout).toContain('trackedSockets');
    // The new source, as printed, is a file the codemod parses and leaves as it is.
    writeFileSync(join(repo, 'huge.js'), printed.stdout);
    const again = cli(repo, ['codemod', transform, '--force', 'huge.js']);
    expect(again.status).toBe(0);
    expect(summary(again.stdout)).toEqual({ errors: 0, unmodified: 1, skipped: 0, ok: 0 });
  });

  it('exits 2 for an unknown option, an option without its value, a missing transform or no paths', () => {
    const dir = tempDir({ 'service.js': SERVICE });
    const cases: [string[], string][] = [
      [['codemod', transform, '--bogus', 'service.js'], "listener-leak codemod: Unknown option '--bogus'. (A path that starts with '-' goes after '--'.)"],
      [['codemod', transform, 'service.js', '--extensions'], "Option '--extensions <value>' argument missing"],
      [['codemod', transform, '--dry=yes', 'service.js'], "Option '--dry' does not take an argument"],
      [['codemod', transform], 'listener-leak codemod: name at least one file or directory to rewrite'],
      [['codemod'], 'listener-leak codemod: name a transform and the paths to run it on'],
    ];
    for (const [args, message] of cases) {
      const result = cli(dir, args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Usage: listener-leak codemod');
    }
    expect(bytes(dir, 'service.js').toString()).toBe(SERVICE);
  });
});

// ---- demo ----

describe('listener-leak demo: bad input', () => {
  it('exits 2 for a missing directory, a broken symlink and a file, saying what to pass', () => {
    const dir = tempDir({ 'README.md': '# service\n', 'empty.js': '' });
    symlinkSync('nowhere', join(dir, 'dangling'));
    const cases: [string, string][] = [
      ['no-such-dir', `directory not found: no-such-dir (${join(dir, 'no-such-dir')})\nPass an existing directory, or no argument to lint the bundled example.`],
      ['dangling', `directory not found: dangling (${join(dir, 'dangling')})`],
      ['README.md', `not a directory: README.md (${join(dir, 'README.md')})\nPass the directory that contains the file.`],
      ['empty.js', 'not a directory: empty.js'],
    ];
    for (const [given, message] of cases) {
      const result = cli(dir, ['demo', given]);
      expect(result.status, given).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`listener-leak demo: ${message}`);
    }
  });

  it('shows each binary file as a parse error at its place without printing its bytes, lints the rest, and exits 1', () => {
    const dir = tempDir({ 'src/service.js': SERVICE, 'src/random.js': RANDOM_WITH_NUL, 'src/image.js': PNG, 'src/nul.js': WITH_NUL });
    const result = cli(dir, ['demo', 'src']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^src\/random\.js:\d+:\d+ {2}parse error\n {2}\S/m);
    expect(result.stdout).toMatch(/^src\/image\.js:1:1 {2}parse error\n {2}File appears to be binary\.$/m);
    expect(result.stdout).toMatch(/^src\/nul\.js:1:13 {2}parse error\n {2}Invalid character\.$/m);
    expect(locations(result.stdout)).toContain(`src/service.js:${TRACKER_AT}`);
    expect(result.stdout).toMatch(/; 3 files could not be parsed\n/);
    // Nothing of the binaries reaches the terminal: no NUL, no control character but newlines.
    // eslint-disable-next-line no-control-regex -- the characters looked for
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('puts a parse error at the column scan gives it', () => {
    const dir = tempDir({ 'broken.js': 'let a = 1;\nconst = ;\n' });
    const demo = cli(dir, ['demo', '.']);
    expect(demo.status).toBe(1);
    expect(demo.stdout).toContain('broken.js:2:7  parse error\n  Variable declaration expected.\n');
    expect(demo.stdout).toContain('  > 2 | const = ;\n      |       ^\n');
    expect(cli(dir, ['scan', '.']).stdout).toContain('broken.js:2:7  error  Variable declaration expected.\n');
  });

  it('lists a file it cannot read with what to do, lints the others, and exits 1', ({ skip }) => {
    const setup = withUnreadableFile();
    if (typeof setup === 'string') return skip(setup);
    const result = cli(setup.dir, ['demo', 'src'], setup.as);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^src\/secret\.js {2}error {2}cannot read: EACCES: permission denied, open '.*secret\.js'\. Make it readable, or move it out of the directory\.$/m);
    expect(locations(result.stdout)).toEqual([`src/service.js:${TRACKER_AT}`, 'src/service.js:17:5']);
    expect(result.stdout).toMatch(/\(1 file linted\); 1 file could not be read\n/);
  });

  it('skips a broken symlink and a named pipe, saying so, instead of failing or hanging, and exits 0', ({ skip }) => {
    const dir = tempDir({ 'src/service.js': SERVICE });
    symlinkSync('nowhere.js', join(dir, 'src/dangling.js'));
    const fifo = spawnSync('mkfifo', [join(dir, 'src/pipe.js')]);
    if (fifo.error !== undefined || fifo.status !== 0) return skip(`mkfifo is not available: ${String(fifo.error ?? fifo.stderr)}`);
    const result = cli(dir, ['demo', 'src']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('src/dangling.js  skipped  a symlink to nowhere.js, which does not exist\n');
    expect(result.stdout).toContain('src/pipe.js  skipped  a named pipe, not a file\n');
    expect(locations(result.stdout)).toEqual([`src/service.js:${TRACKER_AT}`, 'src/service.js:17:5']);
  });

  it('lints an empty file, a BOM, Latin-1 bytes, and shows a huge line cut to a window around the finding', () => {
    const dir = tempDir({ 'empty.js': '', 'bom.js': BOM, 'latin1.js': LATIN1, 'huge.js': HUGE_LINE });
    const result = cli(dir, ['demo', '.']);
    expect(result.status).toBe(0);
    const column = HUGE_LINE.indexOf("socket.on('close'") + 1;
    expect(locations(result.stdout)).toEqual([`bom.js:${TRACKER_AT}`, 'bom.js:17:5', `huge.js:1:${String(column)}`, 'latin1.js:8:5', 'latin1.js:18:5']);
    expect(result.stdout).toContain('(4 files linted)');
    const frame = result.stdout.split('\n').filter((line) => line.startsWith('  > 1 | …'));
    expect(frame).toHaveLength(1);
    expect(frame[0]).toContain("socket.on('close'");
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThan(250);
  });

  it('exits 2 for an unknown option or two directories', () => {
    const dir = tempDir();
    const cases: [string[], string][] = [
      [['demo', '--bogus'], "listener-leak demo: Unknown option '--bogus'. (A path that starts with '-' goes after '--'.)"],
      [['demo', dir, dir], 'listener-leak demo: expected at most one directory, got 2'],
    ];
    for (const [args, message] of cases) {
      const result = cli(dir, args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Usage: listener-leak demo [dir]');
    }
  });
});

function lineColumnOf(content: Buffer, offset: number): string {
  const lines = content.subarray(0, offset).toString('utf8').split(/\r\n|[\n\r\u2028\u2029]/);
  return `${String(lines.length)}:${String((lines.at(-1) ?? '').length + 1)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
