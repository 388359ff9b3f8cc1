// SocketRegistry.track() as the seed's HTTPClient would call it (in every response callback), on real HTTP and
// HTTPS keep-alive sockets: listener counts against an untracked socket, exact stats, errors observed but never
// handled, untrack() and close() restoring the socket exactly.
import { spawnSync } from 'node:child_process';
import { errorMonitor, type EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net, { type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ListenerLeakCallbackWarning, SocketRegistry, type SocketRecord, type SocketRegistryOptions } from '../../src/runtime/index.js';
import {
  closeEvent,
  collectWarnings,
  destroyAgent,
  get,
  httpsAgent,
  listenerCounts,
  settle,
  startHttpServer,
  startHttpsServer,
  type TestServer,
} from './traffic.js';

const REQUESTS = 20;

let httpServer: TestServer;
let httpsServer: TestServer;

beforeAll(async () => {
  [httpServer, httpsServer] = await Promise.all([startHttpServer(), startHttpsServer()]);
});

afterAll(async () => {
  await Promise.all([httpServer.close(), httpsServer.close()]);
});

// Every registry a test makes is closed after it: instrument() subscribes to a process-wide diagnostics channel.
const registries: SocketRegistry[] = [];

function newRegistry(options?: SocketRegistryOptions): SocketRegistry {
  const made = new SocketRegistry(options);
  registries.push(made);
  return made;
}

afterEach(() => {
  for (const made of registries.splice(0)) made.close();
});

const protocols = [
  { name: 'HTTP', server: () => httpServer, agent: () => Promise.resolve(new http.Agent({ keepAlive: true, maxSockets: 1 })) },
  { name: 'HTTPS', server: () => httpsServer, agent: () => httpsAgent({ maxSockets: 1 }) },
];

function monitors(socket: Socket): number {
  return (socket as EventEmitter).listenerCount(errorMonitor);
}

describe.each(protocols)('track() on a $name keep-alive socket', ({ server, agent: makeAgent }) => {
  it(`keeps the untracked counts plus one 'close', one 'agentRemove' and one errorMonitor over ${REQUESTS} requests`, async () => {
    const untrackedAgent = await makeAgent();
    let untracked: Socket | undefined;
    for (let request = 0; request < REQUESTS; request++) ({ socket: untracked } = await get(untrackedAgent, server().port));
    const baseline = listenerCounts(untracked!);

    const opened: SocketRecord[] = [];
    const closed: SocketRecord[] = [];
    const registry = newRegistry({ onOpen: (record) => opened.push(record), onClose: (record) => closed.push(record) });
    const agent = await makeAgent();
    const collected = collectWarnings();
    let tracked: Socket | undefined;
    let record: SocketRecord | undefined;
    try {
      for (let request = 1; request <= REQUESTS; request++) {
        ({ socket: tracked } = await get(agent, server().port, `/${request}`, {}, (res) => {
          record = registry.track(res.socket, { path: `/${request}` });
        }));
      }
      await settle();
    } finally {
      collected.stop();
    }

    expect(listenerCounts(tracked!)).toEqual({ ...baseline, close: baseline.close! + 1, agentRemove: baseline.agentRemove! + 1 });
    expect([monitors(untracked!), monitors(tracked!)]).toEqual([0, 1]);
    expect(collected.warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(registry.get(tracked!)).toBe(record);
    expect(record).toMatchObject({ id: 1, requests: REQUESTS, errors: 0, closed: false, metadata: { path: `/${REQUESTS}` } });
    expect(record!.lastActivity).toBeGreaterThanOrEqual(record!.createdAt);
    expect(registry.stats()).toEqual({ open: 1, created: 1, closed: 0, requests: REQUESTS, errors: 0 });
    expect(opened).toEqual([record]);

    await Promise.all([destroyAgent(untrackedAgent), destroyAgent(agent)]);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: REQUESTS, errors: 0 });
    expect(registry.get(tracked!)).toBeUndefined();
    expect(closed).toEqual([record]);
    expect(record!.closed).toBe(true);
    // Closing removed the registry's listeners too; the agent's own 'agentRemove' listener stays on the dead socket.
    expect([monitors(tracked!), tracked!.listenerCount('agentRemove')]).toEqual([0, 1]);
  });

  it('untrack() removes exactly its own listeners; the socket then carries the next request as before', async () => {
    const registry = newRegistry();
    const agent = await makeAgent();
    const { socket } = await get(agent, server().port);
    const before = listenerCounts(socket);
    const record = registry.track(socket);
    expect(registry.untrack(socket)).toBe(true);
    expect(listenerCounts(socket)).toEqual(before);
    expect(monitors(socket)).toBe(0);
    expect(registry.get(socket)).toBeUndefined();
    expect(registry.untrack(socket)).toBe(false);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 0, requests: 1, errors: 0 });

    const next = await get(agent, server().port);
    expect(next).toMatchObject({ status: 200, body: 'ok' });
    expect(next.socket).toBe(socket);
    expect(listenerCounts(socket)).toEqual(before);
    // Tracking it again starts a new record.
    expect(registry.track(socket).id).toBe(record.id + 1);
    registry.close();
    await destroyAgent(agent);
  });
});

describe('track()', () => {
  it('counts a request per call, keeps metadata when called without, and numbers sockets in order', async () => {
    const registry = newRegistry();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const [a, b] = await Promise.all([get(agent, httpServer.port), get(agent, httpServer.port)]);
    expect(a.socket).not.toBe(b.socket);
    const first = registry.track(a.socket, 'first');
    const second = registry.track(b.socket);
    expect(registry.track(a.socket)).toBe(first);
    expect(first).toMatchObject({ id: 1, requests: 2, metadata: 'first' });
    expect(second).toMatchObject({ id: 2, requests: 1, metadata: undefined });
    expect(registry.stats()).toEqual({ open: 2, created: 2, closed: 0, requests: 3, errors: 0 });
    registry.close();
    expect(registry.stats()).toMatchObject({ open: 0, closed: 0 });
    expect(listenerCounts(a.socket).agentRemove).toBe(1);
    await destroyAgent(agent);
  });

  it('gives a socket that already closed a closed record and no listeners', async () => {
    const registry = newRegistry();
    const agent = new http.Agent({ keepAlive: true });
    const { socket } = await get(agent, httpServer.port);
    await destroyAgent(agent);
    const before = listenerCounts(socket);
    expect(registry.track(socket)).toMatchObject({ closed: true, requests: 1 });
    expect(listenerCounts(socket)).toEqual(before);
    expect(registry.get(socket)).toBeUndefined();
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: 1, errors: 0 });
  });

  it('rejects what is not a socket with a TypeError that says what it needs', () => {
    const registry = newRegistry();
    expect(() => registry.track(null as unknown as Socket)).toThrow('SocketRegistry.track(socket) needs a net.Socket or tls.TLSSocket, got null.');
    expect(() => registry.track({} as Socket)).toThrow(TypeError);
  });
});

describe('socket errors', () => {
  it('are counted and reported once, and still reach the request exactly as on an untracked socket', async () => {
    // The server answers the headers and part of the body, then resets the connection (a TCP RST: the client's
    // socket emits ECONNRESET). Reset in the write callback instead, and the client sees a plain end.
    const resetting = await startHttpServer((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.resetAndDestroy(), 10);
    });
    const outcome = async (registry: SocketRegistry | undefined): Promise<{ error: string; closed: boolean }> => {
      const agent = new http.Agent({ keepAlive: true });
      let socket: Socket | undefined;
      let closing: Promise<unknown> | undefined;
      const error = await get(agent, resetting.port, '/', {}, (res) => {
        socket = res.socket;
        // socket.closed turns true a tick before 'close' is emitted: wait for the event itself.
        closing = closeEvent(socket);
        registry?.track(socket);
      }).then(
        () => 'no error',
        (failure: unknown) => (failure as NodeJS.ErrnoException).code ?? (failure as Error).message,
      );
      await closing;
      agent.destroy();
      return { error, closed: socket!.closed };
    };

    const untracked = await outcome(undefined);
    const errors: [SocketRecord, Error][] = [];
    const registry = newRegistry({ onError: (record, error) => errors.push([record, error]) });
    const tracked = await outcome(registry);
    await resetting.close();

    expect(tracked).toEqual(untracked);
    expect(untracked).toEqual({ error: 'ECONNRESET', closed: true });
    expect(errors).toEqual([[expect.objectContaining({ id: 1, errors: 1, closed: true }), expect.objectContaining({ code: 'ECONNRESET' })]]);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: 1, errors: 1 });
  });

  it('still throw when nothing handles them: the registry observes with events.errorMonitor, never a plain listener', async () => {
    const registry = newRegistry();
    const agent = new http.Agent({ keepAlive: true });
    const { socket } = await get(agent, httpServer.port);
    registry.track(socket);
    expect(socket.listenerCount('error')).toBe(1); // the agent's own once listener on an idle socket
    socket.removeAllListeners('error');
    expect(() => socket.emit('error', new Error('unhandled'))).toThrow('unhandled');
    expect(registry.get(socket)?.errors).toBe(1);
    registry.close();
    await destroyAgent(agent);
  });

  it('crash the process as before when a tracked socket has no error handler (a child process, from dist)', () => {
    const runtime = fileURLToPath(new URL('../../dist/src/runtime/index.js', import.meta.url));
    if (!existsSync(runtime)) throw new Error(`${runtime} is missing: run \`npm run build\` first (npm test does).`);
    // The child connects to a port nobody listens on any more: it takes one, then closes it.
    const script = (track: boolean): string => `
      import net from 'node:net';
      import { SocketRegistry } from ${JSON.stringify(new URL('../../dist/src/runtime/index.js', import.meta.url).href)};
      const registry = new SocketRegistry({ onError: (record, error) => console.log('observed', error.code) });
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => {
          const socket = net.connect(port, '127.0.0.1');
          ${track ? 'registry.track(socket);' : ''}
        });
      });`;
    const run = (track: boolean) => spawnSync(process.execPath, ['--input-type=module', '--eval', script(track)], { encoding: 'utf8' });
    const [untracked, tracked] = [run(false), run(true)];
    expect(untracked.status).toBe(1);
    expect(untracked.stderr).toContain('ECONNREFUSED');
    expect(tracked.status).toBe(untracked.status);
    expect(tracked.stderr).toContain('ECONNREFUSED');
    expect(tracked.stdout).toBe('observed ECONNREFUSED\n');
  });
});

describe('callbacks', () => {
  it('that throw become a ListenerLeakCallbackWarning; the socket closes for Node and the registry alike', async () => {
    const registry = newRegistry({
      onOpen: () => {
        throw new Error('onOpen broke');
      },
      onClose: () => {
        throw new Error('onClose broke');
      },
    });
    const agent = new http.Agent({ keepAlive: true });
    const collected = collectWarnings();
    try {
      const { socket } = await get(agent, httpServer.port, '/', {}, (res) => {
        expect(() => registry.track(res.socket)).not.toThrow();
      });
      expect(registry.get(socket)?.requests).toBe(1);
      await destroyAgent(agent);
      await settle();
    } finally {
      collected.stop();
    }
    expect(collected.warnings).toEqual([expect.any(ListenerLeakCallbackWarning), expect.any(ListenerLeakCallbackWarning)]);
    expect(collected.warnings.map((warning) => (warning.cause as Error).message)).toEqual(['onOpen broke', 'onClose broke']);
    expect(collected.warnings[1]?.message).toContain('the onClose callback threw (onClose broke)');
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: 1, errors: 0 });
  });

  it('run with the options object as `this`', () => {
    const seen: unknown[] = [];
    const options = {
      onOpen(this: unknown) {
        seen.push(this);
      },
    };
    const registry = newRegistry(options);
    const socket = new net.Socket();
    registry.track(socket);
    expect(seen).toEqual([options]);
    registry.close();
    socket.destroy();
  });
});
