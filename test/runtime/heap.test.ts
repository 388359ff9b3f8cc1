// Heap over 20,000 keep-alive requests through an instrumented agent stays flat: records live in a WeakMap and
// leave with their sockets, and nothing is kept per request. A child process, for --expose-gc, running dist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const runtimeUrl = new URL('../../dist/src/runtime/index.js', import.meta.url);

const SCRIPT = `
import http from 'node:http';
import { SocketRegistry } from ${JSON.stringify(runtimeUrl.href)};
const CONCURRENCY = 10;
const server = http.createServer({ keepAlive: true }, (req, res) => res.end('ok'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const registry = new SocketRegistry();
registry.instrument(agent);
const get = () =>
  new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
let started = 0;
const heap = {};
// CONCURRENCY requests in flight until \`mark\` have started, then the heap after two full collections.
for (const mark of [5000, 20000]) {
  const step = async () => {
    while (started < mark) {
      started++;
      await get();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, step));
  heap[mark] = heapUsed();
}
const during = registry.stats();
const closing = [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flat().map((s) => new Promise((r) => s.once('close', r)));
agent.destroy();
await Promise.all(closing);
server.close();
console.log(JSON.stringify({ heap, during, after: registry.stats() }));
`;

it('stays flat over 20,000 requests through an instrumented agent (--expose-gc)', () => {
  const file = fileURLToPath(runtimeUrl);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does).`);
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '--eval', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
  expect(child.stderr).toBe('');
  const { heap, during, after } = JSON.parse(child.stdout) as {
    heap: Record<'5000' | '20000', number>;
    during: { open: number; created: number; requests: number };
    after: { open: number; created: number; closed: number; requests: number; errors: number };
  };
  expect(during).toMatchObject({ open: 10, created: 10, requests: 20000 });
  expect(after).toEqual({ open: 0, created: 10, closed: 10, requests: 20000, errors: 0 });
  // 15,000 requests between the two readings; one leaked listener or record each would be well over a megabyte.
  expect(heap['20000'] - heap['5000']).toBeLessThan(512 * 1024);
});
