// Real HTTPS keep-alive traffic through a connection tracker: a TLS server on 127.0.0.1, the tracker module's own
// HTTPClient on a one-socket keep-alive agent, and the listener counts, tracker records and warnings that result.
// The demo and the end-to-end tests use it to compare a tracker before and after the registry codemod.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Agent } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** The events the seed's tracker adds a listener for on every response. */
export const TRACKED_EVENTS = ['close', 'error', 'data'] as const;
export type TrackedEvent = (typeof TRACKED_EVENTS)[number];

export interface Certificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate for 127.0.0.1 and localhost, self-signed: the client trusts it as its only CA. */
  cert: string;
}

export interface TrafficOptions {
  /** Sequential JSON-RPC calls per client. */
  requests: number;
  /** Made with makeCertificate() when not given. */
  certificate?: Certificate;
}

export interface MaxListenersWarning {
  /** The emitter's class, e.g. `TLSSocket`. */
  emitter: string;
  event: string;
  /** Listeners on the emitter when Node warned. */
  count: number;
  /** The request (1-based, tracked client) during which the warning arrived. */
  atRequest: number;
}

export interface ClientRun {
  /** Distinct client sockets that carried the requests; 1 means one keep-alive socket served all of them. */
  sockets: number;
  /** Listener count per event name on that socket after the first request, while it idles in the pool. */
  afterFirst: Record<string, number>;
  /** Listener count per event name on that socket after the last request, while it idles in the pool. */
  afterLast: Record<string, number>;
  /** Listener counts of the tracked events after each request, in order. */
  series: Record<TrackedEvent, number[]>;
}

export interface TrackerRecords {
  /** `tracker.connections.size`, or null when the tracker has no such Map. */
  connections: number | null;
  /** `tracker.getStats().open`, or null when the tracker has no such number. */
  open: number | null;
}

export interface TrafficResult {
  requests: number;
  /** TLS connections the server accepted, for both clients together. */
  serverConnections: number;
  /** The same HTTPClient with `connectionTracker: null`: what Node itself keeps on a pooled socket. */
  baseline: ClientRun;
  /** The HTTPClient with a ConnectionTracker. */
  tracked: ClientRun;
  records: {
    /** After the last request, the socket still open and idle in the pool. */
    duringTraffic: TrackerRecords;
    /** After `client.close()` destroyed the agent and every socket's 'close' event fired. */
    afterClose: TrackerRecords;
  };
  /** Every MaxListenersExceededWarning the process emitted while the clients ran (Node warns once per emitter and event). */
  warnings: MaxListenersWarning[];
}

interface TrackerLike {
  connections?: unknown;
  getStats?: unknown;
}

interface ClientLike {
  agent: Agent;
  call(method: string, params?: unknown[]): Promise<unknown>;
  close(): void;
}

type Constructor<T> = new (options?: Record<string, unknown>) => T;

const NEEDS_CHECKOUT =
  'the traffic comparison needs the repository checkout: it makes its TLS certificate with the `selfsigned` ' +
  'devDependency. Run `npm ci` in the listener-leak repository and try again there.';

/** The comparison cannot run here (an installed package has no devDependencies): not a failure of the code under test. */
export class TrafficUnavailableError extends Error {
  override name = 'TrafficUnavailableError';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A self-signed certificate for 127.0.0.1 and localhost, made now (EC P-256, valid for a day). */
export async function makeCertificate(): Promise<Certificate> {
  let selfsigned: typeof import('selfsigned');
  try {
    selfsigned = await import('selfsigned');
  } catch (error) {
    throw new TrafficUnavailableError(`${NEEDS_CHECKOUT} (${errorMessage(error)})`, { cause: error });
  }
  const now = new Date();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 24 * 60 * 60_000),
    extensions: [
      // The client trusts this certificate as its CA, so it signs itself as one.
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function isConstructor(value: unknown): value is Constructor<unknown> {
  return typeof value === 'function';
}

async function loadTrackerModule(
  moduleUrl: string,
): Promise<{ ConnectionTracker: Constructor<TrackerLike>; HTTPClient: Constructor<ClientLike> }> {
  const loaded = (await import(moduleUrl)) as Record<string, unknown>;
  const { ConnectionTracker, HTTPClient } = loaded;
  if (!isConstructor(ConnectionTracker) || !isConstructor(HTTPClient)) {
    throw new Error(`${moduleUrl} must export the classes ConnectionTracker and HTTPClient`);
  }
  return {
    ConnectionTracker: ConnectionTracker as Constructor<TrackerLike>,
    HTTPClient: HTTPClient as Constructor<ClientLike>,
  };
}

function listenerCounts(socket: Socket): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(TRACKED_EVENTS.map((event) => [event, 0]));
  for (const name of socket.eventNames()) {
    if (typeof name === 'string') counts[name] = socket.listenerCount(name);
  }
  return counts;
}

function trackerRecords(tracker: TrackerLike): TrackerRecords {
  const { connections } = tracker;
  let open: number | null = null;
  if (typeof tracker.getStats === 'function') {
    const stats: unknown = (tracker.getStats as () => unknown).call(tracker);
    if (typeof stats === 'object' && stats !== null && 'open' in stats && typeof stats.open === 'number') {
      open = stats.open;
    }
  }
  return { connections: connections instanceof Map ? connections.size : null, open };
}

function poolSockets(agent: Agent): Socket[] {
  return [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flatMap((list) => list ?? []);
}

/** Answers every POST with a JSON-RPC result echoing the call's id; keeps connections alive. */
function startServer(certificate: Certificate): Promise<{ server: https.Server; endpoint: string; connections: () => number }> {
  let connections = 0;
  const server = https.createServer({ key: certificate.key, cert: certificate.cert, keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let id: unknown = null;
      try {
        ({ id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown });
      } catch {
        // Not JSON: answer with a null id, as JSON-RPC does.
      }
      const body = JSON.stringify({ jsonrpc: '2.0', id: id ?? null, result: { slot: 1 } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on('secureConnection', () => connections++);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({ server, endpoint: `https://127.0.0.1:${port}/rpc`, connections: () => connections });
    });
  });
}

async function stopServer(server: https.Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  server.closeAllConnections();
  await closed;
}

/** Lets queued process.emitWarning and 'close' callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Destroys the client's agent and waits until each of its sockets has emitted 'close'. */
async function closeClient(client: ClientLike, sockets: Iterable<Socket>): Promise<void> {
  const closing = [...sockets].filter((socket) => !socket.closed).map((socket) => once(socket, 'close'));
  client.close();
  await Promise.all(closing);
  await settle();
}

async function runClient(
  client: ClientLike,
  requests: number,
  onRequest: (request: number) => void,
): Promise<{ run: ClientRun; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const series: Record<TrackedEvent, number[]> = { close: [], error: [], data: [] };
  let afterFirst: Record<string, number> = {};
  let afterLast: Record<string, number> = {};
  for (let request = 1; request <= requests; request++) {
    onRequest(request);
    await client.call('getSlot');
    for (const socket of poolSockets(client.agent)) sockets.add(socket);
    const [socket] = sockets;
    if (socket === undefined) throw new Error('the HTTPClient answered without a socket in its agent');
    afterLast = listenerCounts(socket);
    if (request === 1) afterFirst = afterLast;
    for (const event of TRACKED_EVENTS) series[event].push(afterLast[event] ?? 0);
  }
  return { run: { sockets: sockets.size, afterFirst, afterLast, series }, sockets };
}

/**
 * Drives the ConnectionTracker and HTTPClient exported by `moduleUrl` with `requests` sequential HTTPS JSON-RPC
 * calls over one keep-alive socket (real TLS, 127.0.0.1, an ephemeral port), first without a tracker (the
 * baseline), then with one. Process-wide state (MaxListenersExceededWarning) is observed too: run it in a
 * process of its own (driveTrafficIsolated) when comparing two modules.
 */
export async function driveTraffic(moduleUrl: string, options: TrafficOptions): Promise<TrafficResult> {
  const { requests } = options;
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`requests must be a positive integer, got ${String(requests)}`);
  const { ConnectionTracker, HTTPClient } = await loadTrackerModule(moduleUrl);
  const certificate = options.certificate ?? (await makeCertificate());
  const { server, endpoint, connections } = await startServer(certificate);

  const warnings: MaxListenersWarning[] = [];
  let currentRequest = 0;
  const onWarning = (warning: Error): void => {
    if (warning.name !== 'MaxListenersExceededWarning') return;
    const details = warning as Error & { emitter?: unknown; type?: unknown; count?: unknown };
    const emitter = details.emitter;
    warnings.push({
      emitter: typeof emitter === 'object' && emitter !== null ? emitter.constructor.name : String(emitter),
      event: String(details.type),
      count: typeof details.count === 'number' ? details.count : Number.NaN,
      atRequest: currentRequest,
    });
  };
  process.on('warning', onWarning);

  // One socket, trusted through the generated certificate alone: every request after the first reuses it.
  const agentOptions = { ca: certificate.cert, maxSockets: 1, rejectUnauthorized: true };
  try {
    const untracked = new HTTPClient({ endpoint, connectionTracker: null, agentOptions });
    let baseline: ClientRun;
    try {
      ({ run: baseline } = await runClient(untracked, requests, () => undefined));
    } finally {
      await closeClient(untracked, poolSockets(untracked.agent));
    }

    const tracker = new ConnectionTracker({ logger: { warn: () => undefined } });
    const client = new HTTPClient({ endpoint, connectionTracker: tracker, agentOptions });
    let tracked: ClientRun;
    let sockets: Set<Socket>;
    let duringTraffic: TrackerRecords;
    try {
      ({ run: tracked, sockets } = await runClient(client, requests, (request) => (currentRequest = request)));
      duringTraffic = trackerRecords(tracker);
      await settle();
    } finally {
      await closeClient(client, poolSockets(client.agent));
    }
    const afterClose = trackerRecords(tracker);
    for (const socket of sockets) {
      if (!socket.closed) throw new Error('a client socket is still open after client.close()');
    }

    return {
      requests,
      serverConnections: connections(),
      baseline,
      tracked,
      records: { duringTraffic, afterClose },
      warnings,
    };
  } finally {
    process.off('warning', onWarning);
    await stopServer(server);
  }
}

// The child imports this very module, runs one traffic drive and prints its result as one JSON line.
const CHILD_SOURCE = `
import { driveTraffic } from ${JSON.stringify(import.meta.url)};
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { moduleUrl, options } = JSON.parse(input);
try {
  process.stdout.write(JSON.stringify({ result: await driveTraffic(moduleUrl, options) }) + '\\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }) + '\\n');
  process.exitCode = 1;
}
`;

const CHILD_TIMEOUT_MS = 60_000;

export interface IsolationOptions {
  /** More arguments for the child's `node`, before its script: `['--import', registerUrl]` preloads the register hook. */
  nodeArgs?: readonly string[];
}

export interface IsolatedTrafficResult extends TrafficResult {
  /** What the child wrote to stderr: empty unless something preloaded (a hook) writes there. Its warnings are in `warnings`. */
  stderr: string;
}

/**
 * driveTraffic in a fresh Node process, so warnings (emitted once per emitter and event, process-wide) and
 * module state from one run cannot leak into another. The child must exit on its own: a server, socket or timer
 * left open makes this reject after a minute.
 */
export function driveTrafficIsolated(moduleUrl: string, options: TrafficOptions, isolation: IsolationOptions = {}): Promise<IsolatedTrafficResult> {
  return new Promise((resolve, reject) => {
    // --no-warnings: the child still sees its warnings through process.on('warning'), it just doesn't print them.
    const args = ['--no-warnings', ...(isolation.nodeArgs ?? []), '--input-type=module', '--eval', CHILD_SOURCE];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the traffic run for ${moduleUrl} did not exit within ${CHILD_TIMEOUT_MS / 1000} s`));
    }, CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let reply: { result?: TrafficResult; error?: string } | undefined;
      try {
        reply = JSON.parse(stdout) as { result?: TrafficResult; error?: string };
      } catch {
        reply = undefined;
      }
      if (code === 0 && reply?.result !== undefined) resolve({ ...reply.result, stderr });
      else if (reply?.error !== undefined) reject(new Error(reply.error));
      else {
        const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        reject(new Error(`the traffic run for ${moduleUrl} failed (${how}):\n${stderr || stdout}`));
      }
    });
    child.stdin.end(JSON.stringify({ moduleUrl, options }));
  });
}
