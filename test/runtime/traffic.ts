// Real keep-alive traffic for the runtime tests: HTTP and HTTPS servers on 127.0.0.1 (ephemeral ports), requests
// through real agents, and the listener counts of the sockets that carried them. Nothing here is a mock.
import type { EventEmitter } from 'node:events';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { makeCertificate, type Certificate } from '../../src/cli/traffic.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  port: number;
  /** TCP (or TLS) connections the server accepted. */
  connections(): number;
  close(): Promise<void>;
}

/** Answers `ok` at once. */
export const answerOk: Handler = (_req, res) => {
  res.end('ok');
};

let certificate: Promise<Certificate> | undefined;

/** One self-signed certificate for 127.0.0.1 per test file, made at test time. */
export function testCertificate(): Promise<Certificate> {
  certificate ??= makeCertificate();
  return certificate;
}

async function listen(server: http.Server, connectionEvent: string): Promise<TestServer> {
  let connections = 0;
  server.on(connectionEvent, () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

export function startHttpServer(handler: Handler = answerOk): Promise<TestServer> {
  return listen(http.createServer({ keepAlive: true }, handler), 'connection');
}

export async function startHttpsServer(handler: Handler = answerOk): Promise<TestServer> {
  const { key, cert } = await testCertificate();
  return listen(https.createServer({ key, cert, keepAlive: true }, handler), 'secureConnection');
}

export interface Response {
  status: number;
  body: string;
  socket: Socket;
}

/**
 * GET `path` through `agent` (http or https by the agent's protocol), resolving when the body has ended.
 * `onResponse` runs in the response callback, where the seed's HTTPClient called its tracker.
 */
export function get(
  agent: http.Agent,
  port: number,
  path = '/',
  options: http.RequestOptions = {},
  onResponse?: (res: http.IncomingMessage) => void,
): Promise<Response> {
  const request = (agent as { protocol?: string }).protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, ...options }, (res) => {
      // Read now: once the body has ended, the socket goes back to the pool and res.socket is null.
      const socket = res.socket;
      onResponse?.(res);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function httpsAgent(options: https.AgentOptions = {}): Promise<https.Agent> {
  const { cert } = await testCertificate();
  return new https.Agent({ keepAlive: true, ca: cert, ...options });
}

/** Listener count per string event name; events without listeners are absent. */
export function listenerCounts(emitter: EventEmitter): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of emitter.eventNames()) {
    if (typeof name === 'string') counts[name] = emitter.listenerCount(name);
  }
  return counts;
}

export function pooledSockets(agent: http.Agent): Socket[] {
  return [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flatMap((list) => (list ?? []));
}

/** Resolves on the socket's 'close' event (events.once would reject on an 'error' before it). */
export function closeEvent(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => { resolve(); }));
}

/** Destroys the agent and waits for each of its sockets to emit 'close'. */
export async function destroyAgent(agent: http.Agent): Promise<void> {
  const closing = pooledSockets(agent)
    .filter((socket) => !socket.closed)
    .map(closeEvent);
  agent.destroy();
  await Promise.all(closing);
}

/** Lets pending nextTick and setImmediate callbacks (warnings, 'close' events) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Collects the MaxListenersExceededWarnings (and any other warnings) the process emits until stop(). */
export function collectWarnings(): { warnings: Error[]; stop(): void } {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on('warning', onWarning);
  return { warnings, stop: () => process.off('warning', onWarning) };
}
