// no-per-request-listener: where code repeats. Every repeating context of DESIGN.md (server handlers, routes and
// middleware, client callbacks, timers, loops, reconnect paths, request issuers, same-file callees, recurring events,
// configured names) with a leak in it, and the code that runs once (start-up, constructors, per-connection
// callbacks, setup functions, tests), where the same registration is fine.
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    // Code that runs once per process, per connection, or in tests.
    {
      name: 'module top level',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer(app);
        process.on('SIGTERM', () => server.close());
        server.on('error', (err) => logger.fatal(err));
        server.listen(8080);
      `,
    },
    {
      name: 'a bounded loop at start-up',
      code: dedent`
        const servers = [publicServer, adminServer];
        for (const server of servers) {
          server.on('clientError', (err, socket) => socket.destroy(err));
        }
      `,
    },
    {
      name: 'a constructor',
      code: dedent`
        export class Gateway {
          constructor(server, pool) {
            this.server = server;
            process.on('SIGINT', () => this.shutdown());
            server.on('close', () => pool.end());
          }
        }
      `,
    },
    {
      name: 'a connection listener',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer(app);
        server.on('connection', (socket) => {
          socket.setKeepAlive(true, 30_000);
          socket.on('error', (err) => logger.debug({ err }, 'client socket error'));
          socket.setTimeout(65_000, () => socket.destroy());
        });
      `,
    },
    {
      name: 'a secureConnection listener',
      code: dedent`
        import https from 'node:https';
        const openTls = new Set();
        const server = https.createServer({ key, cert }, app);
        server.on('secureConnection', (tlsSocket) => {
          openTls.add(tlsSocket);
          tlsSocket.on('close', () => openTls.delete(tlsSocket));
        });
      `,
    },
    {
      name: 'net.createServer connection callback',
      code: dedent`
        import net from 'node:net';
        net.createServer((socket) => {
          socket.on('data', (chunk) => socket.write(chunk));
          socket.on('error', () => socket.destroy());
        }).listen(7000);
      `,
    },
    {
      name: "an Agent subclass's createConnection",
      code: dedent`
        import https from 'node:https';
        export class CountingAgent extends https.Agent {
          live = 0;
          createConnection(options, callback) {
            const socket = super.createConnection(options, callback);
            this.live++;
            socket.on('close', () => this.live--);
            return socket;
          }
        }
      `,
    },
    {
      name: 'a setup function named init, even though it sends a request',
      code: dedent`
        export async function init(app) {
          process.on('unhandledRejection', (err) => app.log.error(err));
          const res = await fetch(process.env.CONFIG_URL);
          app.config = await res.json();
        }
      `,
    },
    {
      name: 'a bootstrap function',
      code: dedent`
        async function bootstrap() {
          const app = await NestFactory.create(AppModule);
          process.on('SIGTERM', () => app.close());
          await app.listen(3000);
        }
        bootstrap();
      `,
    },
    {
      name: 'the setupFunctions option',
      code: dedent`
        export async function loadRemoteConfig() {
          process.on('SIGHUP', () => loadRemoteConfig());
          const res = await fetch(process.env.CONFIG_URL);
          return res.json();
        }
      `,
      options: [{"setupFunctions":["loadRemoteConfig"]}],
    },
    {
      name: 'test bodies: describe, beforeEach, it',
      code: dedent`
        describe('keep-alive agent', () => {
          beforeEach(() => {
            process.on('warning', onWarning);
          });
          it('reuses the socket', async () => {
            agent.on('free', onFree);
            const res = await fetch(baseUrl);
            expect(res.status).toBe(200);
          });
        });
      `,
    },
    {
      name: 'the ignoreEvents option',
      code: dedent`
        app.use((req, res, next) => {
          req.socket.on('error', () => {});
          next();
        });
      `,
      options: [{"ignoreEvents":["error"]}],
    },
    {
      name: 'a function called only at start-up',
      code: dedent`
        function watchProcess(emitter) {
          emitter.on('warning', (warning) => logger.warn(warning));
        }
        watchProcess(process);
        app.get('/', (req, res) => res.send('ok'));
      `,
    },
    {
      name: 'a route handler that adds no listener to a long-lived emitter',
      code: dedent`
        import express from 'express';
        const app = express();
        app.get('/orders', async (req, res) => {
          const rows = await db.query('SELECT * FROM orders LIMIT 50');
          res.on('finish', () => metrics.observe(req.path, res.statusCode));
          res.json(rows);
        });
      `,
    },
  ],
  invalid: [
    // Server request handlers: createServer from every import style, and the server's per-request events.
    {
      name: 'http.createServer from a default import',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.socket.on('error', (err) => logger.warn({ err }, 'client socket error'));
          res.end();
        }).listen(8080);
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithErrorListener = new WeakSet();
                http.createServer((req, res) => {
                  if (!socketsWithErrorListener.has(req.socket)) {
                    socketsWithErrorListener.add(req.socket);
                    req.socket.on('error', (err) => logger.warn({ err }, 'client socket error'));
                  }
                  res.end();
                }).listen(8080);
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'https.createServer from a namespace import',
      code: dedent`
        import * as https from 'node:https';
        const server = https.createServer({ key, cert }, (req, res) => {
          res.socket.on('close', () => metrics.socketsClosed.inc());
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of https.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import * as https from 'node:https';
                const socketsWithCloseListener = new WeakSet();
                const server = https.createServer({ key, cert }, (req, res) => {
                  if (!socketsWithCloseListener.has(res.socket)) {
                    socketsWithCloseListener.add(res.socket);
                    res.socket.on('close', () => metrics.socketsClosed.inc());
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
      name: 'createSecureServer imported by name from node:http2',
      code: dedent`
        import { createSecureServer } from 'node:http2';
        const server = createSecureServer({ key, cert, allowHTTP1: true }, (req, res) => {
          req.socket.on('timeout', () => logger.debug('idle http/1.1 client'));
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of createSecureServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                import { createSecureServer } from 'node:http2';
                const socketsWithTimeoutListener = new WeakSet();
                const server = createSecureServer({ key, cert, allowHTTP1: true }, (req, res) => {
                  if (!socketsWithTimeoutListener.has(req.socket)) {
                    socketsWithTimeoutListener.add(req.socket);
                    req.socket.on('timeout', () => logger.debug('idle http/1.1 client'));
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
      name: 'http.createServer from require',
      code: dedent`
        const http = require('http');
        module.exports = http.createServer(function handle(req, res) {
          res.connection.on('end', () => logger.debug('client half-closed'));
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'end'",
            receiver: 'res.connection',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'end'", setName: 'socketsWithEndListener' },
              output: dedent`
                const http = require('http');
                const socketsWithEndListener = new WeakSet();
                module.exports = http.createServer(function handle(req, res) {
                  if (!socketsWithEndListener.has(res.connection)) {
                    socketsWithEndListener.add(res.connection);
                    res.connection.on('end', () => logger.debug('client half-closed'));
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
      name: 'createServer destructured from require',
      code: dedent`
        const { createServer } = require('node:http');
        createServer((req, res) => {
          req.socket.on('end', () => logger.debug('client half-closed'));
          res.end();
        }).listen(3000);
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'end'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of createServer (line 2)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'end'", setName: 'socketsWithEndListener' },
              output: dedent`
                const { createServer } = require('node:http');
                const socketsWithEndListener = new WeakSet();
                createServer((req, res) => {
                  if (!socketsWithEndListener.has(req.socket)) {
                    socketsWithEndListener.add(req.socket);
                    req.socket.on('end', () => logger.debug('client half-closed'));
                  }
                  res.end();
                }).listen(3000);
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'server.on request',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer();
        server.on('request', (req, res) => {
          req.socket.on('data', (chunk) => (bytesIn += chunk.length));
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'data'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the 'request' listener of server (line 3)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'data'", setName: 'socketsWithDataListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithDataListener = new WeakSet();
                const server = http.createServer();
                server.on('request', (req, res) => {
                  if (!socketsWithDataListener.has(req.socket)) {
                    socketsWithDataListener.add(req.socket);
                    req.socket.on('data', (chunk) => (bytesIn += chunk.length));
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
      name: 'server.on upgrade registering on process',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer(app);
        server.on('upgrade', (req, socket, head) => {
          process.on('SIGTERM', () => socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n'));
          wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'SIGTERM'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: "once per request: the 'upgrade' listener of server (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'server.on connect registering on the server',
      code: dedent`
        import http from 'node:http';
        const proxy = http.createServer();
        proxy.on('connect', (req, clientSocket, head) => {
          proxy.on('close', () => clientSocket.destroy());
          tunnel(req.url, clientSocket, head);
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'proxy',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the 'connect' listener of proxy (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'server.on checkContinue',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer();
        server.on('checkContinue', (req, res) => {
          req.socket.on('close', () => uploads.abort(req.url));
          res.writeContinue();
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
            context: "once per request: the 'checkContinue' listener of server (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    // Routes and middleware of Express, Koa, Fastify, Hapi and NestJS.
    {
      name: 'Express app.get',
      code: dedent`
        import express from 'express';
        const app = express();
        app.get('/orders/:id', async (req, res) => {
          req.socket.on('close', () => logger.info('client went away'));
          res.json(await orders.find(req.params.id));
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
            context: "once per request: the route handler of app.get('/orders/:id') (line 3)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import express from 'express';
                const socketsWithCloseListener = new WeakSet();
                const app = express();
                app.get('/orders/:id', async (req, res) => {
                  if (!socketsWithCloseListener.has(req.socket)) {
                    socketsWithCloseListener.add(req.socket);
                    req.socket.on('close', () => logger.info('client went away'));
                  }
                  res.json(await orders.find(req.params.id));
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'Express router.post',
      code: dedent`
        import { Router } from 'express';
        export const router = Router();
        router.post('/upload/:name', (req, res) => {
          req.connection.on('timeout', () => logger.warn('slow upload'));
          req.pipe(storage.writer(req.params.name)).on('finish', () => res.sendStatus(201));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'req.connection',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of router.post('/upload/:name') (line 3)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                import { Router } from 'express';
                const socketsWithTimeoutListener = new WeakSet();
                export const router = Router();
                router.post('/upload/:name', (req, res) => {
                  if (!socketsWithTimeoutListener.has(req.connection)) {
                    socketsWithTimeoutListener.add(req.connection);
                    req.connection.on('timeout', () => logger.warn('slow upload'));
                  }
                  req.pipe(storage.writer(req.params.name)).on('finish', () => res.sendStatus(201));
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'Express app.use middleware',
      code: dedent`
        import express from 'express';
        const app = express();
        app.use((req, res, next) => {
          res.socket.on('error', (err) => logger.warn({ err }, 'socket error'));
          next();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the middleware of app.use() (line 3)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                import express from 'express';
                const socketsWithErrorListener = new WeakSet();
                const app = express();
                app.use((req, res, next) => {
                  if (!socketsWithErrorListener.has(res.socket)) {
                    socketsWithErrorListener.add(res.socket);
                    res.socket.on('error', (err) => logger.warn({ err }, 'socket error'));
                  }
                  next();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'Express app.route(path).get',
      code: dedent`
        import express from 'express';
        const app = express();
        app.route('/books').get((req, res) => {
          req.socket.on('end', () => logger.debug('socket ended'));
          res.send(catalog.books());
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'end'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.route('/books').get() (line 3)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'end'", setName: 'socketsWithEndListener' },
              output: dedent`
                import express from 'express';
                const socketsWithEndListener = new WeakSet();
                const app = express();
                app.route('/books').get((req, res) => {
                  if (!socketsWithEndListener.has(req.socket)) {
                    socketsWithEndListener.add(req.socket);
                    req.socket.on('end', () => logger.debug('socket ended'));
                  }
                  res.send(catalog.books());
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'Koa middleware',
      code: dedent`
        import Koa from 'koa';
        const app = new Koa();
        app.use(async (ctx, next) => {
          ctx.req.socket.on('close', () => activeSockets.delete(ctx.req.socket));
          await next();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'ctx.req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the middleware of app.use() (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'Fastify fastify.get',
      code: dedent`
        import Fastify from 'fastify';
        const fastify = Fastify();
        fastify.get('/health', async (request, reply) => {
          request.raw.socket.on('close', () => fastify.log.debug('health socket closed'));
          return { ok: true };
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'request.raw.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of fastify.get('/health') (line 3)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import Fastify from 'fastify';
                const socketsWithCloseListener = new WeakSet();
                const fastify = Fastify();
                fastify.get('/health', async (request, reply) => {
                  if (!socketsWithCloseListener.has(request.raw.socket)) {
                    socketsWithCloseListener.add(request.raw.socket);
                    request.raw.socket.on('close', () => fastify.log.debug('health socket closed'));
                  }
                  return { ok: true };
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'Fastify route with a handler',
      code: dedent`
        import Fastify from 'fastify';
        const fastify = Fastify();
        fastify.route({
          method: 'GET',
          url: '/reports/:id',
          handler: async (request, reply) => {
            request.socket.on('error', (err) => request.log.warn(err));
            return reports.render(request.params.id);
          },
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'request.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the handler of fastify.route() (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'Fastify addHook onRequest',
      code: dedent`
        import Fastify from 'fastify';
        const fastify = Fastify();
        fastify.addHook('onRequest', async (request, reply) => {
          request.socket.on('close', () => inflight.delete(request.id));
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'request.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the 'onRequest' hook (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'Hapi server.route handler',
      code: dedent`
        import Hapi from '@hapi/hapi';
        const server = Hapi.server({ port: 3000 });
        server.route({
          method: 'GET',
          path: '/items',
          handler: (request, h) => {
            request.raw.req.socket.on('close', () => audit.log(request.path));
            return items.list();
          },
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'request.raw.req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the handler of server.route() (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'Hapi route options.handler',
      code: dedent`
        import Hapi from '@hapi/hapi';
        const server = Hapi.server({ port: 3000 });
        server.route({
          method: 'POST',
          path: '/items',
          options: {
            auth: 'jwt',
            handler: (request, h) => {
              request.raw.req.socket.on('close', () => audit.log(request.path));
              return h.response(items.add(request.payload)).code(201);
            },
          },
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 9,
          column: 7,
          data: {
            event: "'close'",
            receiver: 'request.raw.req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the handler of server.route() (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'NestJS @Get() handler',
      code: dedent`
        import { Controller, Get, Logger, Param, Req } from '@nestjs/common';
        import type { Request } from 'express';

        @Controller('reports')
        export class ReportsController {
          private readonly logger = new Logger(ReportsController.name);

          @Get(':id')
          findOne(@Param('id') id: string, @Req() req: Request): Promise<Report> {
            req.socket.on('close', () => this.logger.log('client left'));
            return this.reports.find(id);
          }
        }
      `,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'perRequestListener',
          line: 10,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the @Get() handler ReportsController.findOne (line 8)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import { Controller, Get, Logger, Param, Req } from '@nestjs/common';
                import type { Request } from 'express';
                const socketsWithCloseListener = new WeakSet();

                @Controller('reports')
                export class ReportsController {
                  private readonly logger = new Logger(ReportsController.name);

                  @Get(':id')
                  findOne(@Param('id') id: string, @Req() req: Request): Promise<Report> {
                    if (!socketsWithCloseListener.has(req.socket)) {
                      socketsWithCloseListener.add(req.socket);
                      req.socket.on('close', () => this.logger.log('client left'));
                    }
                    return this.reports.find(id);
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'NestJS NestMiddleware.use',
      code: dedent`
        import { Injectable, type NestMiddleware } from '@nestjs/common';
        import type { NextFunction, Request, Response } from 'express';

        @Injectable()
        export class SocketActivityMiddleware implements NestMiddleware {
          constructor(private readonly activity: ActivityService) {}

          use(req: Request, res: Response, next: NextFunction): void {
            req.socket.on('data', () => this.activity.touch());
            next();
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
            event: "'data'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: SocketActivityMiddleware.use of a NestMiddleware (line 5)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'data'", setName: 'socketsWithDataListener' },
              output: dedent`
                import { Injectable, type NestMiddleware } from '@nestjs/common';
                import type { NextFunction, Request, Response } from 'express';
                const socketsWithDataListener = new WeakSet();

                @Injectable()
                export class SocketActivityMiddleware implements NestMiddleware {
                  constructor(private readonly activity: ActivityService) {}

                  use(req: Request, res: Response, next: NextFunction): void {
                    if (!socketsWithDataListener.has(req.socket)) {
                      socketsWithDataListener.add(req.socket);
                      req.socket.on('data', () => this.activity.touch());
                    }
                    next();
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    // Client callbacks: the response callback, and the ClientRequest's per-request events.
    {
      name: 'https.request(options, res =>) callback',
      code: dedent`
        import https from 'node:https';
        const agent = new https.Agent({ keepAlive: true });
        export function getJson(url) {
          return new Promise((resolve, reject) => {
            https.request(url, { agent }, (res) => {
              res.socket.on('error', reject);
              let body = '';
              res.on('data', (chunk) => (body += chunk));
              res.on('end', () => resolve(JSON.parse(body)));
            }).end();
          });
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 7,
          data: {
            event: "'error'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the response callback of https.request (line 5)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'http.get(url, res =>) callback',
      code: dedent`
        import http from 'node:http';
        const agent = new http.Agent({ keepAlive: true });
        export function probe(url) {
          http.get(url, { agent }, (res) => {
            res.socket.on('close', () => logger.debug('probe socket closed'));
            res.resume();
          });
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the response callback of http.get (line 4)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithCloseListener = new WeakSet();
                const agent = new http.Agent({ keepAlive: true });
                export function probe(url) {
                  http.get(url, { agent }, (res) => {
                    if (!socketsWithCloseListener.has(res.socket)) {
                      socketsWithCloseListener.add(res.socket);
                      res.socket.on('close', () => logger.debug('probe socket closed'));
                    }
                    res.resume();
                  });
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'req.on response',
      code: dedent`
        import http from 'node:http';
        const agent = new http.Agent({ keepAlive: true });
        export function post(options, body) {
          const req = http.request({ ...options, agent, method: 'POST' });
          req.on('response', (res) => {
            res.socket.on('timeout', () => logger.warn('upstream idle'));
            res.resume();
          });
          req.end(body);
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'timeout'",
            receiver: 'res.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the 'response' listener of req (line 5)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'timeout'", setName: 'socketsWithTimeoutListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithTimeoutListener = new WeakSet();
                const agent = new http.Agent({ keepAlive: true });
                export function post(options, body) {
                  const req = http.request({ ...options, agent, method: 'POST' });
                  req.on('response', (res) => {
                    if (!socketsWithTimeoutListener.has(res.socket)) {
                      socketsWithTimeoutListener.add(res.socket);
                      res.socket.on('timeout', () => logger.warn('upstream idle'));
                    }
                    res.resume();
                  });
                  req.end(body);
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'req.on socket',
      code: dedent`
        import http from 'node:http';
        export function send(options, payload) {
          const req = http.request(options);
          req.on('socket', (socket) => {
            socket.on('timeout', () => req.destroy(new Error('socket idle')));
          });
          req.end(payload);
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'timeout'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'req.on information',
      code: dedent`
        import http from 'node:http';
        export function send(options) {
          const req = http.request(options);
          req.on('information', (info) => {
            req.socket.on('close', () => logger.debug(\`closed after \${info.statusCode}\`));
          });
          req.end();
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
            context: "once per request: the 'information' listener of req (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'req.on upgrade',
      code: dedent`
        import http from 'node:http';
        export function openTunnel(options) {
          const req = http.request({ ...options, headers: { connection: 'upgrade', upgrade: 'raw' } });
          req.on('upgrade', (res, socket) => {
            process.on('exit', () => socket.destroy());
            pipeline(socket, local);
          });
          req.end();
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'exit'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: "once per request: the 'upgrade' listener of req (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'req.on connect',
      code: dedent`
        import http from 'node:http';
        const agent = new http.Agent({ keepAlive: true });
        export function tunnel(proxy, target) {
          const req = http.request({ ...proxy, method: 'CONNECT', path: target, agent });
          req.on('connect', (res, socket) => {
            agent.on('free', () => stats.freed++);
            socket.pipe(local).pipe(socket);
          });
          req.end();
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'free'",
            receiver: 'agent',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: the 'connect' listener of req (line 5)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'free'", setName: 'emittersWithFreeListener' },
              output: dedent`
                import http from 'node:http';
                const emittersWithFreeListener = new WeakSet();
                const agent = new http.Agent({ keepAlive: true });
                export function tunnel(proxy, target) {
                  const req = http.request({ ...proxy, method: 'CONNECT', path: target, agent });
                  req.on('connect', (res, socket) => {
                    if (!emittersWithFreeListener.has(agent)) {
                      emittersWithFreeListener.add(agent);
                      agent.on('free', () => stats.freed++);
                    }
                    socket.pipe(local).pipe(socket);
                  });
                  req.end();
                }
              `,
            },
          ],
        },
      ],
    },
    // Timers, unbounded loops, reconnect paths and functions that send a request.
    {
      name: 'setInterval callback',
      code: dedent`
        setInterval(() => {
          process.on('warning', (warning) => logger.warn(warning));
          flushMetrics();
        }, 60_000);
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'warning'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'on every timer tick: a setInterval callback (line 1)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'warning'", setName: 'emittersWithWarningListener' },
              output: dedent`
                const emittersWithWarningListener = new WeakSet();

                setInterval(() => {
                  if (!emittersWithWarningListener.has(process)) {
                    emittersWithWarningListener.add(process);
                    process.on('warning', (warning) => logger.warn(warning));
                  }
                  flushMetrics();
                }, 60_000);
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'setTimeout that reschedules itself',
      code: dedent`
        function poll() {
          process.stdout.on('drain', () => logger.debug('stdout drained'));
          printQueueDepth();
          setTimeout(poll, 1000);
        }
        poll();
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
            context: 'every time it is re-entered (e.g. on every reconnect): poll, which reschedules itself (line 4)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'drain'", setName: 'emittersWithDrainListener' },
              output: dedent`
                const emittersWithDrainListener = new WeakSet();

                function poll() {
                  if (!emittersWithDrainListener.has(process.stdout)) {
                    emittersWithDrainListener.add(process.stdout);
                    process.stdout.on('drain', () => logger.debug('stdout drained'));
                  }
                  printQueueDepth();
                  setTimeout(poll, 1000);
                }
                poll();
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'while (true) loop',
      code: dedent`
        import { queue } from './queue.js';
        while (true) {
          const job = await queue.next();
          process.on('SIGINT', () => job.cancel());
          await job.run();
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'on every loop iteration: a loop without bound (line 2)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'for (;;) loop in a worker',
      code: dedent`
        import { consumer } from './queue.js';
        export async function work() {
          for (;;) {
            const message = await consumer.receive();
            consumer.on('error', (err) => message.nack(err));
            await handle(message);
          }
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'consumer',
            lifetime: 'consumer, a module-level emitter imported at line 1',
            context: 'on every loop iteration: a loop without bound (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'for await loop',
      code: dedent`
        import { listen } from './transport.js';
        for await (const connection of listen(4000)) {
          process.once('SIGTERM', () => connection.close());
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 3,
          data: {
            event: "'SIGTERM'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'on every loop iteration: a loop without bound (line 2)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'reconnect path re-entered from close via a timer',
      code: dedent`
        import net from 'node:net';
        let socket;
        function connect() {
          socket = net.connect(6379, 'cache.internal');
          process.on('SIGTERM', () => socket.end());
          socket.on('close', () => setTimeout(connect, 1000));
        }
        connect();
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'SIGTERM'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'every time it is re-entered (e.g. on every reconnect): connect, which reschedules itself (line 6)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'SIGTERM'", setName: 'emittersWithSIGTERMListener' },
              output: dedent`
                import net from 'node:net';
                const emittersWithSIGTERMListener = new WeakSet();
                let socket;
                function connect() {
                  socket = net.connect(6379, 'cache.internal');
                  if (!emittersWithSIGTERMListener.has(process)) {
                    emittersWithSIGTERMListener.add(process);
                    process.on('SIGTERM', () => socket.end());
                  }
                  socket.on('close', () => setTimeout(connect, 1000));
                }
                connect();
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a function that calls fetch',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const priceEvents = new EventEmitter();
        export async function fetchPrice(symbol) {
          priceEvents.on('reset', () => cache.delete(symbol));
          const res = await fetch(\`https://api.example.com/prices/\${symbol}\`);
          return res.json();
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'reset'",
            receiver: 'priceEvents',
            lifetime: 'a module-level emitter (line 2)',
            context: 'once per request: fetchPrice, which sends a request (fetch) (line 5)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a function that calls https.request',
      code: dedent`
        import https from 'node:https';
        export function callRpc(payload) {
          process.on('beforeExit', () => logger.warn(\`unsent rpc \${payload.id}\`));
          const req = https.request(rpcUrl, { method: 'POST', agent: rpcAgent });
          req.end(JSON.stringify(payload));
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'beforeExit'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'once per request: callRpc, which sends a request (https.request) (line 4)',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a function that calls axios.get',
      code: dedent`
        import https from 'node:https';
        import axios from 'axios';
        const agent = new https.Agent({ keepAlive: true });
        export async function getUser(id) {
          agent.on('free', (socket) => socket.setKeepAlive(true, 30_000));
          const { data } = await axios.get(\`https://users.internal/users/\${id}\`, { httpsAgent: agent });
          return data;
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'free'",
            receiver: 'agent',
            lifetime: 'a module-level emitter (line 3)',
            context: 'once per request: getUser, which sends a request (axios.get) (line 6)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'free'", setName: 'emittersWithFreeListener' },
              output: dedent`
                import https from 'node:https';
                import axios from 'axios';
                const emittersWithFreeListener = new WeakSet();
                const agent = new https.Agent({ keepAlive: true });
                export async function getUser(id) {
                  if (!emittersWithFreeListener.has(agent)) {
                    emittersWithFreeListener.add(agent);
                    agent.on('free', (socket) => socket.setKeepAlive(true, 30_000));
                  }
                  const { data } = await axios.get(\`https://users.internal/users/\${id}\`, { httpsAgent: agent });
                  return data;
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a method that calls this.client.request',
      code: dedent`
        export class BillingClient {
          constructor(client) {
            this.client = client;
          }
          async charge(order) {
            this.client.on('error', (err) => this.logger.error({ err, order: order.id }));
            return this.client.request({ path: '/charges', method: 'POST', body: JSON.stringify(order) });
          }
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'this.client',
            lifetime: 'a field of BillingClient, which outlives each run',
            context: 'once per request: BillingClient.charge, which sends a request (this.client.request) (line 7)',
          },
          suggestions: [],
        },
      ],
    },
    // Same-file functions called with the receiver from a repeating context, recurring events, configured names.
    {
      name: 'class method via this.tracker.track(res.socket)',
      code: dedent`
        import https from 'node:https';
        class SocketTracker {
          track(socket) {
            this.open++;
            socket.on('close', () => this.open--);
          }
        }
        export class ApiClient {
          constructor() {
            this.tracker = new SocketTracker();
            this.agent = new https.Agent({ keepAlive: true });
          }
          get(path) {
            return new Promise((resolve) => {
              https.get({ host: 'api.internal', path, agent: this.agent }, (res) => {
                this.tracker.track(res.socket);
                res.resume().on('end', resolve);
              });
            });
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
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: res.socket, passed in at line 16',
            context: 'once per request: called at line 16 from the response callback of https.get (line 15)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import https from 'node:https';
                const socketsWithCloseListener = new WeakSet();
                class SocketTracker {
                  track(socket) {
                    this.open++;
                    if (!socketsWithCloseListener.has(socket)) {
                      socketsWithCloseListener.add(socket);
                      socket.on('close', () => this.open--);
                    }
                  }
                }
                export class ApiClient {
                  constructor() {
                    this.tracker = new SocketTracker();
                    this.agent = new https.Agent({ keepAlive: true });
                  }
                  get(path) {
                    return new Promise((resolve) => {
                      https.get({ host: 'api.internal', path, agent: this.agent }, (res) => {
                        this.tracker.track(res.socket);
                        res.resume().on('end', resolve);
                      });
                    });
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'plain function called with req.socket',
      code: dedent`
        import http from 'node:http';
        function watchSocket(sock) {
          sock.on('error', (err) => logger.warn({ err }, 'socket error'));
        }
        http.createServer((req, res) => {
          watchSocket(req.socket);
          res.end('ok');
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'sock',
            lifetime: 'a keep-alive socket that outlives the request: req.socket, passed in at line 6',
            context: 'once per request: called at line 6 from the request handler of http.createServer (line 5)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithErrorListener = new WeakSet();
                function watchSocket(sock) {
                  if (!socketsWithErrorListener.has(sock)) {
                    socketsWithErrorListener.add(sock);
                    sock.on('error', (err) => logger.warn({ err }, 'socket error'));
                  }
                }
                http.createServer((req, res) => {
                  watchSocket(req.socket);
                  res.end('ok');
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'function returned by a closure factory',
      code: dedent`
        import http from 'node:http';
        function makeSocketCounter(stats) {
          return function count(socket) {
            socket.on('close', () => stats.closed++);
          };
        }
        const countSocket = makeSocketCounter(stats);
        http.createServer((req, res) => {
          countSocket(req.socket);
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: req.socket, passed in at line 9',
            context: 'once per request: called at line 9 from the request handler of http.createServer (line 8)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithCloseListener = new WeakSet();
                function makeSocketCounter(stats) {
                  return function count(socket) {
                    if (!socketsWithCloseListener.has(socket)) {
                      socketsWithCloseListener.add(socket);
                      socket.on('close', () => stats.closed++);
                    }
                  };
                }
                const countSocket = makeSocketCounter(stats);
                http.createServer((req, res) => {
                  countSocket(req.socket);
                  res.end();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'object literal method',
      code: dedent`
        import http from 'node:http';
        const socketStats = {
          bytes: 0,
          observe(socket) {
            socket.on('data', (chunk) => (this.bytes += chunk.length));
          },
        };
        http.createServer((req, res) => {
          socketStats.observe(req.socket);
          res.end();
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'data'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: req.socket, passed in at line 9',
            context: 'once per request: called at line 9 from the request handler of http.createServer (line 8)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'data'", setName: 'socketsWithDataListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithDataListener = new WeakSet();
                const socketStats = {
                  bytes: 0,
                  observe(socket) {
                    if (!socketsWithDataListener.has(socket)) {
                      socketsWithDataListener.add(socket);
                      socket.on('data', (chunk) => (this.bytes += chunk.length));
                    }
                  },
                };
                http.createServer((req, res) => {
                  socketStats.observe(req.socket);
                  res.end();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'recurring event: ws.on(message) registering on ws',
      code: dedent`
        import { WebSocketServer } from 'ws';
        const wss = new WebSocketServer({ port: 8080 });
        wss.on('connection', (ws) => {
          ws.on('message', (data) => {
            const topic = data.toString();
            ws.on('close', () => subscriptions.remove(topic, ws));
          });
        });
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'ws',
            lifetime: 'declared outside the repeating code (line 3)',
            context: "on every 'message' event: the 'message' listener of ws (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'perRequestFunctions option',
      code: dedent`
        export async function handleJob(job) {
          process.on('unhandledRejection', (err) => job.fail(err));
          await job.run();
        }
      `,
      options: [{"perRequestFunctions":["handleJob"]}],
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'unhandledRejection'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'once per request: handleJob, configured as a per-request function (line 1)',
          },
          suggestions: [],
        },
      ],
    },
    // A start-up function is only exempt when it is named as one (see the setupFunctions case above).
    {
      name: 'the same start-up function without the setupFunctions option',
      code: dedent`
        export async function loadRemoteConfig() {
          process.on('SIGHUP', () => loadRemoteConfig());
          const res = await fetch(process.env.CONFIG_URL);
          return res.json();
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 2,
          column: 3,
          data: {
            event: "'SIGHUP'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'once per request: loadRemoteConfig, which sends a request (fetch) (line 3)',
          },
          suggestions: [],
        },
      ],
    },
  ],
});
