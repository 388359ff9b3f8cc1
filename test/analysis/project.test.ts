// The detector across files: calls from repeating code into functions and methods of other project files.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProject, type ProjectFile } from '../../src/analysis/project.js';

const root = '/project';
const project = (files: Record<string, string>): ProjectFile[] => Object.entries(files).map(([path, text]) => ({ path: join(root, path), text }));

/** `file:line kind` of every finding, and each chain as text. */
function run(files: Record<string, string>) {
  const result = analyzeProject(project(files), { root });
  return {
    ...result,
    found: result.findings.map((f) => `${f.path.slice(root.length + 1)}:${String(f.finding.node.loc.start.line)} ${f.finding.kind}`),
    chains: result.findings.map((f) => f.chain.map((s) => `${s.name} (${s.path.slice(root.length + 1)}:${String(s.line)})`).join(' -> ')),
  };
}

const tracker = `
export class SocketTracker {
  constructor() { this.open = 0; }
  track(socket, meta) {
    this.open++;
    socket.on('close', () => { this.open--; });
  }
}
`;

describe('analyzeProject', () => {
  it('follows a tracker injected through a constructor into another file, and names the chain', () => {
    const { found, chains, rounds } = run({
      'src/tracker.js': tracker,
      'src/client.js': `
import https from 'node:https';
export class Client {
  constructor({ tracker }) { this.tracker = tracker; }
  get(url) {
    return https.get(url, (res) => {
      this.tracker.track(res.socket, { url });
      res.resume();
    });
  }
}
`,
    });
    expect(found).toEqual(['src/tracker.js:6 perRequestListener']);
    expect(chains).toEqual([
      'the response callback of https.get (src/client.js:6) -> Client.get (src/client.js:7) -> SocketTracker.track (src/tracker.js:4) -> socket.on(\'close\') (src/tracker.js:6)',
    ]);
    expect(rounds).toBe(2);
  });

  it('follows an instance of an imported class, through a barrel that re-exports it', () => {
    const { found } = run({
      'src/tracking/tracker.ts': tracker,
      'src/tracking/index.ts': `export * from './tracker.js';\n`,
      'src/server.ts': `
import http from 'node:http';
import { SocketTracker } from './tracking/index.js';
const tracker = new SocketTracker();
export const server = http.createServer((req, res) => {
  tracker.track(req.socket);
  res.end();
});
`,
    });
    expect(found).toEqual(['src/tracking/tracker.ts:6 perRequestListener']);
  });

  it('follows default exports, named re-exports, namespaces and CommonJS', () => {
    const watch = (name: string) => `function ${name}(socket) {\n  socket.on('error', () => {});\n}\n`;
    const { found } = run({
      'a.js': `export default ${watch('watchA')}`,
      'b.js': `${watch('watchB')}export { watchB as watch };\n`,
      'c.js': `export ${watch('watchC')}`,
      'd.cjs': `${watch('watchD')}module.exports = { watchD };\n`,
      'reexport.js': `export { watch } from './b.js';\n`,
      'server.js': `
import http from 'node:http';
import watchA from './a.js';
import { watch } from './reexport.js';
import * as c from './c.js';
const { watchD } = require('./d.cjs');
http.createServer((req, res) => {
  watchA(req.socket);
  watch(req.socket);
  c.watchC(req.socket);
  watchD(req.socket);
  res.end();
});
`,
    });
    expect(found.sort()).toEqual(['a.js:2 perRequestListener', 'b.js:2 perRequestListener', 'c.js:2 perRequestListener', 'd.cjs:2 perRequestListener']);
  });

  it('follows two hops and survives circular imports', () => {
    const { found, chains } = run({
      'handler.js': `
import http from 'node:http';
import { relay } from './relay.js';
export const server = http.createServer((req, res) => { relay(req.socket); res.end(); });
`,
      'relay.js': `
import { attach } from './attach.js';
import './handler.js';
export function relay(socket) { attach(socket); }
`,
      'attach.js': `
import { relay } from './relay.js';
export function attach(socket) { socket.on('timeout', () => socket.destroy()); }
export const again = relay;
`,
    });
    expect(found).toEqual(['attach.js:3 perRequestListener']);
    expect(chains[0]).toContain('relay (relay.js:4) -> attach (attach.js:3)');
  });

  it('stays quiet when the other file guards with a registry, or the caller runs once', () => {
    const { found } = run({
      'guarded.js': `
const seen = new WeakSet();
export function watch(socket) {
  if (seen.has(socket)) return;
  seen.add(socket);
  socket.on('close', () => {});
}
`,
      'setup.js': `
import net from 'node:net';
import { watch } from './guarded.js';
import { SocketTracker } from './tracker.js';
const tracker = new SocketTracker();
export function start(socket) { tracker.track(socket); }
net.createServer((socket) => watch(socket));
`,
      'tracker.js': tracker,
    });
    expect(found).toEqual([]);
  });

  it('with relevantOnly, parses only files whose code may repeat and the files their calls lead to, and still follows two hops', () => {
    const files = project({
      'handler.js': "import http from 'node:http';\nimport { relay } from './relay.js';\nexport const server = http.createServer((req, res) => { relay(req.socket); res.end(); });\n",
      'relay.js': "import { attach } from './attach.js';\nexport function relay(socket) { attach(socket); }\n",
      'attach.js': "export function attach(socket) { socket.on('timeout', () => socket.destroy()); }\n",
      'unrelated.js': 'export const broken = ;\n',
    });
    const all = analyzeProject(files, { root });
    const relevant = analyzeProject(files, { root, relevantOnly: true });
    expect(relevant.findings.map((f) => f.path)).toEqual([join(root, 'attach.js')]);
    expect(relevant.findings.map((f) => f.chain)).toEqual(all.findings.map((f) => f.chain));
    expect(all.errors.map((e) => e.path)).toEqual([join(root, 'unrelated.js')]);
    expect(relevant.errors).toEqual([]);
  });

  it('with relevantOnly, finds the same calls into each file as the whole pass, through a barrel and an injected instance', () => {
    const files = project({
      'src/server.js': `
import http from 'node:http';
import { Audit } from './audit/index.js';
import { Client } from './client.js';
const audit = new Audit();
const client = new Client({ tracker: makeTracker() });
http.createServer((req, res) => {
  audit.record(req.socket);
  client.send(req.socket);
  res.end();
}).listen(0);
`,
      'src/audit/index.js': "export * from './audit.js';\n",
      'src/audit/audit.js': "export class Audit { record(socket) { socket.on('error', () => {}); } }\n",
      'src/client.js': 'export class Client {\n  constructor({ tracker }) { this.tracker = tracker; }\n  send(socket) { this.tracker.watch(socket); }\n}\n',
      'src/watcher.js': "export class Watcher { watch(socket) { socket.on('close', () => {}); } }\n",
      'src/broken-but-unused.js': 'export const x = ;\n',
    });
    const shown = (callers: ReadonlyMap<string, readonly { what: string; target: { name: string } }[]>) =>
      [...callers].flatMap(([path, list]) => list.map((caller) => `${path.slice(root.length + 1)} ${caller.target.name} <- ${caller.what}`)).sort();
    const all = analyzeProject(files, { root });
    const relevant = analyzeProject(files, { root, relevantOnly: true });
    expect(shown(relevant.callers)).toEqual(shown(all.callers));
    expect(shown(relevant.callers)).toEqual([
      'src/audit/audit.js record <- the request handler of http.createServer (src/server.js:8)',
      'src/client.js send <- the request handler of http.createServer (src/server.js:9)',
      'src/watcher.js watch <- Client.send (src/client.js:3)',
    ]);
    expect(relevant.findings.map((f) => f.path.slice(root.length + 1)).sort()).toEqual(['src/audit/audit.js', 'src/watcher.js']);
    // The whole pass parses every file; the demand-driven one leaves out the broken file, and parses the barrel only
    // to find the export it re-exports.
    expect(all.errors.map((e) => e.path)).toEqual([join(root, 'src/broken-but-unused.js')]);
    expect(relevant.errors).toEqual([]);
    expect(all.files).toEqual({ parsed: 5, analysed: 5 });
    expect(relevant.files).toEqual({ parsed: 5, analysed: 4 });
  });

  it('names no anonymous function in a chain: the steps around the callback already place it', () => {
    const { chains } = run({
      'src/bus.js': "import { EventEmitter } from 'node:events';\nexport const bus = new EventEmitter();\n",
      'src/server.js': `
import http from 'node:http';
import { bus } from './bus.js';
http.createServer((req, res) => {
  bus.on('flush', () => res.end());
}).listen(0);
`,
    });
    expect(chains).toEqual(["the request handler of http.createServer (src/server.js:4) -> bus.on('flush') (src/server.js:5)"]);
  });

  it('writes a computed event in a chain as the code that names it', () => {
    const { chains, findings } = run({
      'src/server.js': "import http from 'node:http';\nimport { bus } from './bus.js';\nhttp.createServer((req, res) => { bus.on(req.url, () => res.end()); });\n",
      'src/bus.js': "import { EventEmitter } from 'node:events';\nexport const bus = new EventEmitter();\n",
    });
    expect(chains).toEqual(['the request handler of http.createServer (src/server.js:3) -> bus.on(req.url) (src/server.js:3)']);
    expect(findings[0]?.finding.data.event).toBe('`req.url`');
  });

  it('reports a file that does not parse and analyses the others', () => {
    const { errors, found } = run({ 'broken.js': 'export function (', 'tracker.js': tracker });
    expect(errors).toEqual([expect.objectContaining({ path: join(root, 'broken.js'), line: 1 })]);
    expect(found).toEqual([]);
  });

});
