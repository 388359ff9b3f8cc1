// The Node facts no-socket-remove-all-listeners states in its messages, checked on the Node running the tests:
// every listener NODE_EMITTERS says Node keeps on a kind of emitter is there on a real one, and what breaks when
// removeAllListeners takes some of them away (DESIGN.md fact 3 is checked in test/runtime/node-facts.test.ts).
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_EMITTERS, type NodeEmitterKind } from '../../src/analysis/node-emitters.js';

type Emitter = NodeJS.EventEmitter;
/** Events with at least one listener right now. */
const listened = (emitter: Emitter): string[] => emitter.eventNames().filter((e): e is string => typeof e === 'string');
const observed = new Map<NodeEmitterKind, Set<string>>();
const observe = (kind: NodeEmitterKind, emitter: Emitter): void => {
  const seen = observed.get(kind) ?? new Set<string>();
  for (const event of listened(emitter)) seen.add(event);
  observed.set(kind, seen);
};
const portOf = (server: net.Server): number => (server.address() as AddressInfo).port;
const listen = async <T extends net.Server>(server: T): Promise<T> => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
};
const closeServer = async (server: net.Server | http2.Http2Server): Promise<void> => {
  // http and https servers can drop their keep-alive connections; net, TLS and HTTP/2 servers have no such method.
  (server as Partial<http.Server>).closeAllConnections?.call(server);
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
};
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let pems: { private: string; cert: string };
let httpServer: http.Server;
let httpsServer: https.Server;

beforeAll(async () => {
  pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256' });
  httpServer = await listen(
    http.createServer((req, res) => {
      observe('http-socket', req.socket);
      observe('server-response', res);
      observe('http-response', res);
      res.end('ok');
    }),
  );
  httpsServer = await listen(https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('ok')));
});

afterAll(async () => {
  await Promise.all([closeServer(httpServer), closeServer(httpsServer)]);
});

/** One GET; resolves with the socket once the response has ended and Node has handed the socket on. */
async function get(agent: http.Agent, port = portOf(httpServer), onResponse?: (res: http.IncomingMessage) => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, agent }, (res) => {
      observe('client-response', res);
      observe('http-response', res);
      observe('client-request', req);
      observe('http-socket', res.socket);
      onResponse?.(res);
      res.resume();
      res.on('end', () => {
        void tick().then(() => { resolve(req.socket!); });
      });
    });
    req.on('error', reject);
  });
}

describe('the listeners Node keeps, by kind', () => {
  it('keep-alive HTTP and HTTPS sockets, busy and idle, client and server side', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const idle = await get(agent);
    observe('http-socket', idle);
    agent.destroy();

    const secureAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const secureIdle = await new Promise<net.Socket>((resolve) => {
      const req = https.get({ host: '127.0.0.1', port: portOf(httpsServer), agent: secureAgent }, (res) => {
        res.resume();
        res.on('end', () => void tick().then(() => { resolve(req.socket!); }));
      });
    });
    observe('http-socket', secureIdle);
    secureAgent.destroy();

    const tlsServer = await listen(tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => {
      observe('tls-accepted-socket', socket);
      observe('http-socket', socket);
      socket.end();
    }));
    const client = tls.connect({ host: '127.0.0.1', port: portOf(tlsServer), rejectUnauthorized: false });
    observe('tls-socket', client);
    client.resume();
    await once(client, 'close');
    await closeServer(tlsServer);

    const netServer = await listen(net.createServer((socket) => socket.end()));
    const raw = net.connect(portOf(netServer), '127.0.0.1');
    observe('net-socket', raw);
    raw.resume();
    await once(raw, 'close');
    await closeServer(netServer);

    for (const kind of ['http-socket', 'socket', 'client-request', 'client-response', 'server-response', 'http-response', 'tls-socket', 'tls-accepted-socket', 'net-socket'] as const) {
      const seen = kind === 'socket' ? observed.get('http-socket') : observed.get(kind);
      expect([kind, NODE_EMITTERS[kind].listeners.filter((event) => !seen?.has(event))]).toEqual([kind, []]);
    }
  });

  it("a socket after 'upgrade', plain and TLS, on both ends: only the socket's own listeners are left", async () => {
    const upgrade = async (secure: boolean): Promise<void> => {
      const server = await listen(
        (secure ? https.createServer({ key: pems.private, cert: pems.cert }) : http.createServer()).on('upgrade', (_req, socket: net.Socket) => {
          observe('upgraded-socket', socket);
          socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
        }),
      );
      const options = { host: '127.0.0.1', port: portOf(server), headers: { Connection: 'Upgrade', Upgrade: 'echo' }, rejectUnauthorized: false };
      const req = (secure ? https : http).request(options);
      const [, socket] = (await once(req.end(), 'upgrade')) as [http.IncomingMessage, net.Socket];
      observe('upgraded-socket', socket);
      socket.destroy();
      await closeServer(server);
    };
    await upgrade(false);
    await upgrade(true);
    const seen = observed.get('upgraded-socket');
    expect(NODE_EMITTERS['upgraded-socket'].listeners.filter((event) => !seen?.has(event))).toEqual([]);
    // Node's HTTP code took its own off: none of a busy HTTP socket's parser listeners is left.
    expect([...(seen ?? [])].filter((event) => ['data', 'drain', 'timeout', 'free', 'agentRemove'].includes(event))).toEqual([]);
  });

  it('an agent, a server and an HTTP/2 session and stream', async () => {
    observe('agent', new http.Agent({ keepAlive: true }));
    const server = await listen(http.createServer());
    observe('server', server);
    await closeServer(server);
    const h2 = await listen(
      http2.createServer().on('stream', (stream) => {
        stream.respond();
        stream.end('ok');
      }),
    );
    observe('server', h2);
    const session = http2.connect(`http://127.0.0.1:${portOf(h2)}`);
    observe('http2-session', session);
    const stream = session.request({ ':path': '/' });
    observe('http2-stream', stream);
    stream.resume();
    await once(stream, 'end');
    session.close();
    await closeServer(h2);
    for (const kind of ['agent', 'server', 'http2-session', 'http2-stream'] as const) {
      const seen = observed.get(kind);
      expect([kind, NODE_EMITTERS[kind].listeners.filter((event) => !seen?.has(event))]).toEqual([kind, []]);
    }
  });

  it('the process (in a fresh Node, without the test runner)', () => {
    // An ES module entry point adds an 'exit' listener too (for unsettled top-level await); a CommonJS one does not.
    const child = spawnSync(process.execPath, ['-e', 'console.log(JSON.stringify(process.eventNames().filter((e) => typeof e === "string")))'], {
      encoding: 'utf8',
    });
    const seen = new Set(JSON.parse(child.stdout) as string[]);
    expect(NODE_EMITTERS.process.listeners.filter((event) => !seen.has(event))).toEqual([]);
  });
});

describe('what breaks without them', () => {
  it("an agent without its 'free' listener never pools a socket again", async () => {
    const control = new http.Agent({ keepAlive: true });
    await get(control);
    expect(Object.values(control.freeSockets).flat()).toHaveLength(1);
    control.destroy();

    const stripped = new http.Agent({ keepAlive: true });
    stripped.removeAllListeners('free');
    await get(stripped);
    expect(Object.values(stripped.freeSockets).flat()).toHaveLength(0);
    stripped.destroy();
  });

  it("a client response without its 'end' listener never gives the socket back to the agent", async () => {
    const control = new http.Agent({ keepAlive: true });
    await get(control);
    expect(Object.values(control.freeSockets).flat()).toHaveLength(1);
    control.destroy();

    const agent = new http.Agent({ keepAlive: true });
    const socket = await get(agent, undefined, (res) => res.removeAllListeners('end'));
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(0);
    expect(socket.destroyed).toBe(false);
    agent.destroy();
  });

  it("a server response without its 'finish' listener: the next request on the keep-alive socket is never read", async () => {
    const server = await listen(
      http.createServer((_req, res) => {
        res.removeAllListeners('finish');
        res.end('ok');
      }),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await get(agent, portOf(server));
    const second = get(agent, portOf(server)).then(
      () => 'answered',
      () => 'failed',
    );
    const outcome = await Promise.race([second, new Promise<string>((resolve) => setTimeout(() => { resolve('no answer'); }, 500))]);
    expect(outcome).toBe('no answer');
    agent.destroy();
    await closeServer(server);
    await second;
  });

  it("an HTTP/2 session without its 'newListener' listener: a 'remoteSettings' listener added later never hears", async () => {
    const heard = async (strip: boolean): Promise<number> => {
      const server = await listen(
        http2.createServer().on('session', (session) => {
          setTimeout(() => {
            session.settings({ initialWindowSize: 100_000 });
          }, 100);
        }),
      );
      const session = http2.connect(`http://127.0.0.1:${portOf(server)}`);
      let count = 0;
      session.once('remoteSettings', () => {
        if (strip) session.removeAllListeners();
        session.on('remoteSettings', () => count++);
        session.on('error', () => undefined);
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      session.destroy();
      await closeServer(server);
      return count;
    };
    expect(await heard(false)).toBe(1);
    expect(await heard(true)).toBe(0);
  });

  it("a server whose 'connection' listeners are gone never answers", async () => {
    const server = await listen(http.createServer((_req, res) => res.end('ok')));
    server.removeAllListeners('connection');
    // Without Node's listener the server does not track its connections either: keep them to close them after.
    const accepted: net.Socket[] = [];
    server.on('connection', (socket: net.Socket) => {
      accepted.push(socket);
    });
    const agent = new http.Agent({ keepAlive: false });
    const outcome = await Promise.race([
      get(agent, portOf(server)).then(() => 'answered'),
      new Promise<string>((resolve) => setTimeout(() => { resolve('no answer'); }, 500)),
    ]);
    expect(outcome).toBe('no answer');
    expect(accepted).toHaveLength(1);
    for (const socket of accepted) socket.destroy();
    agent.destroy();
    await closeServer(server);
  });
});
