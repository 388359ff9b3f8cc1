// Debug output through util.debuglog('listener-leak'): what NODE_DEBUG=listener-leak prints for each thing the runtime
// does to a socket or an agent, and that it prints nothing otherwise. A child process (NODE_DEBUG is read once per
// process), running dist with the register hook preloaded.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const runtimeUrl = new URL('../../dist/src/runtime/index.js', import.meta.url);
const registerUrl = new URL('../../dist/src/runtime/register.js', import.meta.url);

// One socket through each path: instrumented, restored, tracked, untracked, tracked again and closed; a connection
// refused; a socket an HTTP upgrade takes out of the pool alive.
const SCRIPT = `
import http from 'node:http';
import net from 'node:net';
import { SocketRegistry } from ${JSON.stringify(runtimeUrl.href)};
const server = http.createServer({ keepAlive: true }, (req, res) => res.end('ok'));
server.on('upgrade', (req, socket) => socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: test\\r\\nConnection: Upgrade\\r\\n\\r\\n'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const get = (agent, headers = {}) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, agent, headers }, (res) => {
      const socket = res.socket;
      res.resume();
      res.on('end', () => resolve(socket));
    });
    req.on('upgrade', (res, socket) => resolve(socket));
    req.on('error', reject);
  });
const closed = (socket) => new Promise((resolve) => socket.once('close', resolve));

const registry = new SocketRegistry();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const undo = registry.instrument(agent);
const socket = await get(agent);
undo();
registry.track(socket);
registry.untrack(socket);
registry.track(socket);
await get(agent);
const closing = closed(socket);
agent.destroy();
await closing;

// A port nobody listens on any more: take one, then close it.
const gone = net.createServer();
await new Promise((resolve) => gone.listen(0, '127.0.0.1', resolve));
const free = gone.address().port;
await new Promise((resolve) => gone.close(resolve));
const refused = net.connect(free, '127.0.0.1');
refused.on('error', () => {});
registry.track(refused);
await closed(refused);

const upgrading = new http.Agent({ keepAlive: true });
registry.instrument(upgrading);
const upgraded = await get(upgrading, { connection: 'Upgrade', upgrade: 'test' });
upgraded.destroy();
registry.close();
server.close();
server.closeAllConnections();
`;

function run(nodeDebug: string | undefined): { status: number | null; stderr: string; lines: string[] } {
  for (const url of [runtimeUrl, registerUrl]) {
    const file = fileURLToPath(url);
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does).`);
  }
  const env: Record<string, string | undefined> = { ...process.env, NODE_DEBUG: nodeDebug };
  if (nodeDebug === undefined) delete env.NODE_DEBUG;
  delete env.NODE_OPTIONS;
  const child = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(fileURLToPath(registerUrl)).href, '--input-type=module', '--eval', SCRIPT],
    { encoding: 'utf8', env, timeout: 30_000 },
  );
  const lines = child.stderr
    .split('\n')
    .filter((line) => line.startsWith('LISTENER-LEAK '))
    .map((line) => line.replace(/^LISTENER-LEAK \d+: /, ''));
  return { status: child.status, stderr: child.stderr, lines };
}

it('NODE_DEBUG=listener-leak logs each socket tracked, closed, errored, untracked or released, and each agent', () => {
  const { status, stderr, lines } = run('listener-leak');
  expect(status).toBe(0);
  // Every line of stderr is the runtime's: `LISTENER-LEAK <pid>: ...`, as util.debuglog prints.
  expect(stderr.trimEnd().split('\n')).toHaveLength(lines.length);
  expect(lines).toEqual([
    'instrumenting an agent with 0 pooled sockets',
    'tracking socket 1 (instrumented agent)',
    'register: watching a Socket',
    'stopped instrumenting an agent',
    'tracking socket 2 (track())',
    'untracked socket 2 after 1 requests',
    'tracking socket 3 (track())',
    'socket 3 closed after 1 requests, 0 errors',
    'tracking socket 4 (track())',
    expect.stringMatching(/^socket 4 error: connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
    'socket 4 closed after 1 requests, 1 errors',
    'instrumenting an agent with 0 pooled sockets',
    'tracking socket 5 (instrumented agent)',
    'register: watching a Socket',
    'socket 5 left its agent alive after 1 requests: untracked',
    'stopped instrumenting an agent',
  ]);
});

it('is on for a wildcard that matches, and silent without NODE_DEBUG or for other sections', () => {
  expect(run('listener-*').lines).toHaveLength(16);
  expect(run(undefined)).toEqual({ status: 0, stderr: '', lines: [] });
  const others = run('http,net');
  expect(others.status).toBe(0);
  expect(others.stderr).not.toBe(''); // Node's own sections do print
  expect(others.lines).toEqual([]);
});
