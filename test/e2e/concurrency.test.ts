// The plugin under ESLint's multithread linting (`eslint --concurrency`, ESLint 9.34+): the real ESLint CLI on a
// temporary project that imports the built plugin (`npm test` builds first) by absolute path, run single-threaded
// and with worker threads, must report the very same findings. Each worker thread loads eslint.config.js and the
// plugin on its own, so state a rule kept across files in one process would show up here as a difference.
//
// `--concurrency=auto` starts min(ceil(files / 50), cores / 2) workers and none when that is 1, so on a small
// project or a machine with fewer than 4 cores it lints in the main thread; `--concurrency=2` always starts two
// workers (for two files or more). A probe rule in the temporary config logs the thread that linted each file, and
// ESLint's own debug log (DEBUG=eslint:eslint) says how many workers it started: both are checked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const plugin = join(root, 'dist', 'rules', 'index.js');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** Files the rules must report, by path, with the rule expected at each reported line. */
const LEAKY: Record<string, { text: string; expected: readonly (readonly [number, string])[] }> = {
  // A meter method called from every response callback with the response's keep-alive socket.
  'src/leaky/session-meter.js': {
    text: `import http from 'node:http';

export class SessionMeter {
  constructor() {
    this.live = 0;
  }

  watch(socket) {
    this.live += 1;
    socket.on('close', () => {
      this.live -= 1;
    });
  }
}

export function ping(meter, host) {
  http.get({ host, path: '/ping' }, (res) => {
    meter.watch(res.socket);
    res.resume();
  });
}
`,
    expected: [[10, 'no-per-request-listener']],
  },
  // Every request adds one more crash handler to process.
  'src/leaky/crash-hook.js': {
    text: `import http from 'node:http';

http
  .createServer((req, res) => {
    process.on('uncaughtException', (err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
    res.end('hello');
  })
  .listen(8080);
`,
    expected: [[5, 'no-per-request-listener']],
  },
  // Turning the warning off instead of fixing what it warns about, twice.
  'src/leaky/quiet-limits.js': {
    text: `import { EventEmitter } from 'node:events';
import https from 'node:https';

export const agent = new https.Agent({ keepAlive: true });
agent.setMaxListeners(0);
EventEmitter.defaultMaxListeners = Infinity;
`,
    expected: [
      [5, 'no-max-listeners-suppression'],
      [6, 'no-max-listeners-suppression'],
    ],
  },
  // Clearing the socket's close listeners strips Node's own as well.
  'src/leaky/strip-socket.js': {
    text: `import https from 'node:https';

export function download(url, onBody) {
  https.get(url, (res) => {
    res.socket.removeAllListeners('close');
    let body = '';
    res.on('data', (chunk) => { body += chunk; });
    res.on('end', () => onBody(body));
  });
}
`,
    expected: [[5, 'no-socket-remove-all-listeners']],
  },
  // A timer that subscribes again to a module-level bus on every tick.
  'src/leaky/heartbeat.js': {
    text: `import { EventEmitter } from 'node:events';

const bus = new EventEmitter();

export function startHeartbeat(log) {
  setInterval(() => {
    bus.on('beat', () => log('beat'));
    bus.emit('beat');
  }, 1000);
}
`,
    expected: [[7, 'no-per-request-listener']],
  },
  // A route handler that puts a timeout listener on the connection, which keep-alive reuses.
  'src/leaky/route-timeouts.js': {
    text: `import express from 'express';

const app = express();

app.get('/report', (req, res) => {
  req.socket.on('timeout', () => {
    res.status(504).end();
  });
  res.send('ok');
});

export default app;
`,
    expected: [[6, 'no-per-request-listener']],
  },
  // The same in TypeScript, inside a request handler typed by its parameters.
  'src/leaky/upload-limits.ts': {
    text: `import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

function onUpload(req: IncomingMessage, res: ServerResponse): void {
  req.socket.on('timeout', (): void => {
    res.writeHead(408).end();
  });
  res.end('stored');
}

createServer(onUpload).listen(8082);
`,
    expected: [[4, 'no-per-request-listener']],
  },
};

/** Files nothing may be reported in. */
const CLEAN: Record<string, string> = {
  // The registration guarded by a WeakSet of sockets already seen.
  'src/clean/weak-guard.js': `import http from 'node:http';

const seen = new WeakSet();

export function fetchStatus(host, onClose) {
  http.get({ host }, (res) => {
    if (!seen.has(res.socket)) {
      seen.add(res.socket);
      res.socket.on('close', onClose);
    }
    res.resume();
  });
}
`,
  // Listeners on the request itself die with it.
  'src/clean/body-reader.js': `import http from 'node:http';

http
  .createServer((req, res) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => res.end(Buffer.concat(parts)));
  })
  .listen(8081);
`,
  // Once, when the module loads.
  'src/clean/startup.js': `process.on('SIGTERM', () => {
  process.exit(0);
});

export const ready = true;
`,
  // Added per response, and removed again when that response closes.
  'src/clean/paired.js': `import http from 'node:http';

export function request(host, onTimeout) {
  http.get({ host }, (res) => {
    const socket = res.socket;
    socket.on('timeout', onTimeout);
    res.on('close', () => socket.off('timeout', onTimeout));
    res.resume();
  });
}
`,
  'src/clean/average.ts': `export function average(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
}
`,
  // A tracker that already keeps one entry per socket.
  'src/clean/socket-book.js': `import https from 'node:https';

export class SocketBook {
  constructor() {
    this.ids = new WeakMap();
    this.next = 1;
  }

  note(socket) {
    if (this.ids.has(socket)) return this.ids.get(socket);
    const id = this.next++;
    this.ids.set(socket, id);
    socket.once('close', () => this.ids.delete(socket));
    return id;
  }
}

export function get(book, url) {
  https.get(url, (res) => {
    book.note(res.socket);
    res.resume();
  });
}
`,
  // A fresh emitter per connection: its listeners go with it.
  'src/clean/fresh-emitter.ts': `import { EventEmitter } from 'node:events';

export function openChannel(name: string): EventEmitter {
  const channel = new EventEmitter();
  channel.on('message', (text: string) => {
    console.log(name, text);
  });
  return channel;
}
`,
};

// Logs `<threadId> <isMainThread> <file>` for every file linted (to the file PROBE_LOG names), and reports nothing.
const CONFIG = `import { appendFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import tsParser from '@typescript-eslint/parser';
import listenerLeak from ${JSON.stringify(plugin)};

const probe = {
  meta: { name: 'probe' },
  rules: {
    thread: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        if (process.env.PROBE_LOG) appendFileSync(process.env.PROBE_LOG, \`\${threadId} \${isMainThread} \${context.filename}\\n\`);
        return {};
      },
    },
  },
};

export default [
  { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
  listenerLeak.configs.recommended,
  { plugins: { probe }, rules: { 'probe/thread': 'error' } },
];
`;

/** A small TypeScript project for the typed config: the tracker and its only caller are in different files. */
const TYPED_FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, types: ['node'], noEmit: true },
      include: ['src'],
    },
    null,
    2,
  ),
  'eslint.config.js': `import listenerLeak from ${JSON.stringify(plugin)};

export default [
  { files: ['**/*.ts'] },
  listenerLeak.configs['recommended-type-checked'],
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
];
`,
  // Reported only with types: nothing in this file says watch() runs per response.
  'src/meter.ts': `import type { Socket } from 'node:net';

export class ByteMeter {
  total = 0;

  watch(conn: Socket): void {
    conn.on('data', (chunk: Buffer) => {
      this.total += chunk.length;
    });
  }
}
`,
  'src/client.ts': `import https from 'node:https';
import { ByteMeter } from './meter.js';

const meter = new ByteMeter();

export function fetchText(url: string, done: (text: string) => void): void {
  https.get(url, (res) => {
    meter.watch(res.socket);
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (part: string) => {
      text += part;
    });
    res.on('end', () => {
      done(text);
    });
  });
}
`,
  // A router's .on('/path') is not an emitter registration; typed linting knows.
  'src/router.ts': `export class Router {
  private routes = new Map<string, () => string>();

  on(path: string, handler: () => string): this {
    this.routes.set(path, handler);
    return this;
  }
}

export function mount(router: Router, paths: string[]): void {
  for (const path of paths) {
    router.on(path, () => path.toUpperCase());
  }
}
`,
  'src/server.ts': `import { createServer } from 'node:http';

createServer((req, res) => {
  process.on('warning', (warning) => {
    res.destroy(warning);
  });
  res.end('ok');
}).listen(8083);
`,
  'src/quiet.ts': `import { EventEmitter } from 'node:events';

EventEmitter.defaultMaxListeners = 0;
`,
  'src/util.ts': `export const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));
`,
};

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string | null;
  message: string;
}

interface Lint {
  findings: Finding[];
  /** What ESLint's debug log says: the number of worker threads, 0 for the main thread. */
  workers: number;
  /** The threads the probe rule saw, `<threadId> <isMainThread>` per file linted (untyped project only). */
  threads: Map<string, string>;
  ms: number;
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'listener-leak-concurrency-'));
  writeTree(dir, { 'package.json': '{ "type": "module", "private": true }\n', ...files });
  // The project's dependencies (@types/node, @typescript-eslint/parser) are this package's own.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function lint(dir: string, concurrency: string): Lint {
  if (!existsSync(plugin)) throw new Error(`${plugin} is missing: run \`npm run build\` first (npm test does).`);
  const probeLog = join(dir, `probe-${concurrency}.log`);
  rmSync(probeLog, { force: true });
  const start = performance.now();
  const result = spawnSync(process.execPath, [eslintBin, `--concurrency=${concurrency}`, '--format', 'json', 'src'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DEBUG: 'eslint:eslint', PROBE_LOG: probeLog },
  });
  const ms = performance.now() - start;
  // 1: lint errors were found (these projects have some); 2 would be a crash or a bad config.
  expect(result.status, result.stderr).toBe(1);
  const results = JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; line: number; column: number; message: string }[] }[];
  const findings = results
    .flatMap((file) =>
      file.messages.map((message) => ({
        file: relative(dir, file.filePath).split('\\').join('/'),
        line: message.line,
        column: message.column,
        rule: message.ruleId,
        message: message.message,
      })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || (a.rule ?? '').localeCompare(b.rule ?? ''));
  const used = /Linting using (\d+) worker thread/.exec(result.stderr);
  const single = /Linting in single-thread mode/.test(result.stderr);
  expect(used !== null || single, `ESLint's debug log says neither how many workers it ran nor single-thread mode:\n${result.stderr}`).toBe(true);
  const threads = new Map<string, string>();
  if (existsSync(probeLog)) {
    for (const line of readFileSync(probeLog, 'utf8').trim().split('\n')) {
      const [id = '', main = '', ...file] = line.split(' ');
      threads.set(relative(dir, file.join(' ')).split('\\').join('/'), `${id} ${main}`);
    }
  }
  return { findings, workers: used ? Number(used[1]) : 0, threads, ms };
}

describe('the recommended config under eslint --concurrency', { timeout: 120_000 }, () => {
  let dir: string;
  const runs = new Map<string, Lint>();
  const allFiles = [...Object.keys(LEAKY), ...Object.keys(CLEAN)].sort();
  const run = (concurrency: string): Lint => {
    let found = runs.get(concurrency);
    if (!found) {
      found = lint(dir, concurrency);
      runs.set(concurrency, found);
    }
    return found;
  };

  beforeAll(() => {
    dir = makeProject({
      'eslint.config.js': CONFIG,
      ...Object.fromEntries(Object.entries(LEAKY).map(([path, { text }]) => [path, text])),
      ...CLEAN,
    });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each leak once single-threaded, and nothing in the clean files', () => {
    const off = run('off');
    expect(off.workers).toBe(0);
    expect([...off.threads.keys()].sort()).toEqual(allFiles);
    expect(new Set(off.threads.values())).toEqual(new Set(['0 true']));
    const expected = Object.entries(LEAKY)
      .flatMap(([file, { expected: lines }]) => lines.map(([line, rule]) => `${file}:${String(line)} listener-leak/${rule}`))
      .sort();
    expect(off.findings.map((f) => `${f.file}:${String(f.line)} ${f.rule ?? 'fatal'}`).sort()).toEqual(expected);
  });

  it('--concurrency=1 lints in the main thread, with the same findings', () => {
    const one = run('1');
    expect(one.workers).toBe(0);
    expect(one.findings).toEqual(run('off').findings);
  });

  it('--concurrency=2 lints every file in worker threads, with the same findings', () => {
    const two = run('2');
    expect(two.workers).toBe(2);
    expect([...two.threads.keys()].sort()).toEqual(allFiles);
    for (const [file, thread] of two.threads) expect(thread, file).toMatch(/^[1-9]\d* false$/);
    expect(two.findings).toEqual(run('off').findings);
  });

  it('--concurrency=auto gives the same findings, however many workers it picks', () => {
    const auto = run('auto');
    // 14 files are under ESLint's 50 files per worker: auto runs them in the main thread on any machine.
    expect(auto.workers).toBe(0);
    expect(auto.findings).toEqual(run('off').findings);
  });
});

describe('recommended-type-checked under eslint --concurrency', () => {
  let dir: string;

  beforeAll(() => {
    dir = makeProject(TYPED_FILES);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // Each worker thread builds its own TypeScript program (typescript-eslint's project service is per thread), so
  // the cross-file finding in meter.ts needs the worker that lints meter.ts to see client.ts through tsconfig.json.
  // That is also what it costs: every worker pays for the program, so two workers take longer than one thread on a
  // project this small (about 9 s single-threaded, 16 s with two workers on a busy 2-core machine).
  it('reports the same findings, the cross-file one included, with two workers as with none', { timeout: 240_000 }, () => {
    const off = lint(dir, 'off');
    const two = lint(dir, '2');
    expect(off.workers).toBe(0);
    expect(two.workers).toBe(2);
    expect(off.findings.map((f) => `${f.file}:${String(f.line)} ${f.rule ?? 'fatal'}`)).toEqual([
      'src/meter.ts:7 listener-leak/no-per-request-listener',
      'src/quiet.ts:3 listener-leak/no-max-listeners-suppression',
      'src/server.ts:4 listener-leak/no-per-request-listener',
    ]);
    expect(two.findings).toEqual(off.findings);
  });
});
