// no-per-request-listener on the syntax real files carry: TSX and JSX, decorators, private #fields, optional calls,
// computed names, `await using`, top-level await with for await, static blocks, generics and TS-only declarations.
// The rule must parse through all of it without throwing, and still see the leaks inside it.
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    // Nothing to report, in syntax that must not trip the detector.
    {
      name: 'JSX: a React component that adds and removes a window listener',
      code: dedent`
        import { useEffect, useState } from 'react';
        export function WindowWidth() {
          const [width, setWidth] = useState(window.innerWidth);
          useEffect(() => {
            const onResize = () => setWidth(window.innerWidth);
            window.addEventListener('resize', onResize);
            return () => window.removeEventListener('resize', onResize);
          }, []);
          return <span className="width">{width}px</span>;
        }
      `,
      filename: 'file.jsx',
    },
    {
      name: 'decorators and a private #field WeakSet guard',
      code: dedent`
        import { Injectable, type NestMiddleware } from '@nestjs/common';
        import type { NextFunction, Request, Response } from 'express';

        @Injectable()
        export class SocketMetricsMiddleware implements NestMiddleware {
          readonly #seen = new WeakSet<object>();

          use(req: Request, _res: Response, next: NextFunction): void {
            const socket = req.socket;
            if (!this.#seen.has(socket)) {
              this.#seen.add(socket);
              socket.on('close', () => this.#onClose());
            }
            next();
          }

          #onClose(): void {
            this.metrics.openSockets.dec();
          }
        }
      `,
      filename: 'file.ts',
    },
    {
      name: 'await using and a stream made in the run',
      code: dedent`
        import { open } from 'node:fs/promises';
        app.get('/exports/:id', async (req, res) => {
          await using file = await open(\`/exports/\${req.params.id}.csv\`);
          const stream = file.createReadStream();
          stream.on('error', () => res.destroy());
          stream.pipe(res);
          await once(stream, 'close');
        });
      `,
      filename: 'file.ts',
    },
    {
      name: 'a class static block runs once',
      code: dedent`
        export class Telemetry {
          static readonly exporter = new Exporter();
          static {
            process.on('beforeExit', () => Telemetry.exporter.flush());
          }
        }
      `,
      filename: 'file.ts',
    },
    {
      name: 'TS-only syntax: enums, namespaces, module augmentation, overloads, satisfies',
      code: dedent`
        import type { IncomingMessage } from 'node:http';
        export enum Level { Debug, Info }
        export namespace Handlers {
          export declare function handle(req: IncomingMessage): void;
        }
        declare module 'express' {
          interface Request { startedAt?: number }
        }
        export abstract class Base<T> {
          abstract handle(input: T): void;
          overload(a: string): void;
          overload(a: number): void;
          overload(a: unknown): void {}
        }
        export const config = { retries: 3 } as const satisfies Record<string, number>;
        app.get('/', (req, res) => {
          const socket = req.socket as import('node:net').Socket;
          res.on('finish', () => (req as IncomingMessage & { startedAt?: number }).startedAt);
          res.end(String(socket.remotePort!));
        });
      `,
      filename: 'file.ts',
    },
  ],
  invalid: [
    // Leaks inside the same syntax are still found.
    {
      name: 'TSX: a route handler that renders JSX, with a type assertion',
      code: dedent`
        import express from 'express';
        import { renderToString } from 'react-dom/server';
        import { App } from './App';

        const app = express();
        app.get('*', (req, res) => {
          req.socket.on('close', () => metrics.renders.dec());
          res.send(renderToString(<App url={req.url} user={req.user as User | undefined} />));
        });
      `,
      filename: 'file.tsx',
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('*') (line 6)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import express from 'express';
                import { renderToString } from 'react-dom/server';
                import { App } from './App';
                const socketsWithCloseListener = new WeakSet();

                const app = express();
                app.get('*', (req, res) => {
                  if (!socketsWithCloseListener.has(req.socket)) {
                    socketsWithCloseListener.add(req.socket);
                    req.socket.on('close', () => metrics.renders.dec());
                  }
                  res.send(renderToString(<App url={req.url} user={req.user as User | undefined} />));
                });
              `,
            },
          ],
        },
      ],
    },
    {
      // Found by the fuzz test: the declaration went above the hashbang, where the file no longer parses.
      name: 'a script with a hashbang and no imports: the WeakSet goes below the hashbang',
      code: "#!/usr/bin/env node\nserver.on('request', (req, res) => {\n  req.socket.on('close', () => console.log('closed'));\n  res.end();\n});\n",
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the 'request' listener of server (line 2)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output:
                "#!/usr/bin/env node\nconst socketsWithCloseListener = new WeakSet();\n\nserver.on('request', (req, res) => {\n  if (!socketsWithCloseListener.has(req.socket)) {\n    socketsWithCloseListener.add(req.socket);\n    req.socket.on('close', () => console.log('closed'));\n  }\n  res.end();\n});\n",
            },
          ],
        },
      ],
    },
    {
      name: 'a private #field agent in a method that sends a request',
      code: dedent`
        import https from 'node:https';
        export class PriceClient {
          #agent = new https.Agent({ keepAlive: true });
          #freed = 0;

          fetchPrice(symbol: string): Promise<number> {
            this.#agent.on('free', () => this.#freed++);
            return new Promise((resolve, reject) => {
              https.get(\`https://prices.internal/\${symbol}\`, { agent: this.#agent }, (res) => {
                let body = '';
                res.on('data', (chunk: Buffer) => (body += chunk));
                res.on('end', () => resolve(Number(body)));
              }).on('error', reject);
            });
          }
        }
      `,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'free'",
            receiver: 'this.#agent',
            lifetime: 'a field of PriceClient, which outlives each run',
            context: 'once per request: PriceClient.fetchPrice, which sends a request (https.get) (line 9)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'free'", setName: 'emittersWithFreeListener' },
              output: dedent`
                import https from 'node:https';
                const emittersWithFreeListener = new WeakSet();
                export class PriceClient {
                  #agent = new https.Agent({ keepAlive: true });
                  #freed = 0;

                  fetchPrice(symbol: string): Promise<number> {
                    if (!emittersWithFreeListener.has(this.#agent)) {
                      emittersWithFreeListener.add(this.#agent);
                      this.#agent.on('free', () => this.#freed++);
                    }
                    return new Promise((resolve, reject) => {
                      https.get(\`https://prices.internal/\${symbol}\`, { agent: this.#agent }, (res) => {
                        let body = '';
                        res.on('data', (chunk: Buffer) => (body += chunk));
                        res.on('end', () => resolve(Number(body)));
                      }).on('error', reject);
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
      name: 'optional chaining on the receiver and on the call',
      code: dedent`
        app.get('/status', (req, res) => {
          req.socket?.once?.('close', () => logger.debug('status client left'));
          res.json({ ok: true });
        });
      `,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 2,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the route handler of app.get('/status') (line 1)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                const socketsWithCloseListener = new WeakSet();

                app.get('/status', (req, res) => {
                  if (!socketsWithCloseListener.has(req.socket)) {
                    socketsWithCloseListener.add(req.socket);
                    req.socket?.once?.('close', () => logger.debug('status client left'));
                  }
                  res.json({ ok: true });
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'computed names: a symbol-keyed method and a string-keyed registration',
      code: dedent`
        import http from 'node:http';
        const kOnClose = Symbol('onClose');
        class Router {
          [kOnClose]() {
            this.open--;
          }
          ['handle'](req, res) {
            req.socket['on']('close', () => this[kOnClose]());
            res.end();
          }
        }
        const router = new Router();
        http.createServer((req, res) => router.handle(req, res));
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 8,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: called at line 13 from the request handler of http.createServer (line 13)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import http from 'node:http';
                const socketsWithCloseListener = new WeakSet();
                const kOnClose = Symbol('onClose');
                class Router {
                  [kOnClose]() {
                    this.open--;
                  }
                  ['handle'](req, res) {
                    if (!socketsWithCloseListener.has(req.socket)) {
                      socketsWithCloseListener.add(req.socket);
                      req.socket['on']('close', () => this[kOnClose]());
                    }
                    res.end();
                  }
                }
                const router = new Router();
                http.createServer((req, res) => router.handle(req, res));
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'top-level await and for await over server requests',
      code: dedent`
        import { on } from 'node:events';
        import http from 'node:http';
        const server = http.createServer().listen(8080);
        await new Promise((resolve) => server.once('listening', resolve));
        for await (const [req, res] of on(server, 'request')) {
          req.socket.on('close', () => logger.debug('socket closed'));
          res.end('ok');
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'on every loop iteration: a loop without bound (line 5)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import { on } from 'node:events';
                import http from 'node:http';
                const socketsWithCloseListener = new WeakSet();
                const server = http.createServer().listen(8080);
                await new Promise((resolve) => server.once('listening', resolve));
                for await (const [req, res] of on(server, 'request')) {
                  if (!socketsWithCloseListener.has(req.socket)) {
                    socketsWithCloseListener.add(req.socket);
                    req.socket.on('close', () => logger.debug('socket closed'));
                  }
                  res.end('ok');
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'a generic tracker function called with a type argument',
      code: dedent`
        import type { Socket } from 'node:net';
        import http from 'node:http';
        function watchIdle<T extends Socket>(socket: T, onIdle: (s: T) => void): T {
          socket.on('timeout', () => onIdle(socket));
          return socket;
        }
        http.createServer((req, res) => {
          watchIdle<typeof req.socket>(req.socket, (s) => s.destroy());
          res.end();
        });
      `,
      filename: 'file.ts',
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'timeout'",
            receiver: 'socket',
            lifetime: 'a keep-alive socket that outlives the request: req.socket, passed in at line 8',
            context: 'once per request: called at line 8 from the request handler of http.createServer (line 7)',
          },
          suggestions: [],
        },
      ],
    },
  ],
});
