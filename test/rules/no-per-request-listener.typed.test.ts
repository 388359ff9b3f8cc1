// no-per-request-listener with typeChecked (the recommended-type-checked config): receivers classified by their
// TypeScript types, registrations on non-emitters dropped, request handlers known by their parameter types, and
// calls followed into other files of the program. Cases run in a fixture project with a tsconfig and @types/node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../rules/index.js';
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import './rule-tester.js';

const project = join(import.meta.dirname, 'fixtures', 'typed');
const file = join(project, 'src', 'file.ts');
const options = [{ typeChecked: true }] as const;

const ruleTester = new RuleTester({
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: project } },
});

/** A module-level router whose `.on(path, handler)` is routing, not an emitter. */
const router = dedent`
  import http from 'node:http';
  class Router {
    private readonly routes = new Map<string, () => string>();
    on(path: string, handler: () => string): void {
      this.routes.set(path, handler);
    }
  }
  const router = new Router();
`;

/**
 * A relay whose forward() registers on a long-lived socket and gets the response typed as `responseType`: only that
 * type makes forward() a request handler. It follows declarations that import Socket.
 */
const relay = (responseType: string): string =>
  dedent`
    export class Relay {
      private readonly upstream = new Map<string, Socket>();
      forward(path: string, res: RESPONSE): void {
        const link = this.upstream.get(path)!;
        link.on('data', (chunk: Buffer) => res?.write(chunk));
      }
    }
  `.replace('RESPONSE', responseType);

ruleTester.run('no-per-request-listener (typeChecked)', rule, {
  valid: [
    {
      name: 'a router method named on() is no registration: the type has no listener methods',
      filename: file,
      options,
      code: `${router}\n${dedent`
        http.createServer((req, res) => {
          router.on('/health', () => 'ok');
          res.end();
        });
      `}`,
    },
    {
      name: 'a socket parameter is fine where nothing repeats',
      filename: file,
      options,
      code: dedent`
        import type { Socket } from 'node:net';
        export function watch(link: Socket): void {
          link.on('close', () => undefined);
        }
      `,
    },
  ],
  invalid: [
    {
      name: 'a Socket found by its type in a method that takes a ServerResponse',
      filename: file,
      options,
      code: dedent`
        import type { IncomingMessage, ServerResponse } from 'node:http';
        import type { Socket } from 'node:net';
        export class Proxy {
          private readonly links = new Map<string, Socket>();
          handle(req: IncomingMessage, res: ServerResponse): void {
            const link = this.links.get(req.url ?? '/')!;
            link.on('data', (chunk: Buffer) => res.write(chunk));
          }
        }
      `,
      errors: [{ messageId: 'perRequestListener', line: 7, column: 5 }],
    },
    {
      name: 'a response behind a type alias and a union with undefined still makes the function a request handler',
      filename: file,
      options,
      code: dedent`
        import type { ServerResponse } from 'node:http';
        import type { Socket } from 'node:net';
        type Reply = ServerResponse;
        export class Relay {
          private readonly upstream = new Map<string, Socket>();
          forward(path: string, res: Reply | undefined, done: () => void): void {
            const link = this.upstream.get(path)!;
            link.on('data', (chunk: Buffer) => res?.write(chunk));
            done();
          }
        }
      `,
      errors: [{ messageId: 'perRequestListener', line: 8, column: 5 }],
    },
    {
      name: 'a generic interface built on ServerResponse (as Express declares its Response) makes the function a request handler',
      filename: file,
      options,
      code: `${dedent`
        import type { ServerResponse } from 'node:http';
        import type { Socket } from 'node:net';
        interface Reply<Body = unknown> extends ServerResponse {
          body?: Body;
        }
      `}\n${relay('Reply<string>')}`,
      errors: [{ messageId: 'perRequestListener', line: 10, column: 5 }],
    },
    {
      name: 'a class built on http.ServerResponse through a namespace import makes a parameter of its type a response',
      filename: file,
      options,
      code: `${dedent`
        import * as http from 'node:http';
        import type { Socket } from 'node:net';
        class TracedResponse extends http.ServerResponse {
          traceId = '';
        }
      `}\n${relay('TracedResponse | null')}`,
      errors: [{ messageId: 'perRequestListener', line: 10, column: 5 }],
    },
    {
      name: 'a response passed through a generic alias (the alias stands for its argument) makes the function a request handler',
      filename: file,
      options,
      code: `${dedent`
        import type { ServerResponse } from 'node:http';
        import type { Socket } from 'node:net';
        type Maybe<T> = T | undefined;
      `}\n${relay('Maybe<ServerResponse>')}`,
      errors: [{ messageId: 'perRequestListener', line: 8, column: 5 }],
    },
    {
      name: 'a tracker in another file of the program, called per response through an injected field',
      filename: join(project, 'src', 'tracker.ts'),
      options,
      code: readFileSync(join(project, 'src', 'tracker.ts'), 'utf8'),
      errors: [
        {
          messageId: 'perRequestListener',
          line: 8,
          column: 5,
          data: {
            receiver: 'socket',
            event: "'close'",
            lifetime: 'a keep-alive socket that outlives the request: res.socket, passed in at src/client.ts:13',
            context: 'once per request: Tracker.track, called from Client.get (src/client.ts:13) (line 6)',
            removalLine: '',
            closeEvent: '',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'close'", setName: 'socketsWithCloseListener' },
              output: dedent`
                import type { Socket } from 'node:net';
                const socketsWithCloseListener = new WeakSet();

                export class Tracker {
                  private open = 0;

                  track(socket: Socket): void {
                    this.open++;
                    if (!socketsWithCloseListener.has(socket)) {
                      socketsWithCloseListener.add(socket);
                      socket.on('close', () => {
                        this.open--;
                      });
                    }
                  }
                }
              ` + '\n',
            },
          ],
        },
      ],
    },
  ],
});

describe('typeChecked without type information', () => {
  it('stops with what to configure instead of running untyped', () => {
    const linter = new Linter({ configType: 'flat' });
    const run = (): Linter.LintMessage[] =>
      linter.verify(
        "import http from 'node:http';\nhttp.createServer((req, res) => { req.socket.on('close', () => {}); });\n",
        [{ files: ['**/*.js'], plugins: { 'listener-leak': plugin as never }, rules: { 'listener-leak/no-per-request-listener': ['error', { typeChecked: true }] } }],
        'server.js',
      );
    expect(run).toThrow(/typeChecked.*needs type information.*projectService/s);
  });

  it('the same router registration is reported without types (the difference the types make)', () => {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(
      `${router}\nhttp.createServer((req, res) => {\n  router.on('/health', () => 'ok');\n  res.end();\n});\n`,
      [{ files: ['**/*.ts'], languageOptions: { parser: tsParser }, plugins: { 'listener-leak': plugin as never }, rules: { 'listener-leak/no-per-request-listener': 'error' } }],
      'server.ts',
    );
    expect(messages.map((m) => m.messageId)).toEqual(['perRequestListener']);
  });
});
