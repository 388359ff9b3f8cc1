// SocketRegistry.instrument(agent) on real agents: every socket and request counted without a listener per request,
// queued requests included (where req.reusedSocket says false), faults settling the records, undo restoring the agent.
import type { EventEmitter } from 'node:events';
import { errorMonitor } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SocketRegistry, type SocketRegistryOptions } from '../../src/runtime/index.js';
import {
  closeEvent,
  collectWarnings,
  destroyAgent,
  get,
  httpsAgent,
  listenerCounts,
  pooledSockets,
  settle,
  startHttpServer,
  startHttpsServer,
  testCertificate,
  type TestServer,
} from './traffic.js';

let httpServer: TestServer;
let httpsServer: TestServer;
/** Requests per connection as the HTTPS server saw them, keyed by the client's port. */
const servedPerClientPort = new Map<number, number>();

beforeAll(async () => {
  httpServer = await startHttpServer();
  httpsServer = await startHttpsServer((req, res) => {
    const port = req.socket.remotePort!;
    servedPerClientPort.set(port, (servedPerClientPort.get(port) ?? 0) + 1);
    res.end('ok');
  });
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

function monitors(socket: Socket): number {
  return (socket as EventEmitter).listenerCount(errorMonitor);
}

/** The status, or the error code (message when there is none) the request ended with. */
function outcome(promise: Promise<{ status: number }>): Promise<string> {
  return promise.then(
    ({ status }) => String(status),
    (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message,
  );
}

describe('instrument() under keep-alive HTTPS traffic', () => {
  it('counts queued requests on their one socket (maxSockets 1) and adds no listener per request', async () => {
    const CONCURRENT = 30;
    const drive = async (registry: SocketRegistry | undefined) => {
      const agent = await httpsAgent({ maxSockets: 1 });
      registry?.instrument(agent);
      const duringResponse: Record<string, number>[] = [];
      const reused: boolean[] = [];
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          get(agent, httpsServer.port, '/', {}, (res) => {
            duringResponse.push(listenerCounts(res.socket));
            // IncomingMessage.req is documented but missing from @types/node 20.
            reused.push((res as http.IncomingMessage & { req: http.ClientRequest }).req.reusedSocket);
          }),
        ),
      );
      return { agent, sockets: new Set(responses.map(({ socket }) => socket)), duringResponse, reused };
    };

    const plain = await drive(undefined);
    const registry = newRegistry();
    const collected = collectWarnings();
    const instrumented = await drive(registry).finally(() => { collected.stop(); });
    await settle();

    expect(instrumented.sockets.size).toBe(1);
    const [socket] = instrumented.sockets;
    expect(instrumented.reused.filter(Boolean)).toEqual([]); // req.reusedSocket: no reuse at all
    expect(registry.get(socket!)).toMatchObject({ id: 1, requests: CONCURRENT, errors: 0, closed: false });
    expect(registry.stats()).toEqual({ open: 1, created: 1, closed: 0, requests: CONCURRENT, errors: 0 });
    // In every response callback, the same counts as without the registry plus its one 'close' and 'agentRemove'.
    expect(instrumented.duringResponse).toEqual(
      plain.duringResponse.map((counts) => ({ ...counts, close: counts.close! + 1, agentRemove: counts.agentRemove! + 1 })),
    );
    expect(monitors(socket!)).toBe(1);
    expect(collected.warnings).toEqual([]);

    await Promise.all([destroyAgent(plain.agent), destroyAgent(instrumented.agent)]);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: CONCURRENT, errors: 0 });
    expect(registry.get(socket!)).toBeUndefined();
  });

  it("counts per socket exactly what the server served on each connection (maxSockets 3)", async () => {
    const registry = newRegistry();
    const agent = await httpsAgent({ maxSockets: 3 });
    registry.instrument(agent);
    servedPerClientPort.clear();
    const responses = await Promise.all(Array.from({ length: 24 }, () => get(agent, httpsServer.port)));
    const sockets = [...new Set(responses.map(({ socket }) => socket))];
    expect(sockets).toHaveLength(3);
    const counted = new Map(sockets.map((socket) => [socket.localPort!, registry.get(socket)!.requests]));
    expect(counted).toEqual(servedPerClientPort);
    expect(registry.stats()).toEqual({ open: 3, created: 3, closed: 0, requests: 24, errors: 0 });
    expect(registry.get(sockets[0]!)?.id).toBe(1);
    await destroyAgent(agent);
    expect(registry.stats()).toEqual({ open: 0, created: 3, closed: 3, requests: 24, errors: 0 });
  });

  it('picks up the sockets already in the pool', async () => {
    const agent = await httpsAgent();
    const { socket } = await get(agent, httpsServer.port);
    const registry = newRegistry();
    registry.instrument(agent);
    expect(registry.get(socket)).toMatchObject({ requests: 0 });
    await get(agent, httpsServer.port);
    expect(registry.get(socket)).toMatchObject({ requests: 1 });
    registry.close();
    await destroyAgent(agent);
  });
});

describe('undo', () => {
  it("restores the agent: its own createConnection back, the registry's listeners off its sockets, requests no longer counted", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { socket } = await get(agent, httpServer.port);
    const baseline = listenerCounts(socket);
    const registry = newRegistry();
    const undo = registry.instrument(agent);
    expect(registry.instrument(agent)).toBe(undo);
    expect(Object.hasOwn(agent, 'createConnection')).toBe(true);
    await get(agent, httpServer.port);
    expect(listenerCounts(socket)).toEqual({ ...baseline, close: baseline.close! + 1, agentRemove: baseline.agentRemove! + 1 });

    undo();
    undo();
    expect(Object.hasOwn(agent, 'createConnection')).toBe(false);
    expect(Reflect.get(agent, 'createConnection')).toBe(Reflect.get(http.Agent.prototype, 'createConnection'));
    expect(listenerCounts(socket)).toEqual(baseline);
    expect(monitors(socket)).toBe(0);
    expect(registry.get(socket)).toBeUndefined();
    const next = await get(agent, httpServer.port);
    expect(next.socket).toBe(socket);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 0, requests: 1, errors: 0 });
    await destroyAgent(agent);
  });

  it('puts back a createConnection the agent had of its own, and close() undoes every agent', async () => {
    const own: unknown = Reflect.get(https.Agent.prototype, 'createConnection');
    const custom = new https.Agent({ keepAlive: true, ca: (await testCertificate()).cert });
    Reflect.set(custom, 'createConnection', own);
    const plain = new http.Agent({ keepAlive: true });
    const registry = newRegistry();
    registry.instrument(custom);
    registry.instrument(plain);
    const [a, b] = await Promise.all([get(custom, httpsServer.port), get(plain, httpServer.port)]);
    expect(registry.stats()).toMatchObject({ open: 2, requests: 2 });
    registry.close();
    expect(Object.hasOwn(custom, 'createConnection')).toBe(true);
    expect(Reflect.get(custom, 'createConnection')).toBe(own);
    expect(Object.hasOwn(plain, 'createConnection')).toBe(false);
    expect([monitors(a.socket), monitors(b.socket)]).toEqual([0, 0]);
    expect(registry.stats()).toMatchObject({ open: 0, closed: 0 });
    await get(plain, httpServer.port);
    expect(registry.stats().requests).toBe(2);
    await Promise.all([destroyAgent(custom), destroyAgent(plain)]);
  });
});

describe('faults', () => {
  it('a TLS handshake failure: the same request error, the socket counted with its error and closed', async () => {
    const untrusting = (): https.Agent => new https.Agent({ keepAlive: true }); // no ca: the certificate is not trusted
    const plain = await outcome(get(untrusting(), httpsServer.port));
    const errors: string[] = [];
    let socketClosed: (() => void) | undefined;
    const closed = new Promise<void>((resolve) => (socketClosed = resolve));
    const registry = newRegistry({
      onError: (_record, error) => errors.push((error as NodeJS.ErrnoException).code ?? ''),
      onClose: () => socketClosed?.(),
    });
    const agent = untrusting();
    registry.instrument(agent);
    const instrumented = await outcome(get(agent, httpsServer.port));
    await closed;
    expect(instrumented).toBe(plain);
    expect(plain).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(errors).toEqual([plain]);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: 1, errors: 1 });
  });

  it('the server resetting mid-response: ECONNRESET reaches the request, the record closes with one error', async () => {
    const resetting = await startHttpServer((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.resetAndDestroy(), 10);
    });
    const plain = await outcome(get(new http.Agent({ keepAlive: true }), resetting.port));
    const registry = newRegistry();
    const agent = new http.Agent({ keepAlive: true });
    registry.instrument(agent);
    let closing: Promise<void> | undefined;
    const instrumented = await outcome(get(agent, resetting.port, '/', {}, (res) => {
      closing = closeEvent(res.socket);
    }));
    await closing;
    await resetting.close();
    expect([plain, instrumented]).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: 1, errors: 1 });
  });

  it('socket timeouts: a request that times out and an idle pooled socket that does, both closed', async () => {
    const hanging = await startHttpServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      res.end('ok');
    });
    const registry = newRegistry();
    // The agent's timeout applies to every socket it creates, idle in the pool or not.
    const agent = new http.Agent({ keepAlive: true, timeout: 50 });
    registry.instrument(agent);
    const timedOut = await outcome(
      new Promise<{ status: number }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: hanging.port, path: '/hang', agent }, () => { resolve({ status: 0 }); });
        req.on('timeout', () => req.destroy(new Error('request timed out')));
        req.on('error', reject);
      }),
    );
    const { socket: idle } = await get(agent, hanging.port);
    await closeEvent(idle); // the pool's own timeout destroys it
    await settle();
    await hanging.close();
    expect(timedOut).toBe('request timed out');
    // req.destroy(error) destroys the socket with that error: the one error counted.
    expect(registry.stats()).toEqual({ open: 0, created: 2, closed: 2, requests: 2, errors: 1 });
  });

  it('the client aborting mid-response: the record closes, no error counted', async () => {
    const slow = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const registry = newRegistry();
    const agent = new http.Agent({ keepAlive: true });
    registry.instrument(agent);
    const aborted = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: slow.port, agent }, (res) => {
        res.once('data', () => req.destroy());
        res.on('error', (error: NodeJS.ErrnoException) => { resolve(error.code ?? error.message); });
        res.on('close', () => { resolve('closed'); });
      });
      req.on('error', (error: NodeJS.ErrnoException) => { resolve(error.code ?? error.message); });
    });
    await settle();
    await slow.close();
    expect(['ECONNRESET', 'closed']).toContain(aborted);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 1, requests: 1, errors: 0 });
  });

  it("an HTTP upgrade takes the socket out of the pool alive ('agentRemove'): released, not closed", async () => {
    const upgrading = http.createServer();
    upgrading.on('upgrade', (_req, socket: Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    });
    upgrading.listen(0, '127.0.0.1');
    await new Promise((resolve) => upgrading.once('listening', resolve));
    const port = (upgrading.address() as AddressInfo).port;
    const registry = newRegistry();
    const agent = new http.Agent({ keepAlive: true });
    registry.instrument(agent);
    const upgraded = await new Promise<Socket>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, agent, headers: { connection: 'Upgrade', upgrade: 'test' } });
      req.on('upgrade', (_res, socket: Socket) => { resolve(socket); });
      req.on('error', reject);
      req.end();
    });
    expect(upgraded.destroyed).toBe(false);
    expect(registry.get(upgraded)).toBeUndefined();
    expect(monitors(upgraded)).toBe(0);
    expect(upgraded.listenerCount('agentRemove')).toBe(0);
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 0, requests: 1, errors: 0 });
    const closing = closeEvent(upgraded);
    upgraded.destroy();
    await closing;
    expect(registry.stats()).toEqual({ open: 0, created: 1, closed: 0, requests: 1, errors: 0 });
    upgrading.close();
    upgrading.closeAllConnections();
    agent.destroy();
  });
});

describe('agent.destroy()', () => {
  it('brings everything back to zero: no open sockets, no records, every created socket closed', async () => {
    const registry = newRegistry();
    const agent = await httpsAgent({ maxSockets: 4 });
    registry.instrument(agent);
    const responses = await Promise.all(Array.from({ length: 12 }, () => get(agent, httpsServer.port)));
    const sockets = [...new Set(responses.map(({ socket }) => socket))];
    expect(pooledSockets(agent)).toHaveLength(sockets.length);
    await destroyAgent(agent);
    expect(registry.stats()).toEqual({ open: 0, created: sockets.length, closed: sockets.length, requests: 12, errors: 0 });
    expect(sockets.map((socket) => registry.get(socket))).toEqual(sockets.map(() => undefined));
    expect(sockets.map(monitors)).toEqual(sockets.map(() => 0));
  });
});
