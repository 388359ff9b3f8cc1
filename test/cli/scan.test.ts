// `listener-leak scan` run as a user would: the built bin (`npm test` builds first) over small projects written to
// temp directories, each splitting the seed's leak across files in one of the ways real services do.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { useScratch } from './scratch.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'index.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Without GIT_* variables and the machine's git configuration, so the temp dirs are never inside a work tree. */
const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
};

function scan(cwd: string, ...args: string[]): Run {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does).`);
  const result = spawnSync(process.execPath, [bin, 'scan', ...args], { cwd, encoding: 'utf8', env: cleanEnv });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = useScratch('scan');

/** A new directory holding the files. */
function project(files: Record<string, string>): string {
  return scratch.caseDir(files);
}

const TSCONFIG = JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true }, include: ['src'] });

/** The lines `file:line:col  message` of a text report, in order. */
function locations(text: string): string[] {
  return text.split('\n').flatMap((line) => /^(\S+:\d+:\d+) {2}/.exec(line)?.[1] ?? []);
}

/** The chain line printed under each finding. */
function chains(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('  ') && line.includes(' -> ')).map((line) => line.trim());
}

// ---- the seed's leak, split across files as the issue describes it ----

// The tracker in one module ...
const TRACKER = `// Remembers which URL each socket served and how much it read.
import type { Socket } from 'node:net';

interface SocketStats {
  url: string;
  bytes: number;
}

export class ConnectionTracker {
  private readonly stats = new Map<Socket, SocketStats>();

  trackConnection(socket: Socket, metadata: { url: string }): void {
    const entry: SocketStats = { url: metadata.url, bytes: 0 };
    this.stats.set(socket, entry);
    socket.on('close', () => {
      this.stats.delete(socket);
    });
    socket.on('error', (error: Error) => {
      console.warn(\`socket for \${entry.url} failed: \${error.message}\`);
    });
    socket.on('data', (chunk: Buffer) => {
      entry.bytes += chunk.length;
    });
  }
}
`;

// ... the HTTP client in another, the tracker injected through its constructor ...
const HTTP_CLIENT = `import https from 'node:https';
import type { ConnectionTracker } from './tracker.js';

export interface HTTPClientOptions {
  connectionTracker: ConnectionTracker;
}

export class HTTPClient {
  private readonly connectionTracker: ConnectionTracker;
  private readonly agent = new https.Agent({ keepAlive: true });

  constructor({ connectionTracker }: HTTPClientOptions) {
    this.connectionTracker = connectionTracker;
  }

  request(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = https.get(url, { agent: this.agent }, (res) => {
        this.connectionTracker.trackConnection(res.socket, { url });
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
  }
}
`;

// ... and the wiring in a third.
const MAIN = `import { HTTPClient } from './http-client.js';
import { ConnectionTracker } from './tracker.js';

const tracker = new ConnectionTracker();
export const client = new HTTPClient({ connectionTracker: tracker });
`;

function seedProject(extra: Record<string, string> = {}): string {
  return project({ 'tsconfig.json': TSCONFIG, 'src/tracker.ts': TRACKER, 'src/http-client.ts': HTTP_CLIENT, 'src/main.ts': MAIN, ...extra });
}

describe('listener-leak scan: the cross-file chain', () => {
  it('reports each registration of a tracker injected through a constructor, with the chain that makes it repeat', () => {
    const dir = seedProject();
    const result = scan(dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/tracker.ts:15:5', 'src/tracker.ts:18:5', 'src/tracker.ts:21:5']);
    const via = "the response callback of https.get (src/http-client.ts:18) -> HTTPClient.request (src/http-client.ts:19) -> ConnectionTracker.trackConnection (src/tracker.ts:12)";
    expect(chains(result.stdout)).toEqual([
      `${via} -> socket.on('close') (src/tracker.ts:15)`,
      `${via} -> socket.on('error') (src/tracker.ts:18)`,
      `${via} -> socket.on('data') (src/tracker.ts:21)`,
    ]);
    // The message is the rule's own, filled in.
    expect(result.stdout).toContain(
      "src/tracker.ts:15:5  A listener for 'close' is added to socket (a keep-alive socket that outlives the request: res.socket, passed in at src/http-client.ts:19) in code that runs once per request",
    );
    expect(result.stdout).not.toContain('{{');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('3 findings in 1 file (3 files scanned, project tsconfig.json)');
  });

  it('shows chain paths relative to the working directory', () => {
    const dir = seedProject();
    const result = scan(join(dir, 'src'), '--project', '..');
    expect(result.status).toBe(1);
    expect(chains(result.stdout)[0]).toBe(
      "the response callback of https.get (http-client.ts:18) -> HTTPClient.request (http-client.ts:19) -> ConnectionTracker.trackConnection (tracker.ts:12) -> socket.on('close') (tracker.ts:15)",
    );
  });

  // An injected instance is followed when the constructor stores a parameter (`this.x = x`) or a property of one.
  it('follows a tracker stored from an options object (`this.connectionTracker = options.connectionTracker`)', () => {
    const client = HTTP_CLIENT.replace(
      'constructor({ connectionTracker }: HTTPClientOptions) {\n    this.connectionTracker = connectionTracker;',
      'constructor(options: HTTPClientOptions) {\n    this.connectionTracker = options.connectionTracker;',
    );
    expect(client).not.toBe(HTTP_CLIENT);
    const result = scan(seedProject({ 'src/http-client.ts': client }));
    expect(locations(result.stdout)).toEqual(['src/tracker.ts:15:5', 'src/tracker.ts:18:5', 'src/tracker.ts:21:5']);
  });

  it('reports findings only under the given paths, but follows calls from the rest of the project', () => {
    const dir = project({
      'tsconfig.json': TSCONFIG,
      'src/lib/tracker.ts': TRACKER,
      'src/api/http-client.ts': HTTP_CLIENT.replace("'./tracker.js'", "'../lib/tracker.js'"),
    });
    const inLib = scan(dir, 'src/lib');
    expect(inLib.status).toBe(1);
    expect(locations(inLib.stdout)).toEqual(['src/lib/tracker.ts:15:5', 'src/lib/tracker.ts:18:5', 'src/lib/tracker.ts:21:5']);
    expect(inLib.stdout).toContain('(1 file scanned, project tsconfig.json)');
    const inApi = scan(dir, 'src/api');
    expect(inApi.status).toBe(0);
    expect(inApi.stdout).toBe('No findings in 1 file (project tsconfig.json)\n');
  });
});

// ---- the ways modules reach one another ----

/** A server whose handler passes the request's socket to `call`, imported with `importLine`. */
function server(importLine: string, call: string): string {
  return `${importLine}
import http from 'node:http';

export const server = http.createServer((req, res) => {
  ${call}(req.socket);
  res.end('ok');
});
`;
}

/** The same server in CommonJS. */
function cjsServer(requireLine: string, call: string): string {
  return `const http = require('node:http');
${requireLine}

module.exports = http.createServer((req, res) => {
  ${call}(req.socket);
  res.end('ok');
});
`;
}

const TRACK_FUNCTION = `import type { Socket } from 'node:net';

export function watchSocket(socket: Socket): void {
  socket.on('close', () => console.log('closed'));
}
`;

describe('listener-leak scan: module resolution', () => {
  it('follows a relative import', () => {
    const dir = project({
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import { watchSocket } from './watch.js';", 'watchSocket'),
      'src/watch.ts': TRACK_FUNCTION,
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/watch.ts:4:3']);
    expect(chains(result.stdout)[0]).toMatch(/^the request handler of http\.createServer \(src\/server\.ts:4\) -> .*watchSocket \(src\/watch\.ts:3\) -> socket\.on\('close'\) \(src\/watch\.ts:4\)$/);
  });

  // An anonymous handler is named once, by what makes it repeat, not again as "an anonymous function".
  it('names the calling handler once in the chain', () => {
    const dir = project({
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import { watchSocket } from './watch.js';", 'watchSocket'),
      'src/watch.ts': TRACK_FUNCTION,
    });
    expect(chains(scan(dir).stdout)).toEqual([
      "the request handler of http.createServer (src/server.ts:4) -> watchSocket (src/watch.ts:3) -> socket.on('close') (src/watch.ts:4)",
    ]);
  });

  it('follows barrel re-exports: `export * from` and `export { x as y } from`', () => {
    const dir = project({
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import { watchSocket, observe } from './sockets/index.js';", 'watchSocket').replace(
        '  res.end',
        '  observe(req.socket);\n  res.end',
      ),
      'src/sockets/index.ts': "export * from './watch.js';\nexport { recordSocket as observe } from './record.js';\n",
      'src/sockets/watch.ts': TRACK_FUNCTION,
      'src/sockets/record.ts': `import type { Socket } from 'node:net';

export function recordSocket(socket: Socket): void {
  socket.on('timeout', () => socket.destroy());
}
`,
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/sockets/record.ts:4:3', 'src/sockets/watch.ts:4:3']);
  });

  it('follows tsconfig path aliases, to a file and to a directory index', () => {
    const dir = project({
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noEmit: true,
          paths: { '@net/*': ['./src/net/*'], '@recorder': ['./src/recorder'] },
        },
        include: ['src'],
      }),
      'src/server.ts': server("import { watchSocket } from '@net/watch';\nimport { recordSocket } from '@recorder';", 'watchSocket').replace(
        '  res.end',
        '  recordSocket(req.socket);\n  res.end',
      ),
      'src/net/watch.ts': TRACK_FUNCTION,
      'src/recorder/index.ts': TRACK_FUNCTION.replace('watchSocket', 'recordSocket'),
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/net/watch.ts:4:3', 'src/recorder/index.ts:4:3']);
  });

  it('scans JavaScript files a tsconfig takes in with allowJs', () => {
    const dir = project({
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', allowJs: true, checkJs: false, noEmit: true }, include: ['src'] }),
      'package.json': JSON.stringify({ type: 'module' }),
      'src/server.js': server("import { watchSocket } from './watch.js';", 'watchSocket'),
      'src/watch.js': "export function watchSocket(socket) {\n  socket.on('close', () => console.log('closed'));\n}\n",
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/watch.js:2:3']);

    // Without allowJs the tsconfig holds no file this project has: nothing to scan is an error, not a pass.
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', noEmit: true }, include: ['src'] }));
    const without = scan(dir);
    expect(without.status).toBe(2);
    expect(without.stderr).toContain('tsconfig.json includes no JavaScript or TypeScript files');
    // Named on the command line, the files are scanned all the same.
    expect(locations(scan(dir, 'src').stdout)).toEqual(['src/watch.js:2:3']);
  });

  it('terminates on circular imports and still follows the calls', () => {
    const dir = project({
      'tsconfig.json': TSCONFIG,
      'src/server.ts': `import http from 'node:http';
import { watchSocket } from './watch.js';

export const requests = { count: 0 };

export const server = http.createServer((req, res) => {
  requests.count++;
  watchSocket(req.socket);
  res.end('ok');
});
`,
      'src/watch.ts': `import type { Socket } from 'node:net';
import { requests } from './server.js';

export function watchSocket(socket: Socket): void {
  socket.on('close', () => console.log('closed after', requests.count));
}
`,
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/watch.ts:5:3']);
  });

  it('follows a default-exported function', () => {
    const dir = project({
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import watch from './watch.js';", 'watch'),
      'src/watch.ts': TRACK_FUNCTION.replace('export function watchSocket', 'export default function watchSocket'),
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/watch.ts:4:3']);
  });

  it('follows CommonJS require and module.exports in a project without a tsconfig', () => {
    const dir = project({
      'package.json': JSON.stringify({ type: 'commonjs' }),
      'lib/server.js': `const http = require('node:http');
const { watchSocket } = require('./watch');
const Tracker = require('./tracker');

const tracker = new Tracker();
module.exports = http.createServer((req, res) => {
  watchSocket(req.socket);
  tracker.track(req.socket);
  res.end('ok');
});
`,
      'lib/watch.js': `function watchSocket(socket) {
  socket.on('close', () => console.log('closed'));
}

module.exports = { watchSocket };
`,
      'lib/tracker.js': `class Tracker {
  track(socket) {
    socket.on('end', () => console.log('ended'));
  }
}

module.exports = Tracker;
`,
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['lib/tracker.js:3:5', 'lib/watch.js:2:3']);
    expect(result.stdout).toContain('(3 files scanned)');
  });

  it('loads the projects a solution-style tsconfig references', () => {
    const dir = project({
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './packages/server' }] }),
      'packages/server/tsconfig.json': TSCONFIG,
      'packages/server/src/server.ts': server("import { watchSocket } from './watch.js';", 'watchSocket'),
      'packages/server/src/watch.ts': TRACK_FUNCTION,
    });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['packages/server/src/watch.ts:4:3']);
  });
});

// Shapes of export the project analysis follows: default and anonymous exports, exported instances, CommonJS.
const SOCKET_TYPE = "import type { Socket } from 'node:net';\n";
const EXPORT_SHAPES: readonly (readonly [string, Record<string, string>, string])[] = [
  [
    'an anonymous default-exported function',
    {
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import watch from './watch.js';", 'watch'),
      'src/watch.ts': `${SOCKET_TYPE}export default function (socket: Socket): void {\n  socket.on('close', () => console.log('closed'));\n}\n`,
    },
    'src/watch.ts:3:3',
  ],
  [
    'a default-exported arrow function',
    {
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import watch from './watch.js';", 'watch'),
      'src/watch.ts': `${SOCKET_TYPE}export default (socket: Socket): void => {\n  socket.on('close', () => console.log('closed'));\n};\n`,
    },
    'src/watch.ts:3:3',
  ],
  [
    'an exported instance (`export const tracker = new Tracker()`)',
    {
      'tsconfig.json': TSCONFIG,
      'src/server.ts': server("import { tracker } from './watch.js';", 'tracker.track'),
      'src/watch.ts': `${SOCKET_TYPE}class Tracker {\n  track(socket: Socket): void {\n    socket.on('close', () => console.log('closed'));\n  }\n}\nexport const tracker = new Tracker();\n`,
    },
    'src/watch.ts:4:5',
  ],
  [
    'a function expression assigned to module.exports',
    {
      'lib/server.js': cjsServer("const watch = require('./watch');", 'watch'),
      'lib/watch.js': "module.exports = function watchSocket(socket) {\n  socket.on('close', () => console.log('closed'));\n};\n",
    },
    'lib/watch.js:2:3',
  ],
  [
    'a method of the object assigned to module.exports',
    {
      'lib/server.js': cjsServer("const sockets = require('./watch');", 'sockets.watch'),
      'lib/watch.js': "module.exports = {\n  watch(socket) {\n    socket.on('close', () => console.log('closed'));\n  },\n};\n",
    },
    'lib/watch.js:3:5',
  ],
  [
    'an instance assigned to module.exports',
    {
      'lib/server.js': cjsServer("const tracker = require('./watch');", 'tracker.track'),
      'lib/watch.js': "class Tracker {\n  track(socket) {\n    socket.on('close', () => console.log('closed'));\n  }\n}\nmodule.exports = new Tracker();\n",
    },
    'lib/watch.js:3:5',
  ],
];

describe('listener-leak scan: export shapes across modules', () => {
  for (const [shape, files, location] of EXPORT_SHAPES) {
    it(`follows ${shape}`, () => {
      const result = scan(project(files));
      expect(locations(result.stdout)).toEqual([location]);
    });
  }
});

describe('listener-leak scan: outcomes', () => {
  it('exits 0 for a project with no leak', () => {
    // The registry pattern: listeners added on a socket's first request only.
    const guarded = TRACKER.replace(
      '    const entry: SocketStats',
      "    const known = this.stats.get(socket);\n    if (known) {\n      known.url = metadata.url;\n      return;\n    }\n    const entry: SocketStats",
    );
    expect(guarded).not.toBe(TRACKER);
    const result = scan(seedProject({ 'src/tracker.ts': guarded }));
    expect(result.stdout).toBe('No findings in 3 files (project tsconfig.json)\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('reports a file that does not parse, and still scans the others', () => {
    const dir = seedProject({ 'src/broken.ts': "export function broken() {\n  const = 1;\n}\n" });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(locations(result.stdout)).toEqual(['src/tracker.ts:15:5', 'src/tracker.ts:18:5', 'src/tracker.ts:21:5', 'src/broken.ts:2:9']);
    expect(result.stdout).toMatch(/^src\/broken\.ts:2:9 {2}error {2}\S.*$/m);
    expect(result.stdout).toContain('3 findings in 1 file (4 files scanned, project tsconfig.json); 1 file could not be scanned');

    const json = JSON.parse(scan(dir, '--format', 'json').stdout) as { errors: unknown[] };
    expect(json.errors).toEqual([{ path: 'src/broken.ts', absolutePath: join(dir, 'src/broken.ts'), line: 2, column: 9, message: expect.any(String) as string }]);
  });

  it('writes the report to --output and the summary to stderr', () => {
    const dir = seedProject();
    const result = scan(dir, '--format', 'json', '--output', 'reports/scan.json');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('3 findings in 1 file (3 files scanned, project tsconfig.json); report written to reports/scan.json\n');
    expect((JSON.parse(readFileSync(join(dir, 'reports/scan.json'), 'utf8')) as { findings: unknown[] }).findings).toHaveLength(3);
  });

  it.each([
    [['--format', 'xml'], "unknown format 'xml'"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['missing-dir'], 'not found: missing-dir'],
    [['--project', 'nowhere.json'], 'cannot find nowhere.json'],
  ])('exits 2 on a usage error: %j', (args, message) => {
    const result = scan(seedProject(), ...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('exits 2, with the place, for a tsconfig that does not parse', () => {
    const dir = seedProject({ 'tsconfig.json': '{\n  "compilerOptions": {\n    "strict": true\n  \n  "include": ["src"]\n}\n' });
    const result = scan(dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^listener-leak scan: tsconfig\.json:5:3: '?,'? expected\./m);
  });

  it('warns about tsconfig options TypeScript does not know, and scans anyway', () => {
    const dir = seedProject({ 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, notAnOption: 1 }, include: ['src'] }) });
    const result = scan(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("warning: tsconfig.json: Unknown compiler option 'notAnOption'.");
    expect(locations(result.stdout)).toHaveLength(3);
  });

  it('draws a progress line on a terminal, and clears it before the report', () => {
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.error) return; // no util-linux `script` to give the command a terminal
    const files: Record<string, string> = { 'tsconfig.json': TSCONFIG, 'src/watch.ts': TRACK_FUNCTION };
    for (let index = 0; index < 25; index++) files[`src/module-${String(index)}.ts`] = `export const value${String(index)} = ${String(index)};\n`;
    const dir = project(files);
    // `script` runs the command on a pseudo-terminal; stdout and stderr both arrive on its stdout.
    const result = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} scan`, '/dev/null'], { cwd: dir, encoding: 'utf8', env: cleanEnv });
    expect(result.stdout).toContain('scan: analysing 26 files...');
    const afterProgress = result.stdout.slice(result.stdout.lastIndexOf('\x1b[2K') + 4);
    expect(afterProgress.replace(/\r/g, '')).toBe('No findings in 26 files (project tsconfig.json)\n');
  });

  it('is listed in the help', () => {
    const result = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: cleanEnv });
    expect(result.stdout).toMatch(/^ {2}scan \[paths\.\.\.\] +Find per-request listeners/m);
    expect(scan(scratch.root, '--help').stdout).toContain('Usage: listener-leak scan [options] [paths...]');
  });
});

// ---- machine-readable output ----

interface JsonReport {
  tool: { name: string; version: string };
  configs: string[];
  summary: Record<string, number>;
  findings: {
    ruleId: string;
    messageId: string;
    path: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    message: string;
    data: Record<string, string>;
    chain: { name: string; path: string; line: number; column: number }[];
    evidence: { line: number; what: string }[];
  }[];
  errors: unknown[];
}

describe('listener-leak scan --format json', () => {
  it('has the findings, their chains and a summary', () => {
    const dir = seedProject();
    const result = scan(dir, '--format', 'json');
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.tool.name).toBe('listener-leak');
    expect(report.configs).toEqual(['tsconfig.json']);
    expect(report.summary).toEqual({ findings: 3, filesWithFindings: 1, filesScanned: 3, filesAnalysed: 3, errors: 0 });
    expect(report.errors).toEqual([]);
    const [close] = report.findings;
    expect(close).toMatchObject({
      ruleId: 'listener-leak/no-per-request-listener',
      messageId: 'perRequestListener',
      path: 'src/tracker.ts',
      line: 15,
      column: 5,
      endLine: 17,
      endColumn: 7,
      data: { receiver: 'socket', event: "'close'" },
    });
    expect(close?.message).toMatch(/^A listener for 'close' is added to socket /);
    expect(close?.chain).toEqual([
      { name: 'the response callback of https.get', path: 'src/http-client.ts', line: 18, column: 19 },
      { name: 'HTTPClient.request', path: 'src/http-client.ts', line: 19, column: 9 },
      { name: 'ConnectionTracker.trackConnection', path: 'src/tracker.ts', line: 12, column: 18 },
      { name: "socket.on('close')", path: 'src/tracker.ts', line: 15, column: 5 },
    ]);
    expect(close?.evidence.length).toBeGreaterThan(0);
  });
});

describe('listener-leak scan --format sarif', () => {
  // The SARIF 2.1.0 schema as Microsoft's SARIF tooling ships it on npm (@microsoft/jest-sarif); it is a JSON
  // Schema draft-04 document, hence ajv's draft-04 class. Its language pattern (`...[a-zA-Z]{2}]?$`) has a stray `]`
  // that only a non-unicode regular expression accepts, as the JSON Schema validators of its day compiled it.
  const require = createRequire(import.meta.url);
  const schemaPath = join(dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // Both are CommonJS modules whose class or plugin is also their `default` property.
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  const errorsOf = (log: unknown): string => ajv.errorsText(validate(log) ? null : validate.errors, { separator: '\n' });

  it('is valid SARIF 2.1.0', () => {
    const dir = seedProject({ 'src/broken.ts': 'export const = ;\n' });
    const result = scan(dir, '--format', 'sarif');
    expect(result.status).toBe(1);
    const log = JSON.parse(result.stdout) as Sarif.Log;
    expect(errorsOf(log)).toBe('No errors');
    // The validator is not one that accepts anything.
    const broken = structuredClone(log);
    delete (broken.runs[0]!.results![0] as Partial<Sarif.Result>).message;
    expect(errorsOf(broken)).toMatch(/message/);
  });

  it('describes the rule, locates each result relative to %SRCROOT%, and links the chain as related locations', () => {
    const dir = seedProject();
    const log = JSON.parse(scan(dir, '--format', 'sarif').stdout) as Sarif.Log;
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    const driver = run.tool.driver;
    expect(driver.name).toBe('listener-leak');
    expect(driver.informationUri).toMatch(/^https:\/\//);
    expect(driver.rules).toHaveLength(1);
    expect(driver.rules![0]).toMatchObject({
      id: 'listener-leak/no-per-request-listener',
      shortDescription: { text: 'Disallow adding listeners to a long-lived emitter from code that runs once per request.' },
      helpUri: expect.stringMatching(/docs\/rules\/no-per-request-listener\.md$/) as string,
      defaultConfiguration: { level: 'error' },
    });
    expect(run.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`file://${dir}/`);

    expect(run.results).toHaveLength(3);
    const close = run.results![0]!;
    expect(close.ruleId).toBe('listener-leak/no-per-request-listener');
    expect(close.message.text).toMatch(/^A listener for 'close' is added to socket /);
    expect(close.message.text).toContain(
      "Called through: [the response callback of https.get](1) -> [HTTPClient.request](2) -> [ConnectionTracker.trackConnection](3) -> socket.on('close').",
    );
    expect(close.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'src/tracker.ts', uriBaseId: '%SRCROOT%' },
          region: { startLine: 15, startColumn: 5, endLine: 17, endColumn: 7 },
        },
      },
    ]);
    expect(close.relatedLocations?.map((l) => [l.id, l.message?.text, l.physicalLocation?.artifactLocation?.uri, l.physicalLocation?.region?.startLine])).toEqual([
      [1, 'the response callback of https.get', 'src/http-client.ts', 18],
      [2, 'HTTPClient.request', 'src/http-client.ts', 19],
      [3, 'ConnectionTracker.trackConnection', 'src/tracker.ts', 12],
    ]);
    expect(close.codeFlows?.[0]?.threadFlows[0]?.locations).toHaveLength(4);
    // Fingerprints tell the three findings apart and do not depend on line numbers.
    const fingerprints = run.results!.map((r) => r.partialFingerprints?.['listenerLeak/v1']);
    expect(new Set(fingerprints).size).toBe(3);
    writeFileSync(join(dir, 'src/tracker.ts'), `// a line added above\n${TRACKER}`);
    const moved = JSON.parse(scan(dir, '--format', 'sarif').stdout) as Sarif.Log;
    expect(moved.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startLine).toBe(16);
    expect(moved.runs[0]!.results!.map((r) => r.partialFingerprints?.['listenerLeak/v1'])).toEqual(fingerprints);
  });

  it('reports files that do not parse as tool notifications', () => {
    const dir = seedProject({ 'src/broken.ts': 'export const = ;\n' });
    const log = JSON.parse(scan(dir, '--format', 'sarif').stdout) as Sarif.Log;
    const notifications = log.runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/broken.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } } }],
    });
  });
});
