// The faults of issue 4 on real HTTP and HTTPS keep-alive sockets: the server resetting a socket mid-response, a TLS
// handshake failure, a request timing out, the client aborting mid-response. Each runs untracked, then with a
// SocketRegistry in each of the ways a service uses one. What the caller sees (the events on the request and the
// response, in order, with their error codes) must be the same every time: the tracker never throws into the caller
// and never changes whether or where an error surfaces. The register hook gets the same check in a child process.
import { spawnSync } from 'node:child_process';
import { errorMonitor, type EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListenerLeakCallbackWarning, SocketRegistry, type SocketRegistryStats } from '../../src/runtime/index.js';
import { closeEvent, collectWarnings, listenerCounts, settle, testCertificate } from './traffic.js';

type Protocol = 'HTTP' | 'HTTPS';

interface FaultServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/ok` answers; `/reset` sends the headers and part of the body, then resets the connection (a TCP RST; for TLS, on
 * the TCP socket under it); `/partial` sends part of the body and never ends it; `/hang` never answers.
 */
async function startFaultServer(protocol: Protocol): Promise<FaultServer> {
  const tcpByClientPort = new Map<number, Socket>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.url === '/ok') {
      res.end('ok');
      return;
    }
    if (req.url === '/hang') return;
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    if (req.url === '/reset') {
      setTimeout(() => tcpByClientPort.get(req.socket.remotePort!)?.resetAndDestroy(), 10);
    }
  };
  const { key, cert } = await testCertificate();
  const server = protocol === 'HTTPS' ? https.createServer({ key, cert, keepAlive: true }, handler) : http.createServer({ keepAlive: true }, handler);
  // The TCP connection itself: a TLSSocket cannot resetAndDestroy(), the socket under it can.
  server.on('connection', (socket: Socket) => tcpByClientPort.set(socket.remotePort!, socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

interface Fault {
  name: string;
  protocols: Protocol[];
  path: string;
  /** False: the agent does not trust the server's certificate, so the TLS handshake fails. */
  trusted: boolean;
  /** The request's timeout (ms); on 'timeout' the caller destroys it with an error, as services do. */
  timeout?: number;
  /** The caller destroys the request at the first chunk of the body. */
  abortOnData?: boolean;
  /** Three good requests go first over the same keep-alive socket, so the fault hits a socket with a history. */
  reusesSocket: boolean;
  /** A response arrives before the fault. */
  responds: boolean;
  /** Errors the socket itself emits. */
  socketErrors: number;
  /** Proof, in the untracked run's events, that the fault happened as intended. */
  shows: RegExp;
}

const FAULTS: Fault[] = [
  {
    name: 'the server resetting the socket mid-response',
    protocols: ['HTTP', 'HTTPS'],
    path: '/reset',
    trusted: true,
    reusesSocket: true,
    responds: true,
    socketErrors: 1,
    shows: /error ECONNRESET/,
  },
  {
    name: 'a TLS handshake failure',
    protocols: ['HTTPS'],
    path: '/ok',
    trusted: false,
    reusesSocket: false,
    responds: false,
    socketErrors: 1,
    shows: /^req:error (SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/,
  },
  {
    name: 'a socket timeout',
    protocols: ['HTTP', 'HTTPS'],
    path: '/hang',
    trusted: true,
    timeout: 50,
    reusesSocket: true,
    responds: false,
    // req.destroy(error) destroys the socket with that error.
    socketErrors: 1,
    shows: /^req:timeout$/,
  },
  {
    name: 'the client aborting mid-response',
    protocols: ['HTTP', 'HTTPS'],
    path: '/partial',
    trusted: true,
    abortOnData: true,
    reusesSocket: true,
    responds: true,
    socketErrors: 0,
    shows: /^res:aborted$/,
  },
];

const MODES = ['track() on the request\'s socket', 'track() in the response callback', 'instrument()', 'instrument(), every callback throwing'] as const;
type Mode = (typeof MODES)[number];

interface Observation {
  /** What the caller saw, in order. */
  events: string[];
  /** The socket's listener counts in the response callback (after track() there); undefined without a response. */
  atResponse: Record<string, number> | undefined;
  socket: Socket;
}

interface Hooks {
  onSocket?(socket: Socket): void;
  onResponse?(res: http.IncomingMessage): void;
}

/** Resolves on `emitter`'s 'close' (events.once would reject on an 'error' before it). */
function closing(emitter: EventEmitter): Promise<void> {
  return new Promise((resolve) => emitter.once('close', () => { resolve(); }));
}

function errorText(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

/** One GET; resolves once the request, its response and (when `closes`) its socket have all closed. */
async function observe(agent: http.Agent, protocol: Protocol, port: number, fault: Pick<Fault, 'path' | 'timeout' | 'abortOnData'>, closes: boolean, hooks: Hooks): Promise<Observation> {
  const events: string[] = [];
  let atResponse: Record<string, number> | undefined;
  let socket: Socket | undefined;
  let socketClosing: Promise<void> | undefined;
  let responseClosing: Promise<void> | undefined;
  const request = protocol === 'HTTPS' ? https.request : http.request;
  const timeout = fault.timeout === undefined ? {} : { timeout: fault.timeout };
  const req = request({ host: '127.0.0.1', port, path: fault.path, agent, ...timeout }, (res) => {
    events.push(`response ${String(res.statusCode)}`);
    hooks.onResponse?.(res);
    atResponse = listenerCounts(res.socket);
    responseClosing = closing(res);
    res.on('data', () => {
      if (fault.abortOnData === true) req.destroy();
    });
    res.on('aborted', () => events.push('res:aborted'));
    res.on('error', (error) => events.push(`res:error ${errorText(error)}`));
    res.on('end', () => events.push('res:end'));
    res.on('close', () => events.push('res:close'));
  });
  req.on('socket', (assigned: Socket) => {
    socket = assigned;
    if (closes) socketClosing = closeEvent(assigned);
    hooks.onSocket?.(assigned);
  });
  req.on('timeout', () => {
    events.push('req:timeout');
    req.destroy(new Error('request timed out'));
  });
  req.on('error', (error) => events.push(`req:error ${errorText(error)}`));
  req.on('close', () => events.push('req:close'));
  const requestClosing = closing(req);
  req.end();
  await requestClosing;
  await responseClosing;
  await socketClosing;
  await settle();
  return { events, atResponse, socket: socket! };
}

interface Run {
  warm: Observation[];
  fault: Observation;
  /** Listener counts on the socket once it has closed. */
  afterClose: Record<string, number>;
  /** Exceptions that track() threw into the code calling it. */
  thrown: unknown[];
  warnings: Error[];
  stats: SocketRegistryStats | undefined;
}

/** The fault's requests over a fresh keep-alive agent (maxSockets 1), untracked or with a registry in `mode`. */
async function run(fault: Fault, protocol: Protocol, port: number, mode: Mode | undefined): Promise<Run> {
  const { cert } = await testCertificate();
  const options = { keepAlive: true, maxSockets: 1 };
  const agent = protocol === 'HTTPS' ? new https.Agent({ ...options, ...(fault.trusted ? { ca: cert } : {}) }) : new http.Agent(options);
  const thrown: unknown[] = [];
  const fail = (): never => {
    throw new Error(`a callback of mode ${String(mode)} threw`);
  };
  const registry =
    mode === undefined ? undefined : new SocketRegistry(mode.includes('throwing') ? { onOpen: fail, onClose: fail, onError: fail } : {});
  const track = (socket: Socket): void => {
    try {
      registry?.track(socket, { path: fault.path });
    } catch (error) {
      thrown.push(error);
    }
  };
  const hooks: Hooks = {};
  if (mode === "track() on the request's socket") hooks.onSocket = track;
  if (mode === 'track() in the response callback') hooks.onResponse = (res) => { track(res.socket); };
  if (mode?.startsWith('instrument()') === true) registry?.instrument(agent);

  const collected = collectWarnings();
  try {
    const warm: Observation[] = [];
    for (let request = 0; fault.reusesSocket && request < 3; request++) {
      warm.push(await observe(agent, protocol, port, { path: '/ok' }, false, hooks));
    }
    const observed = await observe(agent, protocol, port, fault, true, hooks);
    await settle();
    const stats = registry?.stats();
    registry?.close();
    agent.destroy();
    return { warm, fault: observed, afterClose: listenerCounts(observed.socket), thrown, warnings: collected.warnings, stats };
  } finally {
    collected.stop();
  }
}

function monitors(socket: Socket): number {
  return (socket as EventEmitter).listenerCount(errorMonitor);
}

/** What the registry must count for the fault in `mode`. */
function expectedStats(fault: Fault, mode: Mode): SocketRegistryStats {
  const warm = fault.reusesSocket ? 3 : 0;
  const requests = mode === 'track() in the response callback' ? warm + (fault.responds ? 1 : 0) : warm + 1;
  const created = requests > 0 ? 1 : 0;
  return { open: 0, created, closed: created, requests, errors: created * fault.socketErrors };
}

const CASES = FAULTS.flatMap((fault) => fault.protocols.map((protocol) => ({ fault, protocol, name: `${fault.name} (${protocol})` })));

describe.each(CASES)('$name', ({ fault, protocol }) => {
  let server: FaultServer;
  let untracked: Run;

  beforeAll(async () => {
    server = await startFaultServer(protocol);
    untracked = await run(fault, protocol, server.port, undefined);
  });

  afterAll(async () => {
    await server.close();
  });

  it('happens as intended without a tracker', () => {
    expect(untracked.fault.events.some((event) => fault.shows.test(event)), untracked.fault.events.join(', ')).toBe(true);
    expect(untracked.fault.socket.closed).toBe(true);
    expect(untracked.warm.map(({ events }) => events[0])).toEqual(fault.reusesSocket ? ['response 200', 'response 200', 'response 200'] : []);
    // The fault hits the keep-alive socket that carried the good requests.
    for (const { socket } of untracked.warm) expect(socket).toBe(untracked.fault.socket);
    expect(untracked.warnings).toEqual([]);
  });

  it.each(MODES)('with %s: the caller sees the same events, the registry counts exactly, listeners go back to Node\'s', async (mode) => {
    const tracked = await run(fault, protocol, server.port, mode);
    expect(tracked.thrown).toEqual([]);
    expect(tracked.fault.events).toEqual(untracked.fault.events);
    expect(tracked.warm.map(({ events }) => events)).toEqual(untracked.warm.map(({ events }) => events));
    for (const { socket } of tracked.warm) expect(socket).toBe(tracked.fault.socket);
    expect(tracked.stats).toEqual(expectedStats(fault, mode));

    // In the response callback: Node's own listeners plus the registry's one 'close' and one 'agentRemove'.
    const registryListeners = (counts: Record<string, number> | undefined) =>
      counts === undefined ? undefined : { ...counts, close: counts.close! + 1, agentRemove: counts.agentRemove! + 1 };
    expect(tracked.fault.atResponse).toEqual(registryListeners(untracked.fault.atResponse));
    expect(tracked.warm.map(({ atResponse }) => atResponse)).toEqual(untracked.warm.map(({ atResponse }) => registryListeners(atResponse)));
    // Once the socket has closed, none of the registry's listeners are left on it.
    expect(tracked.afterClose).toEqual(untracked.afterClose);
    expect(monitors(tracked.fault.socket)).toBe(0);

    if (mode.includes('throwing')) {
      // Caught and turned into warnings: onOpen, onError for each socket error, onClose. Nothing else.
      const { created, errors } = expectedStats(fault, mode);
      expect(tracked.warnings).toHaveLength(created * 2 + errors);
      for (const warning of tracked.warnings) expect(warning).toBeInstanceOf(ListenerLeakCallbackWarning);
    } else {
      expect(tracked.warnings).toEqual([]);
    }
  });
});

describe('listener-leak/register under the same faults (a child process, from dist)', () => {
  const register = fileURLToPath(new URL('../../dist/src/runtime/register.js', import.meta.url));

  // The faults above, written out for a plain Node child: the events the caller sees, as JSON.
  const SCRIPT = `
import http from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
const { key, cert } = JSON.parse(process.env.TEST_CERTIFICATE);
const tcp = new Map();
const handler = (req, res) => {
  if (req.url === '/ok') return res.end('ok');
  if (req.url === '/hang') return;
  res.writeHead(200, { 'content-length': '100' });
  res.write('partial');
  if (req.url === '/reset') setTimeout(() => tcp.get(req.socket.remotePort)?.resetAndDestroy(), 10);
};
const servers = { http: http.createServer({ keepAlive: true }, handler), https: https.createServer({ key, cert, keepAlive: true }, handler) };
const ports = {};
for (const [name, server] of Object.entries(servers)) {
  server.on('connection', (socket) => tcp.set(socket.remotePort, socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  ports[name] = server.address().port;
}
const get = (protocol, agent, path, { timeout, abort } = {}) =>
  new Promise((resolve) => {
    const events = [];
    const text = (error) => error.code ?? error.message;
    const req = (protocol === 'https' ? https : http).request({ host: '127.0.0.1', port: ports[protocol], path, agent, ...(timeout ? { timeout } : {}) }, (res) => {
      events.push('response ' + res.statusCode);
      res.on('data', () => abort && req.destroy());
      res.on('aborted', () => events.push('res:aborted'));
      res.on('error', (error) => events.push('res:error ' + text(error)));
      res.on('end', () => events.push('res:end'));
      res.on('close', () => events.push('res:close'));
    });
    req.on('timeout', () => { events.push('req:timeout'); req.destroy(new Error('request timed out')); });
    req.on('error', (error) => events.push('req:error ' + text(error)));
    req.on('close', () => { events.push('req:close'); setTimeout(() => resolve(events), 30); });
    req.end();
  });
const results = {};
for (const protocol of ['http', 'https']) {
  const faults = { reset: ['/reset'], timeout: ['/hang', { timeout: 50 }], abort: ['/partial', { abort: true }] };
  for (const [name, [path, options]] of Object.entries(faults)) {
    const agent = new (protocol === 'https' ? https : http).Agent({ keepAlive: true, maxSockets: 1, ca: cert });
    const events = [];
    for (let request = 0; request < 12; request++) events.push(...(await get(protocol, agent, '/ok')));
    events.push(...(await get(protocol, agent, path, options)));
    results[protocol + ' ' + name] = events;
    agent.destroy();
  }
}
results['https handshake'] = await get('https', new https.Agent({ keepAlive: true }), '/ok');
for (const server of Object.values(servers)) { server.close(); server.closeAllConnections(); }
console.log(JSON.stringify(results));
`;

  it('changes nothing the caller sees and reports nothing: faults alone are not a leak', async () => {
    if (!existsSync(register)) throw new Error(`${register} is missing: run \`npm run build\` first (npm test does).`);
    const env: Record<string, string | undefined> = { ...process.env, TEST_CERTIFICATE: JSON.stringify(await testCertificate()) };
    delete env.NODE_OPTIONS;
    delete env.LISTENER_LEAK_THRESHOLD;
    const child = (hook: boolean) =>
      spawnSync(process.execPath, [...(hook ? ['--import', pathToFileURL(register).href] : []), '--input-type=module', '--eval', SCRIPT], {
        encoding: 'utf8',
        env,
        timeout: 30_000,
      });
    const [without, withHook] = [child(false), child(true)];
    expect(without.stderr).toBe('');
    expect(without.status).toBe(0);
    const results = JSON.parse(without.stdout) as Record<string, string[]>;
    expect(Object.keys(results)).toEqual(['http reset', 'http timeout', 'http abort', 'https reset', 'https timeout', 'https abort', 'https handshake']);
    expect(results['https reset']).toContain('req:error ECONNRESET');
    expect(results['http timeout']).toContain('req:timeout');
    expect(results['http abort']).toContain('res:aborted');
    expect(withHook).toMatchObject({ status: 0, stderr: '', stdout: without.stdout });
  });
});
