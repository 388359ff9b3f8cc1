// mayRepeatText decides which files the type-checked rule's project pass analyses: a file it says no to is parsed
// only if a repeating call lands in it. A no for a file with code that repeats by itself would lose the calls out
// of it, so every seed of buildRepeatingContexts must leave its mark in the text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/analysis/index.js';
import { parsedFile } from '../../src/analysis/parse.js';
import { mayRepeatText } from '../../src/analysis/repeating-contexts.js';

/** Does any code of this file repeat by itself: a function with a reason, or a call in a loop without bound? */
function repeatsByItself(path: string, text: string, perRequestFunctions: string[] = []): boolean {
  const { index, contexts } = analyzeFile(parsedFile(path, text), { perRequestFunctions }, true);
  return index!.functions.some((fn) => contexts!.reasonOf(fn) !== null) || index!.calls.some((call) => contexts!.frameOf(call) !== null);
}

/** One file per seed, each written so that only that seed makes it repeat. */
const SEEDS: Record<string, string> = {
  'server factory': "import { createServer as make } from 'node:http';\nmake((req, res) => res.end());\n",
  'new http.Server': "const http = require('http');\nnew http.Server(function (req, res) { res.end(); });\n",
  'server factory method': "const http = require('node:http');\nhttp.createServer((req, res) => res.end());\n",
  'client callback': "import { get } from 'node:https';\nexport function ping(url) { get(url, (res) => res.resume()); }\n",
  'a request sent': 'export async function load(api, id) { return api.request({ id }); }\n',
  fetch: 'export async function load(url) { const res = await fetch(url); return res.json(); }\n',
  'request library': "import got from 'got';\nexport function load(url) { return got(url); }\n",
  'request library method': "import axios from 'axios';\nexport function load(url) { return axios.post(url, {}); }\n",
  setInterval: 'setInterval(() => { poll(); }, 1000);\nfunction poll() {}\n',
  'timers.setInterval': "const timers = require('timers');\ntimers.setInterval(() => { poll(); }, 1000);\nfunction poll() {}\n",
  'setInterval imported under another name': "import { setInterval as every } from 'node:timers';\nevery(() => { poll(); }, 1000);\nfunction poll() {}\n",
  'a timer that reschedules': 'function tick() { setTimeout(tick, 100); }\ntick();\n',
  'route on a router': "router.route('/books').get(function (req, res) { res.end(); });\n",
  'route by handler parameter': "books.post('/x', (ctx) => { ctx.body = 1; });\n",
  'route on a routed path': "api.routes.books.get('/x', function (a, b) { b.end(); });\n",
  'route object': "server.route({ method: 'GET', path: '/', handler(request, h) { return 'ok'; } });\n",
  hook: "fastify.addHook('onRequest', async (request) => { request.t = Date.now(); });\n",
  'Nest decorator': "class Books {\n  @Get(':id')\n  one(id: string) { return id; }\n}\n",
  'Nest middleware': 'class Log implements NestMiddleware {\n  use(req: unknown, res: unknown, next: () => void) { next(); }\n}\n',
  'request listener': "export function serve(server) { server.on('request', (req, res) => res.end()); }\n",
  'recurring event': "export function read(stream) { stream.on('data', (chunk) => handle(chunk)); }\nfunction handle(chunk) {}\n",
  'reconnect cycle': "class C {\n  open() { this.ws = connectTo(); this.ws.on('close', () => this.open()); }\n}\n",
  lifecycle: 'class Client {\n  connect() { this.s = dial(); }\n  disconnect() { this.s.end(); }\n}\n',
  'lifecycle with quoted names': "class Client {\n  ['connect']() { this.s = dial(); }\n  'disconnect'() { this.s.end(); }\n}\n",
  'lifecycle with a computed field': 'class Client {\n  ["start"] = () => { this.t = open(); };\n  stop() { this.t.close(); }\n}\n',
  'while loop': 'while (running) { step(); }\n',
  'for await': 'for await (const chunk of source) { handle(chunk); }\n',
  'for (;;)': 'for (let i = 0; ; i++) { step(i); }\n',
};

describe('mayRepeatText', () => {
  for (const [seed, text] of Object.entries(SEEDS)) {
    it(`sees the ${seed} seed`, () => {
      const path = /@Get|implements/.test(text) ? '/p/seed.ts' : '/p/seed.js';
      expect(repeatsByItself(path, text)).toBe(true);
      expect(mayRepeatText(text, [])).toBe(true);
    });
  }

  it('sees a function configured as per request, by name', () => {
    const text = 'export function handleJob(job) { job.done(); }\n';
    expect(repeatsByItself('/p/job.js', text, ['handleJob'])).toBe(true);
    expect(mayRepeatText(text, ['handleJob'])).toBe(true);
    expect(mayRepeatText(text, [])).toBe(false);
  });

  it('says no for code that runs once or only when called', () => {
    for (const text of [
      "import { EventEmitter } from 'node:events';\nexport const bus = new EventEmitter();\nbus.on('ready', () => {});\n",
      "export function track(socket) { socket.on('drain', () => {}); }\n",
      'export class Pool {\n  get(key) { return this.map.get(key); }\n  release(conn) { conn.end(); }\n}\n',
      'for (const x of list) { use(x); }\nfor (let i = 0; i < n; i++) { use(i); }\n',
    ]) {
      expect(repeatsByItself('/p/once.js', text), text).toBe(false);
      expect(mayRepeatText(text, []), text).toBe(false);
    }
  });

  it('sees no repeat in a test body, a method of a test function too', () => {
    // fetch() alone would make each body a function that sends a request.
    for (const text of [
      "describe('pool', () => { it('reuses', async () => { await fetch(url); }); });\n",
      "describe.skip('pool', () => { it.concurrent('reuses', async () => { await fetch(url); }); });\n",
    ]) {
      expect(repeatsByItself('/p/pool.test.js', text), text).toBe(false);
    }
    expect(repeatsByItself('/p/pool.js', 'export async function reuse() { await fetch(url); }\n')).toBe(true);
  });

  it('is true for every file of the test fixtures and the example whose code repeats by itself', () => {
    const roots = ['test/rules/fixtures', 'test/codemods/fixtures', 'examples/rpc-service/src'];
    const files = roots.flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((name) => /\.[cm]?[jt]sx?$/.test(name))
        .map((name) => join(process.cwd(), dir, name)),
    );
    expect(files.length).toBeGreaterThan(50);
    let repeating = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      if (!repeatsByItself(path, text)) continue;
      repeating += 1;
      expect(mayRepeatText(text, []), path).toBe(true);
    }
    expect(repeating).toBeGreaterThan(30);
  });
});
