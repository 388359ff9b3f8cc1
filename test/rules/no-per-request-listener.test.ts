// no-per-request-listener: every registration form of DESIGN.md's vocabulary, on a long-lived receiver in a
// repeating context (reported) and on a per-request object (not), and the seed's tracker with its three proposed fixes.
// Contexts, receivers, pairing, real-world reports and syntax robustness have their own files beside this one.
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    // Every form on an object that lives no longer than the request, or paired within it.
    {
      name: 'on() on req, the request itself',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          let body = '';
          req.on('data', (chunk) => (body += chunk));
          req.on('end', () => res.end(body.length.toString()));
        });
      `,
    },
    {
      name: 'once() and prependOnceListener() on res',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          res.once('finish', () => metrics.requests.inc({ status: res.statusCode }));
          res.prependOnceListener('close', () => timer.stop());
          res.end('ok');
        });
      `,
    },
    {
      name: 'req.setTimeout(ms, cb) on the request',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.setTimeout(10_000, () => res.writeHead(408).end());
          handle(req, res);
        });
      `,
    },
    {
      name: 'finished(res, cb) on the response',
      code: dedent`
        import { finished } from 'node:stream';
        app.get('/download/:id', (req, res) => {
          finished(res, (err) => audit.record(req.params.id, err ? 'aborted' : 'complete'));
          storage.stream(req.params.id).pipe(res);
        });
      `,
    },
    {
      name: 'events.once(req, end) on the request',
      code: dedent`
        import { once } from 'node:events';
        app.post('/ingest', async (req, res) => {
          req.resume();
          await once(req, 'end');
          res.sendStatus(202);
        });
      `,
    },
    {
      name: 'socket.connect(port, host, cb) on a socket made in this run',
      code: dedent`
        import net from 'node:net';
        export function probe(host, port) {
          return new Promise((resolve) => {
            const socket = new net.Socket();
            socket.setTimeout(2000, () => socket.destroy());
            socket.connect(port, host, () => {
              socket.end();
              resolve(true);
            });
          });
        }
        setInterval(() => probe('db.internal', 5432), 10_000);
      `,
    },
    {
      name: 'addEventListener with a signal aborted in finally',
      code: dedent`
        const quotes = new EventTarget();
        app.get('/quotes/next', async (req, res) => {
          const controller = new AbortController();
          try {
            const quote = await new Promise((resolve) =>
              quotes.addEventListener('quote', (event) => resolve(event.detail), { signal: controller.signal }),
            );
            res.json(quote);
          } finally {
            controller.abort();
          }
        });
      `,
    },
    {
      name: 'events.on with a signal aborted on request close',
      code: dedent`
        import { on } from 'node:events';
        import { orderEvents } from './orders.js';
        app.get('/orders/stream', async (req, res) => {
          const controller = new AbortController();
          req.on('close', () => controller.abort());
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for await (const [order] of on(orderEvents, 'created', { signal: controller.signal })) {
            res.write(\`data: \${JSON.stringify(order)}\n\n\`);
          }
        });
      `,
    },
    // The seed's first fix: scan the tracked connections for this socket before adding listeners.
    {
      name: 'seed fix 1: scan the tracked connections for this socket first',
      code: dedent`
        import https from 'node:https';
        class ConnectionTracker {
          constructor() {
            this.connections = new Map();
          }
          trackConnection(socket, metadata = {}) {
            for (const connection of this.connections.values()) {
              if (connection.socket === socket) {
                connection.lastActivity = Date.now();
                return;
              }
            }
            const id = crypto.randomUUID();
            this.connections.set(id, { socket, metadata, lastActivity: Date.now() });
            socket.on('close', () => this.connections.delete(id));
            socket.on('error', (error) => this.markFailed(id, error));
            socket.on('data', () => this.touch(id));
          }
        }
        export class HTTPClient {
          constructor() {
            this.agent = new https.Agent({ keepAlive: true, maxSockets: 50 });
            this.tracker = new ConnectionTracker();
          }
          request(url) {
            return new Promise((resolve) => {
              https.get(url, { agent: this.agent }, (res) => {
                this.tracker.trackConnection(res.socket, { url });
                res.on('end', resolve).resume();
              });
            });
          }
        }
      `,
    },
    {
      name: 'the registry pattern: a WeakMap keyed by the socket, listeners on first sight',
      code: dedent`
        import https from 'node:https';
        class ConnectionTracker {
          #records = new WeakMap();
          trackConnection(socket, metadata = {}) {
            const existing = this.#records.get(socket);
            if (existing) {
              existing.requests++;
              existing.metadata = metadata;
              return existing;
            }
            const record = { requests: 1, metadata, openedAt: Date.now() };
            this.#records.set(socket, record);
            socket.on('close', () => this.onClose(record));
            return record;
          }
        }
        const tracker = new ConnectionTracker();
        const agent = new https.Agent({ keepAlive: true });
        export function getJson(url) {
          return new Promise((resolve) => {
            https.get(url, { agent }, (res) => {
              tracker.trackConnection(res.socket, { url });
              res.on('end', resolve).resume();
            });
          });
        }
      `,
    },
  ],
  invalid: [
    {
      name: 'a computed event name reads as the code that names it, not as an event called "topic"',
      code: dedent`
        import http from 'node:http';
        import { EventEmitter } from 'node:events';
        const bus = new EventEmitter();
        http.createServer((req, res) => {
          const topic = new URL(req.url, 'http://x').searchParams.get('topic');
          bus.on(topic, (message) => res.write(message));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 3,
          data: {
            event: '`topic`',
            receiver: 'bus',
            lifetime: 'a module-level emitter (line 3)',
            context: 'once per request: the request handler of http.createServer (line 4)',
          },
        },
      ],
    },
    // Every registration form on a long-lived receiver in a repeating context.
    {
      name: 'on() on req.socket',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.socket.on('close', () => console.log('client disconnected'));
          res.end('ok');
        }).listen(8080);
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithCloseListener = new WeakSet();
                http.createServer((req, res) => {
                  if (!socketsWithCloseListener.has(req.socket)) {
                    socketsWithCloseListener.add(req.socket);
                    req.socket.on('close', () => console.log('client disconnected'));
                  }
                  res.end('ok');
                }).listen(8080);
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'addListener() on req.socket',
      code: dedent`
        import http from 'node:http';
        const onSocketError = (err) => logger.warn({ err }, 'socket error');
        http.createServer((req, res) => {
          req.socket.addListener('error', onSocketError);
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithErrorListener = new WeakSet();
                const onSocketError = (err) => logger.warn({ err }, 'socket error');
                http.createServer((req, res) => {
                  if (!socketsWithErrorListener.has(req.socket)) {
                    socketsWithErrorListener.add(req.socket);
                    req.socket.addListener('error', onSocketError);
                  }
                  res.end('ok');
                });
              `,
            },
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                import http from 'node:http';
                const onSocketError = (err) => logger.warn({ err }, 'socket error');
                http.createServer((req, res) => {
                  req.socket.addListener('error', onSocketError);
                  res.once('close', () => req.socket.removeListener('error', onSocketError));
                  res.end('ok');
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'prependListener() on res.socket',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          res.socket.prependListener('data', (chunk) => (bytesIn += chunk.length));
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'data'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'data'", setName: 'socketsWithDataListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithDataListener = new WeakSet();
                http.createServer((req, res) => {
                  if (!socketsWithDataListener.has(res.socket)) {
                    socketsWithDataListener.add(res.socket);
                    res.socket.prependListener('data', (chunk) => (bytesIn += chunk.length));
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
      name: 'once() on req.socket',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.socket.once('end', () => logger.debug('peer sent FIN'));
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 3,
          data: {
            event: "'end'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'end'", setName: 'socketsWithEndListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithEndListener = new WeakSet();
                http.createServer((req, res) => {
                  if (!socketsWithEndListener.has(req.socket)) {
                    socketsWithEndListener.add(req.socket);
                    req.socket.once('end', () => logger.debug('peer sent FIN'));
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
      name: 'prependOnceListener() on req.socket',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.socket.prependOnceListener('timeout', () => metrics.idleTimeouts.inc());
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithTimeoutListener = new WeakSet();
                http.createServer((req, res) => {
                  if (!socketsWithTimeoutListener.has(req.socket)) {
                    socketsWithTimeoutListener.add(req.socket);
                    req.socket.prependOnceListener('timeout', () => metrics.idleTimeouts.inc());
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
      name: 'addEventListener() on a module-level EventTarget',
      code: dedent`
        const quotes = new EventTarget();
        app.get('/quotes/stream', (req, res) => {
          res.setHeader('content-type', 'text/event-stream');
          quotes.addEventListener('quote', (event) => res.write(\`data: \${event.detail}\n\n\`));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'quote'",
            receiver: 'quotes',
            lifetime: 'a module-level emitter (line 1)',
            context: "once per request: the route handler of app.get('/quotes/stream') (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'addEventListener() with once: true',
      code: dedent`
        const quotes = new EventTarget();
        app.get('/quotes/next', (req, res) => {
          quotes.addEventListener('quote', (event) => res.json(event.detail), { once: true });
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 3,
          data: {
            event: "'quote'",
            receiver: 'quotes',
            lifetime: 'a module-level emitter (line 1)',
            context: "once per request: the route handler of app.get('/quotes/next') (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'addEventListener() with a signal aborted only at shutdown',
      code: dedent`
        const quotes = new EventTarget();
        const shutdown = new AbortController();
        app.get('/quotes/stream', (req, res) => {
          quotes.addEventListener('quote', (event) => res.write(\`data: \${event.detail}\n\n\`), { signal: shutdown.signal });
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'quote'",
            receiver: 'quotes',
            lifetime: 'a module-level emitter (line 1)',
            context: "once per request: the route handler of app.get('/quotes/stream') (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'socket.setTimeout(ms, cb)',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.socket.setTimeout(30_000, () => req.socket.destroy());
          handle(req, res);
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'socket.connect(port, host, cb) on a module-level socket',
      code: dedent`
        import net from 'node:net';
        const socket = new net.Socket();
        export function sendCommand(command) {
          socket.connect(6379, 'cache.internal', () => socket.write(\`\${command}\r\n\`));
        }
        app.post('/cache', (req, res) => {
          sendCommand(req.body.command);
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 4,
          column: 3,
          data: {
            event: "'connect'",
            receiver: 'socket',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: called at line 7 from the route handler of app.post('/cache') (line 6)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'stream.finished(socket, cb)',
      code: dedent`
        import stream from 'node:stream';
        import http from 'node:http';
        http.createServer((req, res) => {
          stream.finished(req.socket, (err) => err && logger.warn(err));
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 4,
          column: 3,
          data: {
            event: "'finish/end/error/close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'finish/end/error/close'", setName: 'socketsWithFinishListener' },
              output: dedent`
                import stream from 'node:stream';
                import http from 'node:http';
                const socketsWithFinishListener = new WeakSet();
                http.createServer((req, res) => {
                  if (!socketsWithFinishListener.has(req.socket)) {
                    socketsWithFinishListener.add(req.socket);
                    stream.finished(req.socket, (err) => err && logger.warn(err));
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
      name: 'finished(socket, cb) imported from node:stream',
      code: dedent`
        import { finished } from 'node:stream';
        import http from 'node:http';
        http.createServer((req, res) => {
          finished(res.socket, () => connections.release(res.socket));
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 4,
          column: 3,
          data: {
            event: "'finish/end/error/close'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'events.once(socket, close)',
      code: dedent`
        import events from 'node:events';
        app.get('/export', async (req, res) => {
          const clientGone = events.once(req.socket, 'close');
          const file = await Promise.race([buildExport(req.query), clientGone]);
          if (file) res.download(file);
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 22,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/export') (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'once(socket, close) imported from node:events',
      code: dedent`
        import { once } from 'node:events';
        app.get('/export', async (req, res) => {
          const clientGone = once(req.socket, 'close');
          const file = await Promise.race([buildExport(req.query), clientGone]);
          if (file) res.download(file);
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 22,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/export') (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'on(emitter, created) imported from node:events',
      code: dedent`
        import { on } from 'node:events';
        import { orderEvents } from './orders.js';
        app.get('/orders/stream', async (req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for await (const [order] of on(orderEvents, 'created')) {
            res.write(\`data: \${JSON.stringify(order)}\n\n\`);
          }
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 31,
          data: {
            event: "'created'",
            receiver: 'orderEvents',
            lifetime: 'orderEvents, a module-level emitter imported at line 2',
            context: "once per request: the route handler of app.get('/orders/stream') (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'events.on(bus, progress) from a require',
      code: dedent`
        const events = require('node:events');
        const bus = require('./bus');
        router.get('/jobs/:id/progress', async (req, res) => {
          for await (const [job] of events.on(bus, 'progress')) {
            if (job.id === req.params.id) res.write(\`\${job.percent}\n\`);
          }
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 29,
          data: {
            event: "'progress'",
            receiver: 'bus',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the route handler of router.get('/jobs/:id/progress') (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    // The seed: ConnectionTracker.trackConnection(res.socket) called for every response of a keep-alive agent, and its fixes 2 (removeAllListeners) and 3 (once), which do not fix it.
    {
      name: 'seed: trackConnection(res.socket) for every response',
      code: dedent`
        import https from 'node:https';
        class ConnectionTracker {
          constructor() {
            this.connections = new Map();
          }
          trackConnection(socket, metadata = {}) {
            const id = crypto.randomUUID();
            this.connections.set(id, { socket, metadata, lastActivity: Date.now() });
            socket.on('close', () => this.connections.delete(id));
            socket.on('error', (error) => this.markFailed(id, error));
            socket.on('data', () => this.touch(id));
            return id;
          }
        }
        export class HTTPClient {
          constructor() {
            this.agent = new https.Agent({ keepAlive: true, maxSockets: 50 });
            this.tracker = new ConnectionTracker();
          }
          request(url, options) {
            return new Promise((resolve, reject) => {
              const req = https.request(url, { ...options, agent: this.agent }, (res) => {
                if (res.socket) this.tracker.trackConnection(res.socket, { url });
                res.on('end', resolve).resume();
              });
              req.on('error', reject);
              req.end();
            });
          }
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 9,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: res.socket, passed in at line 23',
            context: 'once per request: called at line 23 from the response callback of https.request (line 22)',
          },
          suggestions: [],
        },
        {
          messageId: 'perRequestListener',
          line: 10,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: res.socket, passed in at line 23',
            context: 'once per request: called at line 23 from the response callback of https.request (line 22)',
          },
          suggestions: [],
        },
        {
          messageId: 'perRequestListener',
          line: 11,
          column: 5,
          data: {
            event: "'data'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: res.socket, passed in at line 23',
            context: 'once per request: called at line 23 from the response callback of https.request (line 22)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'seed fix 2: removeAllListeners before adding',
      code: dedent`
        import https from 'node:https';
        class ConnectionTracker {
          trackConnection(socket, metadata = {}) {
            const id = this.register(socket, metadata);
            socket.removeAllListeners('close');
            socket.removeAllListeners('error');
            socket.on('close', () => this.connections.delete(id));
            socket.on('error', (error) => this.markFailed(id, error));
          }
        }
        const tracker = new ConnectionTracker();
        const agent = new https.Agent({ keepAlive: true });
        export function getJson(url) {
          return new Promise((resolve) => {
            https.get(url, { agent }, (res) => {
              tracker.trackConnection(res.socket, { url });
              res.on('end', resolve).resume();
            });
          });
        }
      `,
      errors: [
        {
          messageId: 'removeAllListenersIsNotAFix',
          line: 7,
          column: 5,
          data: {
            removalLine: '5',
            event: "'close'",
            receiver: 'socket',
            context: 'once per request: called at line 16 from the response callback of https.get (line 15)',
          },
          suggestions: [],
        },
        {
          messageId: 'removeAllListenersIsNotAFix',
          line: 8,
          column: 5,
          data: {
            removalLine: '6',
            event: "'error'",
            receiver: 'socket',
            context: 'once per request: called at line 16 from the response callback of https.get (line 15)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'seed fix 3: once instead of on',
      code: dedent`
        import https from 'node:https';
        class ConnectionTracker {
          trackConnection(socket, metadata = {}) {
            const id = this.register(socket, metadata);
            socket.once('close', () => this.connections.delete(id));
          }
        }
        const tracker = new ConnectionTracker();
        const agent = new https.Agent({ keepAlive: true });
        export function getJson(url) {
          return new Promise((resolve) => {
            https.get(url, { agent }, (res) => {
              tracker.trackConnection(res.socket, { url });
              res.on('end', resolve).resume();
            });
          });
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 5,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: res.socket, passed in at line 13',
            context: 'once per request: called at line 13 from the response callback of https.get (line 12)',
          },
          suggestions: [],
        },
      ],
    },
  ],
});
