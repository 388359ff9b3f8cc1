// no-per-request-listener: what the receiver is and how long it lives. Every long-lived receiver of DESIGN.md
// (keep-alive sockets however reached, agents, process and its streams, servers, module-level and imported emitters,
// fields of long-lived objects, pooled connections, configured names) with a per-request registration on it, and the
// per-request objects (req, res, a ClientRequest, a fresh WebSocket or stream, an upgrade socket) where it is fine.
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    // Objects made for this request, or in this run: their listeners die with them.
    {
      name: 'listeners on req and res themselves',
      code: dedent`
        app.post('/upload', (req, res) => {
          const hash = crypto.createHash('sha256');
          req.on('data', (chunk) => hash.update(chunk));
          req.on('end', () => res.json({ digest: hash.digest('hex') }));
          res.on('finish', () => logger.info({ path: req.path }, 'upload done'));
        });
      `,
    },
    {
      name: 'listeners on the ClientRequest that http.request() returns',
      code: dedent`
        import https from 'node:https';
        export function ping(url) {
          const req = https.request(url, { method: 'HEAD', agent });
          req.on('error', (err) => logger.warn({ err, url }, 'ping failed'));
          req.setTimeout(2000, () => req.destroy());
          req.end();
        }
      `,
    },
    {
      name: 'a new WebSocket in a reconnect path',
      code: dedent`
        import WebSocket from 'ws';
        function connect(url) {
          const ws = new WebSocket(url);
          ws.on('message', (data) => feed.emit('message', data));
          ws.on('close', () => setTimeout(() => connect(url), 1000));
        }
        connect(process.env.FEED_URL);
      `,
    },
    {
      name: 'this.ws = new WebSocket() in the same run',
      code: dedent`
        import WebSocket from 'ws';
        export class FeedClient {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('message', (data) => this.emit('message', data));
            this.ws.on('close', () => this.scheduleReconnect());
          }
          scheduleReconnect() {
            this.timer = setTimeout(() => this.connect(), 1000);
          }
        }
      `,
    },
    {
      name: 'a stream from fs.createReadStream()',
      code: dedent`
        import fs from 'node:fs';
        import path from 'node:path';
        app.get('/files/:name', (req, res) => {
          const file = fs.createReadStream(path.join(root, req.params.name));
          file.on('error', () => res.sendStatus(404));
          file.pipe(res);
        });
      `,
    },
    {
      name: 'the upgrade socket of server.on(upgrade)',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer(app);
        server.on('upgrade', (req, socket, head) => {
          socket.on('error', (err) => logger.debug({ err }, 'upgrade socket error'));
          wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
        });
      `,
    },
    {
      name: 'a loop variable over requests made in this run',
      code: dedent`
        import http from 'node:http';
        setInterval(() => {
          for (const url of upstreams) {
            const probe = http.get(url);
            probe.on('error', () => markDown(url));
            probe.on('response', (res) => res.resume());
          }
        }, 5000);
      `,
    },
    {
      name: 'a loop variable over a fresh array of requests',
      code: dedent`
        import http from 'node:http';
        setInterval(() => {
          const probes = upstreams.map((url) => http.get(url));
          for (const probe of probes) {
            probe.on('error', (err) => markDown(probe, err));
          }
        }, 5000);
      `,
    },
    {
      name: 'a client that gets a fresh socket per call',
      code: dedent`
        import net from 'node:net';
        export function sendLine(line) {
          const socket = net.connect(5140, 'syslog.internal');
          socket.on('error', (err) => logger.warn({ err }, 'syslog unreachable'));
          socket.end(\`\${line}\n\`);
        }
        app.post('/audit', (req, res) => {
          sendLine(JSON.stringify(req.body));
          res.sendStatus(202);
        });
      `,
    },
    {
      name: 'the signal of an AbortController made in this run',
      code: dedent`
        app.get('/search', async (req, res) => {
          const controller = new AbortController();
          controller.signal.addEventListener('abort', () => logger.debug('search cancelled'));
          req.on('close', () => controller.abort());
          res.json(await search.run(req.query.q, { signal: controller.signal }));
        });
      `,
    },
  ],
  invalid: [
    {
      name: 'an event named by a string constant is reported by its value',
      code: dedent`
        import http from 'node:http';
        const CLOSE = 'close';
        http.createServer((req, res) => {
          req.socket.on(CLOSE, () => metrics.increment('client.closed'));
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithCloseListener = new WeakSet();
                const CLOSE = 'close';
                http.createServer((req, res) => {
                  if (!socketsWithCloseListener.has(req.socket)) {
                    socketsWithCloseListener.add(req.socket);
                    req.socket.on(CLOSE, () => metrics.increment('client.closed'));
                  }
                  res.end('ok');
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'req.app: the application reached through the request outlives it',
      code: dedent`
        app.get('/orders', (req, res) => {
          req.app.on('shutdown', () => res.end());
          res.json([]);
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'shutdown'",
            receiver: 'req.app',
            lifetime: 'the application (req.app, ctx.app), which lives as long as the service',
            context: "once per request: the route handler of app.get('/orders') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a symbol-keyed method called as this[kHandle]() from the request handler',
      code: dedent`
        import http from 'node:http';
        const kHandle = Symbol('handle');
        export class Server {
          [kHandle](req, res) {
            req.socket.on('close', () => res.destroy());
          }
          start() {
            http.createServer((req, res) => this[kHandle](req, res)).listen(0);
          }
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: called at line 8 from the request handler of http.createServer (line 8)',
          },
          suggestions: [],
        },
      ],
    },
    // Receivers that outlive the request.
    {
      name: 'req.socket destructured from the request',
      code: dedent`
        app.get('/feed', (req, res) => {
          const { socket } = req;
          socket.on('close', () => feedClients.delete(req.id));
          res.json(feed.latest());
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/feed') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'socket destructured in the parameter list',
      code: dedent`
        app.get('/feed', ({ socket, id }, res) => {
          socket.on('close', () => feedClients.delete(id));
          res.json(feed.latest());
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/feed') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'res.socket behind optional chaining',
      code: dedent`
        app.get('/feed', (req, res) => {
          res.socket?.on('close', () => feedClients.delete(req.id));
          res.json(feed.latest());
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/feed') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "a parameter that receives the socket event's argument",
      code: dedent`
        import https from 'node:https';
        function instrument(socket) {
          socket.on('lookup', (err, address) => dnsStats.record(address));
        }
        export function fetchQuote(symbol) {
          const req = https.get(\`https://quotes.example.com/\${symbol}\`, { agent });
          req.on('socket', (socket) => instrument(socket));
          return req;
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'lookup'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests: socket, passed in at line 7",
            context: "once per request: called at line 7 from the 'socket' listener of req (line 7)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'lookup'", setName: 'socketsWithLookupListener' },
              output: dedent`
                import https from 'node:https';
                const socketsWithLookupListener = new WeakSet();
                function instrument(socket) {
                  if (!socketsWithLookupListener.has(socket)) {
                    socketsWithLookupListener.add(socket);
                    socket.on('lookup', (err, address) => dnsStats.record(address));
                  }
                }
                export function fetchQuote(symbol) {
                  const req = https.get(\`https://quotes.example.com/\${symbol}\`, { agent });
                  req.on('socket', (socket) => instrument(socket));
                  return req;
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'an Agent in a field: this.agent',
      code: dedent`
        import https from 'node:https';
        export class Upstream {
          constructor() {
            this.agent = new https.Agent({ keepAlive: true, maxSockets: 20 });
          }
          send(path, body) {
            this.agent.on('free', () => this.idleSockets++);
            const req = https.request({ host: 'upstream.internal', path, method: 'POST', agent: this.agent });
            req.end(body);
          }
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'free'",
            receiver: 'this.agent',
            lifetime: 'a field of Upstream, which outlives each run',
            context: 'once per request: Upstream.send, which sends a request (https.request) (line 8)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'free'", setName: 'emittersWithFreeListener' },
              output: dedent`
                import https from 'node:https';
                const emittersWithFreeListener = new WeakSet();
                export class Upstream {
                  constructor() {
                    this.agent = new https.Agent({ keepAlive: true, maxSockets: 20 });
                  }
                  send(path, body) {
                    if (!emittersWithFreeListener.has(this.agent)) {
                      emittersWithFreeListener.add(this.agent);
                      this.agent.on('free', () => this.idleSockets++);
                    }
                    const req = https.request({ host: 'upstream.internal', path, method: 'POST', agent: this.agent });
                    req.end(body);
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'http.globalAgent',
      code: dedent`
        import http from 'node:http';
        app.get('/proxy', (req, res) => {
          http.globalAgent.on('free', (socket) => socket.unref());
          http.get(target, (upstream) => upstream.pipe(res));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'free'",
            receiver: 'http.globalAgent',
            lifetime: 'the global http.Agent shared by every request',
            context: "once per request: the route handler of app.get('/proxy') (line 2)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'free'", setName: 'emittersWithFreeListener' },
              output: dedent`
                import http from 'node:http';
                const emittersWithFreeListener = new WeakSet();
                app.get('/proxy', (req, res) => {
                  if (!emittersWithFreeListener.has(http.globalAgent)) {
                    emittersWithFreeListener.add(http.globalAgent);
                    http.globalAgent.on('free', (socket) => socket.unref());
                  }
                  http.get(target, (upstream) => upstream.pipe(res));
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'process',
      code: dedent`
        app.post('/jobs', (req, res) => {
          const job = jobs.start(req.body);
          process.on('exit', () => job.abort());
          res.status(202).json({ id: job.id });
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'exit'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: "once per request: the route handler of app.post('/jobs') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'process.stdout',
      code: dedent`
        app.post('/logs', (req, res) => {
          process.stdout.on('drain', () => req.resume());
          req.pipe(process.stdout, { end: false });
          req.on('end', () => res.sendStatus(204));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'drain'",
            receiver: 'process.stdout',
            lifetime: 'a stream that lives as long as the service',
            context: "once per request: the route handler of app.post('/logs') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'the server itself',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer((req, res) => {
          server.on('close', () => res.destroy());
          res.write('streaming...');
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'server',
            lifetime: 'a module-level emitter (line 2)',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a module-level emitter',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const priceFeed = new EventEmitter();
        app.get('/prices/stream', (req, res) => {
          res.setHeader('content-type', 'text/event-stream');
          priceFeed.on('price', (price) => res.write(\`data: \${JSON.stringify(price)}\n\n\`));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'price'",
            receiver: 'priceFeed',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the route handler of app.get('/prices/stream') (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'an imported emitter',
      code: dedent`
        import { jobEvents } from './jobs.js';
        router.get('/jobs/:id/wait', (req, res) => {
          jobEvents.on('done', (job) => {
            if (job.id === req.params.id) res.json(job);
          });
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'done'",
            receiver: 'jobEvents',
            lifetime: 'jobEvents, a module-level emitter imported at line 1',
            context: "once per request: the route handler of router.get('/jobs/:id/wait') (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a field of a long-lived object (a NestJS controller)',
      code: dedent`
        import { Body, Controller, Post } from '@nestjs/common';

        @Controller('subscriptions')
        export class SubscriptionsController {
          constructor(private readonly broker: MessageBroker) {}

          @Post()
          subscribe(@Body() body: { userId: string }): void {
            this.broker.on('message', (message) => this.push(body.userId, message));
          }
        }
      `,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'perRequestListener',
          line: 9,
          column: 5,
          data: {
            event: "'message'",
            receiver: 'this.broker',
            lifetime: 'a field of SubscriptionsController, which outlives each run',
            context: 'once per request: the @Post() handler SubscriptionsController.subscribe (line 7)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a pool checkout: await pool.connect()',
      code: dedent`
        import pg from 'pg';
        const pool = new pg.Pool({ max: 10 });
        app.get('/accounts/:id', async (req, res) => {
          const client = await pool.connect();
          client.on('error', (err) => logger.error({ err }, 'pg client error'));
          try {
            const { rows } = await client.query('SELECT * FROM accounts WHERE id = $1', [req.params.id]);
            res.json(rows[0]);
          } finally {
            client.release();
          }
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'client',
            lifetime: 'a pooled connection that is handed out again after this run',
            context: "once per request: the route handler of app.get('/accounts/:id') (line 3)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'emittersWithErrorListener' },
              output: dedent`
                import pg from 'pg';
                const emittersWithErrorListener = new WeakSet();
                const pool = new pg.Pool({ max: 10 });
                app.get('/accounts/:id', async (req, res) => {
                  const client = await pool.connect();
                  if (!emittersWithErrorListener.has(client)) {
                    emittersWithErrorListener.add(client);
                    client.on('error', (err) => logger.error({ err }, 'pg client error'));
                  }
                  try {
                    const { rows } = await client.query('SELECT * FROM accounts WHERE id = $1', [req.params.id]);
                    res.json(rows[0]);
                  } finally {
                    client.release();
                  }
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'an element of a module-level Set of sockets',
      code: dedent`
        const openSockets = new Set();
        server.on('connection', (socket) => openSockets.add(socket));
        setInterval(() => {
          for (const socket of openSockets) {
            socket.on('timeout', () => socket.destroy());
          }
        }, 5000);
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'timeout'",
            receiver: 'socket',
            lifetime: 'an element of openSockets, which outlives each run (line 1)',
            context: 'on every timer tick: a setInterval callback (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                const socketsWithTimeoutListener = new WeakSet();

                const openSockets = new Set();
                server.on('connection', (socket) => openSockets.add(socket));
                setInterval(() => {
                  for (const socket of openSockets) {
                    if (!socketsWithTimeoutListener.has(socket)) {
                      socketsWithTimeoutListener.add(socket);
                      socket.on('timeout', () => socket.destroy());
                    }
                  }
                }, 5000);
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'the longLivedReceivers option by name',
      code: dedent`
        app.post('/orders/:id/watch', (req, res) => {
          const events = req.scope.resolve('events');
          events.on('order-paid', (order) => order.id === req.params.id && notify(req.user));
          res.sendStatus(202);
        });
      `,
      options: [{"longLivedReceivers":["events"]}],
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'order-paid'",
            receiver: 'events',
            lifetime: 'configured as a long-lived receiver',
            context: "once per request: the route handler of app.post('/orders/:id/watch') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'the longLivedReceivers option by member path',
      code: dedent`
        app.post('/admin/drain', (req, res) => {
          req.app.on('shutdown', () => res.end('draining stopped'));
          res.write('draining...');
        });
      `,
      options: [{"longLivedReceivers":["req.app"]}],
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'shutdown'",
            receiver: 'req.app',
            lifetime: 'configured as a long-lived receiver',
            context: "once per request: the route handler of app.post('/admin/drain') (line 1)",
          },
          suggestions: [],
        },
      ],
    },
  ],
});
