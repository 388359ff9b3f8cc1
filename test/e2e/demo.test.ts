// Runs the built `listener-leak` bin as a user would (`npm test` builds first) and checks its output and exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'index.js');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does).`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `file:line` of every finding heading the demo printed, e.g. `src/connection-tracker.js:27`. */
function findingLocations(stdout: string): string[] {
  return [...stdout.matchAll(/^(\S+):(\d+):\d+ {2}\S/gm)].map(([, file = '', line = '']) => {
    const fromExample = file.replace(/\\/g, '/').replace(/^.*examples\/rpc-service\//, '');
    return `${fromExample}:${line}`;
  });
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

// Where the example service leaks (see examples/rpc-service/README.md).
const EXPECTED_FINDINGS = [
  'src/connection-tracker.js:27', // socket.on('close') in trackConnection, called for every response from src/http-client.js
  'src/connection-tracker.js:31', // socket.on('error'), same
  'src/connection-tracker.js:35', // socket.on('data'), same
  'src/websocket-client.js:40', // process.on('SIGINT') in connect(), re-entered by every reconnect
];

const FIX_HEADING = /^The registry codemod on a temporary copy of the example: (.+)$/m;
const REGISTER_HEADING = /^The register hook on the same runs: node --import listener-leak\/register$/m;

/** The demo's output up to the fix section (the example's own findings), and the fix section. */
function splitDemo(stdout: string): { lint: string; fix: string } {
  const start = FIX_HEADING.exec(stdout)?.index ?? stdout.length;
  return { lint: stdout.slice(0, start), fix: stdout.slice(start) };
}

describe('listener-leak demo (the bundled example)', () => {
  let run: Run;
  let lint: string;
  beforeAll(() => {
    run = cli('demo');
    ({ lint } = splitDemo(run.stdout));
  });

  it('exits 0 and prints a heading naming the example', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^listener-leak \S+: examples\/rpc-service with listener-leak\/recommended-type-checked\n/);
  });

  it('reports the connection tracker and the SIGINT handler with file:line, rule, message and code', () => {
    expect(findingLocations(lint)).toEqual(EXPECTED_FINDINGS);
    expect(lint).toMatch(
      /^examples\/rpc-service\/src\/connection-tracker\.js:27:\d+ {2}error {2}listener-leak\/no-per-request-listener$/m,
    );
    expect(lint).toMatch(/^ {2}> 27 \| {5}socket\.on\('close', \(\) => \{$/m);
    expect(lint).toMatch(/^ {2}> 40 \| {5}process\.on\('SIGINT'/m);
    expect(lint).toMatch(/^4 findings in 2 files \(5 files linted\)$/m);
  });

  it('reports nothing else: listeners on req, res, new WebSockets, incoming connections, startup code', () => {
    for (const location of findingLocations(lint)) expect(EXPECTED_FINDINGS).toContain(location);
  });
});

/** `<event> listeners on one keep-alive socket after 50 requests: 53 -> 4 (3 without a tracker)`, as numbers. */
function listenerLine(fix: string, event: string): { before: number; after: number; baseline: number } {
  const match = new RegExp(
    `^ {2}${event} listeners on one keep-alive socket after 50 requests: (\\d+) -> (\\d+) \\((\\d+) without a tracker\\)$`,
    'm',
  ).exec(fix);
  if (match === null) throw new Error(`no ${event} listener line in:\n${fix}`);
  const [, before = '', after = '', baseline = ''] = match;
  return { before: Number(before), after: Number(after), baseline: Number(baseline) };
}

describe('listener-leak demo (the fix: codemod on a copy, lint again, real keep-alive traffic)', () => {
  let run: Run;
  let fix: string;
  beforeAll(() => {
    run = cli('demo');
    ({ fix } = splitDemo(run.stdout));
  });

  it('rewrites the connection tracker in a temporary copy, removed afterwards, and says what it left alone', () => {
    expect(run.status).toBe(0);
    const copy = FIX_HEADING.exec(fix)?.[1] ?? '';
    expect(copy).toContain('listener-leak-demo-');
    expect(existsSync(copy)).toBe(false);
    expect(fix).toMatch(/^ {2}src\/connection-tracker\.js:12:\d+ {2}ConnectionTracker\.trackConnection {2}rewritten: /m);
    expect(fix).toMatch(/^ {2}src\/websocket-client\.js:\d+:\d+ {2}WebSocketClient\.connect {2}left alone: .*process/m);
  });

  it('lints the copy again: only the SIGINT handler, which is not a tracker, is left', () => {
    expect(fix).toMatch(/^The copy, linted again$/m);
    expect(findingLocations(fix)).toEqual(['src/websocket-client.js:40']);
    expect(fix).toMatch(/^1 finding in 1 file \(5 files linted\)$/m);
    expect(fix).toContain('still needs a fix by hand');
  });

  it('measures listener growth on one keep-alive socket before the codemod and none after', () => {
    for (const event of ['close', 'error', 'data']) {
      const { before, after, baseline } = listenerLine(fix, event);
      expect(before, event).toBe(baseline + 50);
      expect(after, event).toBeLessThan(before);
      expect(after, event).toBeLessThanOrEqual(baseline + 1);
    }
  });

  it('measures tracker records and warnings before -> after', () => {
    expect(fix).toMatch(/^ {2}tracker records after 50 requests: 50 -> 1 \(sockets used: 1 -> 1\)$/m);
    expect(fix).toMatch(/^ {2}tracker records after client\.close\(\) closed the sockets: 0 -> 0$/m);
    expect(fix).toMatch(/^ {2}MaxListenersExceededWarning: close at request \d+.* -> none$/m);
    // Each version warns in its own child process, silenced there: none reaches the demo's stderr.
    expect(run.stderr).toBe('');
  });

  it("shows the register hook's report naming the tracker's three lines before the codemod, and no report after", () => {
    const start = REGISTER_HEADING.exec(fix)?.index;
    expect(start, 'the register hook section').toBeDefined();
    const hook = fix.slice(start);
    const [, report = '', after = ''] = /^ {2}before the codemod, on stderr:\n([\s\S]*?)\n {2}after the codemod: (.*)$/m.exec(hook) ?? [];
    expect(report).toMatch(
      /^ {4}listener-leak: listeners keep growing on one keep-alive socket \(TLSSocket to 127\.0\.0\.1:\d+\): 'close' reached 10 listeners \(threshold 10\) during its request \d+\. /,
    );
    // The lines the linter found in the tracker, as the hook names them: path from the demo's working directory.
    const trackerLines = EXPECTED_FINDINGS.slice(0, 3);
    ['close', 'error', 'data'].forEach((event, index) => {
      const site = `examples/rpc-service/${trackerLines[index] ?? ''}`;
      expect(report).toMatch(
        new RegExp(`^ {6}${escapeRegExp(site)} ConnectionTracker\\.trackConnection x\\d+ {2}\\('${event}': \\d+ on the socket now\\)$`, 'm'),
      );
    });
    expect(report.match(/^ {6}\S+:\d+ /gm)).toHaveLength(3);
    expect(after).toBe('no report (nothing on stderr)');
  });
});

describe('listener-leak demo <dir>', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'listener-leak-demo-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lints every JS and TS flavour, skips node_modules, and exits 0 when nothing is found', () => {
    const dir = join(scratch, 'clean');
    writeTree(dir, {
      'a.js': 'export const a = 1;\n',
      'b.mjs': 'export default async function b() { await null; }\n',
      'c.cjs': "const path = require('node:path');\nmodule.exports = path.sep;\n",
      'd.jsx': 'export const D = () => <div className="d" />;\n',
      'e.ts': 'export function e<T>(value: T): T { return value; }\n',
      'f.mts': 'export type F = { readonly f?: number };\n',
      'g.cts': 'export = 1;\n',
      'h.tsx': 'export const H = <T,>(props: { item: T }) => <span>{String(props.item)}</span>;\n',
      'node_modules/broken/index.js': 'this is not javascript\n',
    });
    const run = cli('demo', dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`listener-leak ${version}: ${dir} with listener-leak/recommended`);
    expect(run.stdout).toMatch(/^No findings in 8 files$/m);
  });

  it('shows a parse error with file:line:col and the parser message, and exits 1', () => {
    const dir = join(scratch, 'broken');
    writeTree(dir, { 'broken.js': 'const x = ;\n', 'fine.js': 'export const y = 2;\n' });
    const run = cli('demo', dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${escapeRegExp(join(dir, 'broken.js'))}:1:\\d+ {2}parse error$`, 'm'));
    expect(run.stdout).toMatch(/^ {2}Expression expected\.$/m);
    expect(run.stdout).toMatch(/^ {2}> 1 \| const x = ;$/m);
    expect(run.stdout).toMatch(/^No findings in 2 files; 1 file could not be parsed$/m);
  });

  it('names a missing directory and exits 2', () => {
    const missing = join(scratch, 'does-not-exist');
    const run = cli('demo', missing);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`directory not found: ${missing}`);
    expect(run.stderr).toContain('Pass an existing directory');
  });

  it('refuses a file where a directory is expected, and exits 2', () => {
    const run = cli('demo', join(root, 'package.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`not a directory: ${join(root, 'package.json')}`);
  });

  it('rejects unknown options and extra arguments with exit 2', () => {
    expect(cli('demo', '--fix').status).toBe(2);
    const extra = cli('demo', 'a', 'b');
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain('expected at most one directory');
  });
});

describe('listener-leak', () => {
  it('--version prints the package version', () => {
    const run = cli('--version');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('--help lists the commands and options', () => {
    const run = cli('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: listener-leak <command> [options]');
    expect(run.stdout).toMatch(/^ {2}demo \[dir\] +\S/m);
    expect(run.stdout).toContain('--version');
    expect(cli('demo', '--help').stdout).toContain('Usage: listener-leak demo [dir]');
  });

  it('rejects an unknown command with a clear message and exit 2', () => {
    const run = cli('frobnicate');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown command 'frobnicate'");
    expect(run.stderr).toContain("Run 'listener-leak --help'");
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
