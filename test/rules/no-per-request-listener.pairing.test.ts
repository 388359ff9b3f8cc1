// no-per-request-listener: is the registration paired? Removals of the same handler that run before the context
// runs again, AbortSignals aborted within the request, registry guards (valid); and the ways a removal or guard
// fails to pair, each with its own message, and the suggestions for named listeners (invalid).
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    {
      name: 'the event named by a string constant pairs with the removal that spells it out',
      code: dedent`
        import http from 'node:http';
        const CLOSE = 'close';
        http.createServer((req, res) => {
          const onClose = () => metrics.increment('client.closed');
          req.socket.on(CLOSE, onClose);
          res.on('finish', () => req.socket.off('close', onClose));
          res.end('ok');
        });
      `,
    },
    // Removals of the same handler, by binding, that run before the context runs again; AbortSignals aborted in time.
    {
      name: 'removal in finally',
      code: dedent`
        app.get('/report', async (req, res) => {
          const controller = new AbortController();
          const onClose = () => controller.abort();
          req.socket.on('close', onClose);
          try {
            res.json(await reports.build(req.query, { signal: controller.signal }));
          } finally {
            req.socket.off('close', onClose);
          }
        });
      `,
    },
    {
      name: 'removal when the response closes',
      code: dedent`
        app.get('/report', (req, res) => {
          const onTimeout = () => res.status(503).end();
          req.socket.on('timeout', onTimeout);
          res.on('close', () => req.socket.removeListener('timeout', onTimeout));
          reports.render(req.query, res);
        });
      `,
    },
    {
      name: 'removal when the response finishes',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          const onError = (err) => logger.warn({ err, url: req.url }, 'socket error mid-response');
          res.socket.on('error', onError);
          res.once('finish', () => res.socket.off('error', onError));
          res.end('ok');
        });
      `,
    },
    {
      name: "removal at the client response's end",
      code: dedent`
        import https from 'node:https';
        https.get(url, { agent }, (res) => {
          const onFree = () => stats.freed++;
          res.socket.on('free', onFree);
          res.on('end', () => res.socket.off('free', onFree));
          res.resume();
        });
      `,
    },
    {
      name: 'removal when the request closes',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const inbox = new EventEmitter();
        app.get('/long-poll', (req, res) => {
          const onMessage = (message) => res.json(message);
          inbox.once('message', onMessage);
          req.on('close', () => inbox.off('message', onMessage));
        });
      `,
    },
    {
      name: "a cleanup function registered for the request's close",
      code: dedent`
        import { EventEmitter } from 'node:events';
        const inbox = new EventEmitter();
        app.get('/events', (req, res) => {
          const onMessage = (message) => res.write(\`data: \${message}\n\n\`);
          inbox.on('message', onMessage);
          const cleanup = () => inbox.removeListener('message', onMessage);
          req.on('close', cleanup);
        });
      `,
    },
    {
      name: 'a cleanup method called when the request closes',
      code: dedent`
        import { Controller, Get, Req, Res } from '@nestjs/common';
        import type { Request, Response } from 'express';

        @Controller('events')
        export class EventsController {
          constructor(private readonly bus: EventBus) {}

          @Get()
          stream(@Req() req: Request, @Res() res: Response): void {
            const listener = (event: BusEvent) => res.write(\`data: \${JSON.stringify(event)}\n\n\`);
            this.bus.on('event', listener);
            req.on('close', () => this.detach(listener));
          }

          private detach(listener: (event: BusEvent) => void): void {
            this.bus.off('event', listener);
          }
        }
      `,
      filename: 'file.ts',
    },
    {
      name: 'a subscribe helper that returns its unsubscribe',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const bus = new EventEmitter();
        function subscribe(res) {
          const onEvent = (event) => res.write(\`data: \${event}\n\n\`);
          bus.on('event', onEvent);
          return () => bus.off('event', onEvent);
        }
        app.get('/sse', (req, res) => {
          const unsubscribe = subscribe(res);
          req.on('close', unsubscribe);
        });
      `,
    },
    {
      name: 'an AbortSignal aborted in finally',
      code: dedent`
        const quotes = new EventTarget();
        app.get('/quotes/next', async (req, res) => {
          const controller = new AbortController();
          try {
            const quote = await new Promise((resolve) => {
              quotes.addEventListener('quote', (event) => resolve(event.detail), { signal: controller.signal });
            });
            res.json(quote);
          } finally {
            controller.abort();
          }
        });
      `,
    },
    {
      name: 'an AbortSignal aborted when the response closes',
      code: dedent`
        const updates = new EventTarget();
        app.get('/updates', (req, res) => {
          const ac = new AbortController();
          updates.addEventListener('change', (event) => res.write(\`data: \${event.detail}\n\n\`), { signal: ac.signal });
          res.on('close', () => ac.abort());
        });
      `,
    },
    {
      name: 'AbortSignal.timeout',
      code: dedent`
        const updates = new EventTarget();
        app.get('/updates/next', (req, res) => {
          updates.addEventListener('change', (event) => res.json(event.detail), { once: true, signal: AbortSignal.timeout(30_000) });
        });
      `,
    },
    {
      name: 'the cleanup that finished() returns, called when the response closes',
      code: dedent`
        import { finished } from 'node:stream';
        import http from 'node:http';
        http.createServer((req, res) => {
          const cleanup = finished(req.socket, (err) => err && logger.warn({ err }, 'socket failed'));
          res.on('close', () => cleanup());
          res.end('ok');
        });
      `,
    },
    {
      name: "the cleanup that finished() returns, registered for the response's finish",
      code: dedent`
        import { finished } from 'node:stream';
        import http from 'node:http';
        http.createServer((req, res) => {
          const cleanup = finished(req.socket, (err) => err && logger.warn({ err }, 'socket failed'));
          res.on('finish', cleanup);
          res.end('ok');
        });
      `,
    },
    {
      name: 'once(free) on a pooled socket',
      code: dedent`
        import https from 'node:https';
        https.get(url, { agent }, (res) => {
          res.socket.once('free', () => stats.reused++);
          res.resume();
        });
      `,
    },
    {
      name: 'a listener removed before it is added again on reconnect',
      code: dedent`
        import net from 'node:net';
        export class QueueConnection {
          onShutdown = () => this.close();
          connect() {
            this.socket = net.connect(this.port, this.host);
            process.removeListener('SIGTERM', this.onShutdown);
            process.on('SIGTERM', this.onShutdown);
            this.socket.on('close', () => setTimeout(() => this.connect(), 1000));
          }
        }
      `,
    },
    // Registry guards: the registration is skipped for an emitter seen before.
    {
      name: 'a module-level WeakSet',
      code: dedent`
        import http from 'node:http';
        const tracked = new WeakSet();
        http.createServer((req, res) => {
          if (!tracked.has(req.socket)) {
            tracked.add(req.socket);
            req.socket.on('close', () => metrics.openSockets.dec());
          }
          res.end();
        });
      `,
    },
    {
      name: 'a WeakMap lookup with an early return',
      code: dedent`
        import http from 'node:http';
        const records = new WeakMap();
        function track(socket) {
          if (records.has(socket)) return records.get(socket);
          const record = { requests: 0 };
          records.set(socket, record);
          socket.on('close', () => metrics.requestsPerSocket.observe(record.requests));
          return record;
        }
        http.createServer((req, res) => {
          track(req.socket).requests++;
          res.end();
        });
      `,
    },
    {
      name: 'a Set has() with an early return',
      code: dedent`
        import https from 'node:https';
        const seen = new Set();
        https.get(url, { agent }, (res) => {
          res.resume();
          if (seen.has(res.socket)) return;
          seen.add(res.socket);
          res.socket.on('close', () => seen.delete(res.socket));
        });
      `,
    },
    {
      name: 'map.get(socket) then an early return',
      code: dedent`
        import https from 'node:https';
        const bySocket = new Map();
        function trackConnection(socket, meta) {
          const existing = bySocket.get(socket);
          if (existing) {
            existing.lastActivity = Date.now();
            return existing;
          }
          const record = { meta, lastActivity: Date.now() };
          bySocket.set(socket, record);
          socket.on('close', () => bySocket.delete(socket));
          return record;
        }
        https.get(url, { agent }, (res) => {
          trackConnection(res.socket, { url });
          res.resume();
        });
      `,
    },
    {
      name: 'a symbol marker on the socket',
      code: dedent`
        import http from 'node:http';
        const kInstrumented = Symbol('instrumented');
        http.createServer((req, res) => {
          const { socket } = req;
          if (!socket[kInstrumented]) {
            socket[kInstrumented] = true;
            socket.on('error', (err) => logger.debug({ err }, 'client socket error'));
          }
          res.end();
        });
      `,
    },
    {
      name: 'a property marker assigned in another function',
      code: dedent`
        function markInstrumented(socket) {
          socket.__instrumented = true;
        }
        function instrument(socket) {
          if (socket.__instrumented) return;
          markInstrumented(socket);
          socket.on('timeout', () => socket.destroy());
        }
        app.use((req, res, next) => {
          instrument(req.socket);
          next();
        });
      `,
    },
    {
      name: 'socket.connecting around the registration',
      code: dedent`
        import http from 'node:http';
        export function timedRequest(options) {
          const req = http.request(options);
          req.on('socket', (socket) => {
            if (socket.connecting) {
              socket.once('connect', () => (timings.connect = performance.now()));
            }
          });
          return req;
        }
      `,
    },
    {
      name: 'socket.connecting with an early return',
      code: dedent`
        import http from 'node:http';
        export function timedRequest(options) {
          const req = http.request(options);
          req.on('socket', (socket) => {
            if (!socket.connecting) return;
            socket.once('lookup', () => (timings.lookup = performance.now()));
          });
          return req;
        }
      `,
    },
    {
      name: 'listenerCount() before adding',
      code: dedent`
        app.use((req, res, next) => {
          if (req.socket.listenerCount('error') === 0) {
            req.socket.on('error', (err) => logger.debug({ err }, 'client socket error'));
          }
          next();
        });
      `,
    },
    {
      name: 'a guarded call site',
      code: dedent`
        const seen = new WeakSet();
        function track(socket) {
          socket.on('close', () => gauge.dec());
          gauge.inc();
        }
        app.use((req, res, next) => {
          if (!seen.has(req.socket)) {
            seen.add(req.socket);
            track(req.socket);
          }
          next();
        });
      `,
    },
  ],
  invalid: [
    // Conditions that look like guards but do not skip the registration for a socket seen before.
    {
      name: 'a WeakSet keyed by the request, not the socket',
      code: dedent`
        import http from 'node:http';
        const seen = new WeakSet();
        http.createServer((req, res) => {
          if (!seen.has(req)) {
            seen.add(req);
            req.socket.on('close', () => metrics.openSockets.dec());
          }
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
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
                const seen = new WeakSet();
                http.createServer((req, res) => {
                  if (!seen.has(req)) {
                    seen.add(req);
                    if (!socketsWithCloseListener.has(req.socket)) {
                      socketsWithCloseListener.add(req.socket);
                      req.socket.on('close', () => metrics.openSockets.dec());
                    }
                  }
                  res.end();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a lookup that only logs and does not skip',
      code: dedent`
        const tracked = new WeakSet();
        function track(socket) {
          if (tracked.has(socket)) logger.debug('socket seen again');
          tracked.add(socket);
          socket.on('close', () => metrics.openSockets.dec());
        }
        app.use((req, res, next) => {
          track(req.socket);
          next();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: req.socket, passed in at line 8',
            context: 'once per request: called at line 8 from the middleware of app.use() (line 7)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                const socketsWithCloseListener = new WeakSet();

                const tracked = new WeakSet();
                function track(socket) {
                  if (tracked.has(socket)) logger.debug('socket seen again');
                  tracked.add(socket);
                  if (!socketsWithCloseListener.has(socket)) {
                    socketsWithCloseListener.add(socket);
                    socket.on('close', () => metrics.openSockets.dec());
                  }
                }
                app.use((req, res, next) => {
                  track(req.socket);
                  next();
                });
              `,
            },
          ],
        },
      ],
    },
    // Unpaired, each with its own message: once, a different function, removal on the emitter's own close, removal too late, removeAllListeners.
    {
      name: 'once() on the socket: close fires once per socket, not per request',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.socket.once('close', () => pending.delete(req.id));
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a listener that removes itself when it fires is a once()',
      code: dedent`
        app.get('/', (req, res) => {
          const onClose = () => {
            req.socket.off('close', onClose);
            pending.delete(req.id);
          };
          req.socket.on('close', onClose);
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 6,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/') (line 1)",
          },
          suggestions: [
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                app.get('/', (req, res) => {
                  const onClose = () => {
                    req.socket.off('close', onClose);
                    pending.delete(req.id);
                  };
                  req.socket.on('close', onClose);
                  res.once('close', () => req.socket.removeListener('close', onClose));
                  res.end();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'removal with a fresh inline function',
      code: dedent`
        app.get('/slow', (req, res) => {
          req.socket.on('timeout', () => res.status(504).end());
          res.on('finish', () => req.socket.off('timeout', () => res.status(504).end()));
          slowQuery(req.query).then((rows) => res.json(rows));
        });
      `,
      errors: [
        {
          messageId: 'removedWithDifferentFunction',
          line: 2,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            context: "once per request: the route handler of app.get('/slow') (line 1)",
            removalLine: '3',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'removal with a second bind()',
      code: dedent`
        import http from 'node:http';
        class Proxy {
          handle(req, res) {
            req.socket.on('error', this.onSocketError.bind(this));
            res.on('close', () => req.socket.removeListener('error', this.onSocketError.bind(this)));
            this.forward(req, res);
          }
          onSocketError(err) {
            this.logger.warn({ err }, 'client socket error');
          }
        }
        const proxy = new Proxy();
        http.createServer((req, res) => proxy.handle(req, res));
      `,
      errors: [
        {
          messageId: 'removedWithDifferentFunction',
          line: 4,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'req.socket',
            context: 'once per request: called at line 13 from the request handler of http.createServer (line 13)',
            removalLine: '5',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithErrorListener = new WeakSet();
                class Proxy {
                  handle(req, res) {
                    if (!socketsWithErrorListener.has(req.socket)) {
                      socketsWithErrorListener.add(req.socket);
                      req.socket.on('error', this.onSocketError.bind(this));
                    }
                    res.on('close', () => req.socket.removeListener('error', this.onSocketError.bind(this)));
                    this.forward(req, res);
                  }
                  onSocketError(err) {
                    this.logger.warn({ err }, 'client socket error');
                  }
                }
                const proxy = new Proxy();
                http.createServer((req, res) => proxy.handle(req, res));
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'removal only when the socket itself closes',
      code: dedent`
        app.use((req, res, next) => {
          const onData = (chunk) => (req.bytesOnSocket = (req.bytesOnSocket ?? 0) + chunk.length);
          req.socket.on('data', onData);
          req.socket.on('close', () => req.socket.off('data', onData));
          next();
        });
      `,
      errors: [
        {
          messageId: 'removedOnlyOnClose',
          line: 3,
          column: 3,
          data: {
            event: "'data'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the middleware of app.use() (line 1)',
            closeEvent: 'close',
            removalLine: '4',
          },
          suggestions: [
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                app.use((req, res, next) => {
                  const onData = (chunk) => (req.bytesOnSocket = (req.bytesOnSocket ?? 0) + chunk.length);
                  req.socket.on('data', onData);
                  res.once('close', () => req.socket.removeListener('data', onData));
                  req.socket.on('close', () => req.socket.off('data', onData));
                  next();
                });
              `,
            },
          ],
        },
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the middleware of app.use() (line 1)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'removal only at shutdown',
      code: dedent`
        const onWarning = (warning) => logger.warn(warning);
        app.get('/jobs', (req, res) => {
          process.on('warning', onWarning);
          res.json(jobs.list());
        });
        process.on('SIGTERM', () => process.off('warning', onWarning));
      `,
      errors: [
        {
          messageId: 'removedTooLate',
          line: 3,
          column: 3,
          data: {
            event: "'warning'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: "once per request: the route handler of app.get('/jobs') (line 2)",
            removalLine: '6',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'warning'", setName: 'emittersWithWarningListener' },
              output: dedent`
                const emittersWithWarningListener = new WeakSet();

                const onWarning = (warning) => logger.warn(warning);
                app.get('/jobs', (req, res) => {
                  if (!emittersWithWarningListener.has(process)) {
                    emittersWithWarningListener.add(process);
                    process.on('warning', onWarning);
                  }
                  res.json(jobs.list());
                });
                process.on('SIGTERM', () => process.off('warning', onWarning));
              `,
            },
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                const onWarning = (warning) => logger.warn(warning);
                app.get('/jobs', (req, res) => {
                  process.on('warning', onWarning);
                  res.once('close', () => process.removeListener('warning', onWarning));
                  res.json(jobs.list());
                });
                process.on('SIGTERM', () => process.off('warning', onWarning));
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'removal in a cleanup registered on a long-lived emitter',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const inbox = new EventEmitter();
        app.get('/long-poll', (req, res) => {
          const onMessage = (message) => res.json(message);
          inbox.on('message', onMessage);
          const cleanup = () => inbox.off('message', onMessage);
          inbox.on('shutdown', cleanup);
        });
      `,
      errors: [
        {
          messageId: 'removedTooLate',
          line: 5,
          column: 3,
          data: {
            event: "'message'",
            receiver: 'inbox',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the route handler of app.get('/long-poll') (line 3)",
            removalLine: '6',
          },
          suggestions: [
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                import { EventEmitter } from 'node:events';
                const inbox = new EventEmitter();
                app.get('/long-poll', (req, res) => {
                  const onMessage = (message) => res.json(message);
                  inbox.on('message', onMessage);
                  res.once('close', () => inbox.removeListener('message', onMessage));
                  const cleanup = () => inbox.off('message', onMessage);
                  inbox.on('shutdown', cleanup);
                });
              `,
            },
          ],
        },
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 3,
          data: {
            event: "'shutdown'",
            receiver: 'inbox',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the route handler of app.get('/long-poll') (line 3)",
          },
          suggestions: [
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                import { EventEmitter } from 'node:events';
                const inbox = new EventEmitter();
                app.get('/long-poll', (req, res) => {
                  const onMessage = (message) => res.json(message);
                  inbox.on('message', onMessage);
                  const cleanup = () => inbox.off('message', onMessage);
                  inbox.on('shutdown', cleanup);
                  res.once('close', () => inbox.removeListener('shutdown', cleanup));
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'removal in another route',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const bus = new EventEmitter();
        const listeners = new Map();
        app.post('/subscriptions/:id', (req, res) => {
          const onEvent = (event) => webhooks.send(req.params.id, event);
          listeners.set(req.params.id, onEvent);
          bus.on('event', onEvent);
          res.sendStatus(201);
        });
        app.delete('/subscriptions/:id', (req, res) => {
          bus.off('event', listeners.get(req.params.id));
          res.sendStatus(204);
        });
      `,
      errors: [
        {
          messageId: 'removedTooLate',
          line: 7,
          column: 3,
          data: {
            event: "'event'",
            receiver: 'bus',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the route handler of app.post('/subscriptions/:id') (line 4)",
            removalLine: '11',
          },
          suggestions: [
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                import { EventEmitter } from 'node:events';
                const bus = new EventEmitter();
                const listeners = new Map();
                app.post('/subscriptions/:id', (req, res) => {
                  const onEvent = (event) => webhooks.send(req.params.id, event);
                  listeners.set(req.params.id, onEvent);
                  bus.on('event', onEvent);
                  res.once('close', () => bus.removeListener('event', onEvent));
                  res.sendStatus(201);
                });
                app.delete('/subscriptions/:id', (req, res) => {
                  bus.off('event', listeners.get(req.params.id));
                  res.sendStatus(204);
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'removeAllListeners(event) before adding',
      code: dedent`
        function watch(socket) {
          socket.removeAllListeners('error');
          socket.on('error', (err) => logger.warn({ err }, 'upstream socket error'));
        }
        https.get(url, { agent }, (res) => {
          watch(res.socket);
          res.resume();
        });
      `,
      errors: [
        {
          messageId: 'removeAllListenersIsNotAFix',
          line: 3,
          column: 3,
          data: {
            removalLine: '2',
            event: "'error'",
            receiver: 'socket',
            context: 'once per request: called at line 6 from the response callback of https.get (line 5)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                const socketsWithErrorListener = new WeakSet();

                function watch(socket) {
                  socket.removeAllListeners('error');
                  if (!socketsWithErrorListener.has(socket)) {
                    socketsWithErrorListener.add(socket);
                    socket.on('error', (err) => logger.warn({ err }, 'upstream socket error'));
                  }
                }
                https.get(url, { agent }, (res) => {
                  watch(res.socket);
                  res.resume();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'removeAllListeners() with no event',
      code: dedent`
        function watch(socket) {
          socket.removeAllListeners();
          socket.on('timeout', () => socket.destroy());
        }
        https.get(url, { agent }, (res) => {
          watch(res.socket);
          res.resume();
        });
      `,
      errors: [
        {
          messageId: 'removeAllListenersIsNotAFix',
          line: 3,
          column: 3,
          data: {
            removalLine: '2',
            event: "'timeout'",
            receiver: 'socket',
            context: 'once per request: called at line 6 from the response callback of https.get (line 5)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                const socketsWithTimeoutListener = new WeakSet();

                function watch(socket) {
                  socket.removeAllListeners();
                  if (!socketsWithTimeoutListener.has(socket)) {
                    socketsWithTimeoutListener.add(socket);
                    socket.on('timeout', () => socket.destroy());
                  }
                }
                https.get(url, { agent }, (res) => {
                  watch(res.socket);
                  res.resume();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'an AbortSignal that is never aborted within the request',
      code: dedent`
        const updates = new EventTarget();
        app.get('/updates', (req, res) => {
          const ac = new AbortController();
          updates.addEventListener('change', (event) => res.write(\`data: \${event.detail}\n\n\`), { signal: ac.signal });
          shutdownHooks.push(() => ac.abort());
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'change'",
            receiver: 'updates',
            lifetime: 'a module-level emitter (line 1)',
            context: "once per request: the route handler of app.get('/updates') (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    // A named listener gets both suggestions: a WeakSet guard, and a removal when the request's response closes.
    {
      name: 'a named listener in a request handler: both suggestions',
      code: dedent`
        import http from 'node:http';
        const onSocketTimeout = () => metrics.socketTimeouts.inc();
        http.createServer((req, res) => {
          req.socket.on('timeout', onSocketTimeout);
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithTimeoutListener = new WeakSet();
                const onSocketTimeout = () => metrics.socketTimeouts.inc();
                http.createServer((req, res) => {
                  if (!socketsWithTimeoutListener.has(req.socket)) {
                    socketsWithTimeoutListener.add(req.socket);
                    req.socket.on('timeout', onSocketTimeout);
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
                const onSocketTimeout = () => metrics.socketTimeouts.inc();
                http.createServer((req, res) => {
                  req.socket.on('timeout', onSocketTimeout);
                  res.once('close', () => req.socket.removeListener('timeout', onSocketTimeout));
                  res.end('ok');
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a named listener in a client response callback',
      code: dedent`
        import https from 'node:https';
        const countFree = () => stats.freed++;
        https.get(url, { agent }, (response) => {
          response.socket.on('free', countFree);
          response.resume();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'free'",
            receiver: 'response.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the response callback of https.get (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'free'", setName: 'socketsWithFreeListener' },
              output: dedent`
                import https from 'node:https';
                const socketsWithFreeListener = new WeakSet();
                const countFree = () => stats.freed++;
                https.get(url, { agent }, (response) => {
                  if (!socketsWithFreeListener.has(response.socket)) {
                    socketsWithFreeListener.add(response.socket);
                    response.socket.on('free', countFree);
                  }
                  response.resume();
                });
              `,
            },
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'response' },
              output: dedent`
                import https from 'node:https';
                const countFree = () => stats.freed++;
                https.get(url, { agent }, (response) => {
                  response.socket.on('free', countFree);
                  response.once('close', () => response.socket.removeListener('free', countFree));
                  response.resume();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a named listener in Koa middleware',
      code: dedent`
        const logSocketError = (err) => logger.warn({ err }, 'client socket error');
        app.use(async (ctx, next) => {
          ctx.req.socket.on('error', logSocketError);
          await next();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'ctx.req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the middleware of app.use() (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                const socketsWithErrorListener = new WeakSet();

                const logSocketError = (err) => logger.warn({ err }, 'client socket error');
                app.use(async (ctx, next) => {
                  if (!socketsWithErrorListener.has(ctx.req.socket)) {
                    socketsWithErrorListener.add(ctx.req.socket);
                    ctx.req.socket.on('error', logSocketError);
                  }
                  await next();
                });
              `,
            },
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'ctx.res' },
              output: dedent`
                const logSocketError = (err) => logger.warn({ err }, 'client socket error');
                app.use(async (ctx, next) => {
                  ctx.req.socket.on('error', logSocketError);
                  ctx.res.once('close', () => ctx.req.socket.removeListener('error', logSocketError));
                  await next();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a named listener added with addEventListener',
      code: dedent`
        const quotes = new EventTarget();
        app.get('/quotes', (req, res) => {
          const onQuote = (event) => res.write(\`data: \${event.detail}\n\n\`);
          quotes.addEventListener('quote', onQuote);
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
            context: "once per request: the route handler of app.get('/quotes') (line 2)",
          },
          suggestions: [
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                const quotes = new EventTarget();
                app.get('/quotes', (req, res) => {
                  const onQuote = (event) => res.write(\`data: \${event.detail}\n\n\`);
                  quotes.addEventListener('quote', onQuote);
                  res.once('close', () => quotes.removeEventListener('quote', onQuote));
                });
              `,
            },
          ],
        },
      ],
    },
  ],
});
