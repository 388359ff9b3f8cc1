// `listener-leak codemod --cpus N` as a user runs it: the built bin (`npm test` builds first) on real git repositories
// in temp directories. Whatever N, the command must print, write and exit exactly as it does in one process; the
// registry's calls across files, found once in the main thread, must reach the workers. DEBUG=listener-leak:codemod
// makes the command say on stderr whether it used worker threads, which is how these tests know it did.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useScratch } from './scratch.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'index.js');

// Written for these tests: a gauge whose only caller is in another module, so it is a tracker only through the calls
// across files; a tracker and its caller in one file; a tracker that reads a per-call value (left alone); a client
// whose connect() adds a process listener its close() never removes (the teardown transform's case); a file that
// does not parse; and files without any listener.
const PROJECT: Record<string, string> = {
  'src/net/gauge.js': `export class Gauge {
  constructor() {
    this.open = 0;
  }

  attach(conn) {
    this.open += 1;
    conn.on('close', () => {
      this.open -= 1;
    });
  }
}
`,
  'src/net/fetcher.js': `import http from 'node:http';
import { Gauge } from './gauge.js';

const gauge = new Gauge();

export function fetchPage(host, done) {
  http.get({ host, path: '/' }, (res) => {
    gauge.attach(res.socket);
    res.resume();
    res.on('end', done);
  });
}
`,
  'src/idle-timer.js': `import https from 'node:https';

export class IdleTimer {
  constructor() {
    this.timeouts = 0;
  }

  arm(sock) {
    sock.on('timeout', () => {
      this.timeouts += 1;
    });
  }
}

export function poll(timer, url) {
  https.get(url, (res) => {
    timer.arm(res.socket);
    res.resume();
  });
}
`,
  'src/audit.js': `import https from 'node:https';

export class Audit {
  constructor() {
    this.closed = [];
  }

  note(sock, label) {
    sock.on('close', () => {
      this.closed.push(label);
    });
  }
}

export function send(audit, url) {
  https.get(url, (res) => {
    audit.note(res.socket, url);
    res.resume();
  });
}
`,
  'src/feed.js': `import { EventEmitter } from 'node:events';

export class Feed extends EventEmitter {
  start() {
    this.running = true;
    process.on('SIGHUP', () => this.stop());
  }

  stop() {
    this.running = false;
  }
}
`,
  'src/typed/pinger.ts': `import http from 'node:http';
import type { Socket } from 'node:net';

export class Pinger {
  errors = 0;

  watch(link: Socket): void {
    link.on('error', () => {
      this.errors += 1;
    });
  }
}

export function ping(pinger: Pinger, host: string): void {
  http.get({ host }, (res) => {
    pinger.watch(res.socket);
    res.resume();
  });
}
`,
  'src/broken.js': "socket.on('close', () => {\n  let = ;\n",
  'src/util/sum.js': 'export const sum = (a, b) => a + b;\n',
  'src/util/names.js': "export const NAMES = ['alpha', 'beta', 'gamma'];\n",
  'src/util/clock.ts': 'export const now = (): number => Date.now();\n',
};

const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
  DEBUG: 'listener-leak:codemod',
};

interface Run {
  status: number | null;
  stdout: string;
  /** stderr without the debug line. */
  stderr: string;
  /** The debug line's account of how the files ran: `on 2 worker threads`, `in the main thread`. */
  ran: string;
}

const DEBUG_LINE = /^listener-leak:codemod \w+: \d+ files (.+)\n/m;

function cli(cwd: string, ...args: string[]): Run {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does).`);
  const result = spawnSync(process.execPath, [bin, 'codemod', ...args], { cwd, encoding: 'utf8', env: cleanEnv });
  const ran = DEBUG_LINE.exec(result.stderr)?.[1] ?? 'no debug line';
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.replace(DEBUG_LINE, ''), ran };
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: cleanEnv });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr}`);
  return result.stdout;
}

// Each CLI run starts Node, and with --cpus 2 worker threads too: slow on a busy machine.
const scratch = useScratch('codemod-pool');

/** A git repository holding the files, all committed. */
function cleanRepo(files: Record<string, string> = PROJECT): string {
  const dir = scratch.caseDir(files);
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(Object.keys(PROJECT).map((path) => [path, readFileSync(join(dir, path), 'utf8')]));
}

interface JsonReport {
  files: { displayPath: string; status: string; trackers?: { name: string; status: string }[] }[];
  totals: Record<string, number>;
}

describe('listener-leak codemod registry --cpus', { timeout: 240_000 }, () => {
  let repo: string;
  beforeAll(() => {
    repo = cleanRepo();
  });

  it('--dry prints the same diffs and report on 2 worker threads as in one process', () => {
    const one = cli(repo, 'registry', '--dry', '--cpus', '1', 'src');
    const two = cli(repo, 'registry', '--dry', '--cpus', '2', 'src');
    expect(one.ran).toBe('in the main thread');
    expect(two.ran).toBe('on 2 worker threads');
    // The file that does not parse makes it exit 1 either way.
    expect(one.status).toBe(1);
    expect(two).toEqual({ ...one, ran: 'on 2 worker threads' });
    expect(one.stdout).toMatch(/^--- src\/net\/gauge\.js$/m);
    expect(one.stdout).toMatch(/^src\/broken\.js:2:\d+: /m);
    expect(one.stdout).toMatch(/^1 errors \/ 3 unmodified \/ 3 skipped \/ 3 ok$/m);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('--json --dry gives the same report, and the tracker called only from another file is rewritten on a worker too', () => {
    const one = cli(repo, 'registry', '--json', '--dry', '--cpus', '1', 'src');
    const three = cli(repo, 'registry', '--json', '--dry', '--cpus', '3', 'src');
    expect(three.ran, three.stderr).toBe('on 3 worker threads');
    expect(three.stdout).toBe(one.stdout);
    expect(three.stderr).toBe(one.stderr);
    const report = JSON.parse(three.stdout) as JsonReport;
    const gauge = report.files.find((file) => file.displayPath === 'src/net/gauge.js');
    expect(gauge?.status).toBe('ok');
    expect(gauge?.trackers).toEqual([expect.objectContaining({ name: 'Gauge.attach', status: 'rewritten' })]);
    // On its own, gauge.js has no caller that repeats: the same worker run without fetcher.js leaves it unmodified.
    const alone = JSON.parse(cli(repo, 'registry', '--json', '--dry', '--cpus', '2', 'src/net/gauge.js', 'src/util').stdout) as JsonReport;
    expect(alone.files.find((file) => file.displayPath === 'src/net/gauge.js')?.status).toBe('unmodified');
  });

  it('--print prints the same sources in the same order', () => {
    const one = cli(repo, 'registry', '--print', '--cpus', '1', 'src');
    const two = cli(repo, 'registry', '--print', '--cpus', '2', 'src');
    expect(two.ran, two.stderr).toBe('on 2 worker threads');
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect([...one.stdout.matchAll(/^==> (\S+) <==$/gm)].map((match) => match[1])).toEqual(['src/idle-timer.js', 'src/net/gauge.js', 'src/typed/pinger.ts']);
  });

  it('--unsafe reaches the workers', () => {
    const one = cli(repo, 'registry', '--dry', '--unsafe', '--cpus', '1', 'src');
    const two = cli(repo, 'registry', '--dry', '--unsafe', '--cpus', '2', 'src');
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout).toMatch(/^Rewritten with --unsafe.*\nsrc\/audit\.js:\d+:\d+ {2}Audit\.note: /m);
  });

  it('writes the same files, atomically, and reports them the same way', () => {
    const a = cleanRepo();
    const b = cleanRepo();
    const one = cli(a, 'registry', '--cpus', '1', 'src');
    const two = cli(b, 'registry', '--cpus', '2', 'src');
    expect(two.ran).toBe('on 2 worker threads');
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(two.status).toBe(one.status);
    expect(contents(b)).toEqual(contents(a));
    expect(contents(b)).not.toEqual(PROJECT);
    const changed = git(b, 'status', '--porcelain');
    expect(changed).toBe(git(a, 'status', '--porcelain'));
    expect(changed).toBe(' M src/idle-timer.js\n M src/net/gauge.js\n M src/typed/pinger.ts\n');
  });

  it('still refuses a dirty tree before starting any worker', () => {
    const dirty = cleanRepo();
    writeFileSync(join(dirty, 'src/util/sum.js'), 'export const sum = (a, b) => b + a;\n');
    const refused = cli(dirty, 'registry', '--cpus', '2', 'src');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/uncommitted changes/);
    expect(refused.ran).toBe('no debug line');
    expect(readFileSync(join(dirty, 'src/net/gauge.js'), 'utf8')).toBe(PROJECT['src/net/gauge.js']);
  });

  it('runs one file, or --cpus 1, in the main thread, and never starts more workers than files', () => {
    expect(cli(repo, 'registry', '--dry', '--cpus', '4', 'src/idle-timer.js').ran).toBe('in the main thread');
    const many = cli(repo, 'registry', '--dry', '--cpus', '16', 'src/net');
    expect(many.ran).toBe('on 2 worker threads');
    expect(many.stdout).toBe(cli(repo, 'registry', '--dry', '--cpus', '1', 'src/net').stdout);
  });

  it('runs in the main thread without --cpus: the calls across files, found there first, are most of the work', () => {
    expect(cli(repo, 'registry', '--dry', 'src').ran).toBe('in the main thread');
  });

  it('rejects a --cpus that is not a whole number of 1 or more, with exit 2 and the usage, writing nothing', () => {
    const target = cleanRepo();
    for (const bad of ['0', 'two', '1.5', '', '2x', '-1']) {
      const result = cli(target, 'registry', `--cpus=${bad}`, 'src');
      expect(result.status, bad).toBe(2);
      expect(result.stdout, bad).toBe('');
      expect(result.stderr, bad).toContain(`--cpus needs a whole number of worker threads, 1 or more (1 runs in this process), not '${bad}'`);
      expect(result.stderr, bad).toContain('Usage: listener-leak codemod registry');
    }
    const missing = cli(target, 'registry', 'src', '--cpus');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--cpus/);
    expect(git(target, 'status', '--porcelain')).toBe('');
  });
});

describe('listener-leak codemod teardown --cpus', { timeout: 240_000 }, () => {
  it('gives the same diffs and report on 2 worker threads as in one process', () => {
    const repo = cleanRepo();
    const one = cli(repo, 'teardown', '--dry', '--cpus', '1', 'src');
    const two = cli(repo, 'teardown', '--dry', '--cpus', '2', 'src');
    expect(two.ran).toBe('on 2 worker threads');
    expect(two).toEqual({ ...one, ran: 'on 2 worker threads' });
    expect(one.stdout).toMatch(/^--- src\/feed\.js$/m);
    expect(one.stdout).toMatch(/^1 errors \/ \d+ unmodified \/ \d+ skipped \/ 1 ok$/m);
  });

  it("defaults to jscodeshift's number of workers, the cores less one (in the main thread when that is 1)", () => {
    const expected = Math.min(Math.max(availableParallelism() - 1, 1), Object.keys(PROJECT).length);
    const result = cli(cleanRepo(), 'teardown', '--dry', 'src');
    expect(result.ran).toBe(expected > 1 ? `on ${String(expected)} worker threads` : 'in the main thread');
  });

  it('rejects a bad --cpus the same way', () => {
    const result = cli(cleanRepo(), 'teardown', '--cpus', 'many', 'src');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--cpus needs a whole number of worker threads, 1 or more (1 runs in this process), not 'many'");
    expect(result.stderr).toContain('Usage: listener-leak codemod teardown');
  });
});

describe('the progress bar with worker threads', { timeout: 240_000 }, () => {
  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasScript)('counts the files as the workers finish them, and clears it', () => {
    const files = Object.fromEntries(Array.from({ length: 24 }, (_, index) => [`src/m${String(index)}.js`, PROJECT['src/idle-timer.js']!]));
    const repo = cleanRepo(files);
    const report = join(scratch.root, 'pool-progress.txt');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} codemod registry --dry --cpus 2 src > ${JSON.stringify(report)}`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repo, encoding: 'utf8', env: cleanEnv });
    expect(result.stdout).toMatch(/listener-leak:codemod registry: 24 files on 2 worker threads/);
    expect(result.stdout).toMatch(/\rregistry \[#+\] 24\/24 files/);
    expect(result.stdout.endsWith('\r\x1b[2K')).toBe(true);
    expect(readFileSync(report, 'utf8')).toMatch(/^0 errors \/ 0 unmodified \/ 0 skipped \/ 24 ok$/m);
  });
});

describe("jscodeshift's Runner with dist/codemods/registry.js", { timeout: 240_000 }, () => {
  // The default export as a jscodeshift worker transform (the Runner forks child processes that require() it), with
  // the calls across files computed up front and passed in the options, as `externalCallers`.
  it('rewrites the tracker called from another file when the options carry the callers, and not without them', () => {
    const repo = cleanRepo();
    const script = `
      import { readFileSync } from 'node:fs';
      import { createRequire } from 'node:module';
      import { callersByPath } from ${JSON.stringify(join(root, 'dist', 'codemods', 'registry.js'))};
      const require = createRequire(${JSON.stringify(join(root, 'package.json'))});
      const Runner = require('jscodeshift/src/Runner.js');
      const paths = ['src/net/gauge.js', 'src/net/fetcher.js'].map((p) => ${JSON.stringify(repo)} + '/' + p);
      const externalCallers = callersByPath(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
      JSON.parse(JSON.stringify(externalCallers)); // it has to cross a process boundary
      const transform = ${JSON.stringify(join(root, 'dist', 'codemods', 'registry.js'))};
      const common = { dry: true, silent: true, cpus: 2, extensions: 'js' };
      const without = await Runner.run(transform, paths, common);
      const withCallers = await Runner.run(transform, paths, { ...common, externalCallers });
      process.stdout.write('\\nRESULT ' + JSON.stringify({ without, withCallers }) + '\\n');
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', env: cleanEnv });
    expect(result.status, result.stderr).toBe(0);
    const line = /^RESULT (.+)$/m.exec(result.stdout)?.[1];
    const { without, withCallers } = JSON.parse(line ?? '{}') as Record<'without' | 'withCallers', { ok: number; nochange: number; error: number }>;
    expect(without).toMatchObject({ ok: 0, nochange: 2, error: 0 });
    expect(withCallers).toMatchObject({ ok: 1, nochange: 1, error: 0 });
    expect(readFileSync(join(repo, 'src/net/gauge.js'), 'utf8')).toBe(PROJECT['src/net/gauge.js']);
  });
});
