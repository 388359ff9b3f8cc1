// no-max-listeners-suppression: raising or removing the listener limit (setMaxListeners with 0, Infinity or a
// limit at the threshold, events.setMaxListeners, EventEmitter.defaultMaxListeners) is reported however the events
// module is reached; small limits, lowering the default and limits computed at run time on one emitter are not.
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-max-listeners-suppression.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-max-listeners-suppression', rule, {
  valid: [
    // Limits that do not hide a leak.
    {
      name: 'a small raise on one emitter, below the threshold',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const jobs = new EventEmitter();
        // One listener per worker, and there are 16 workers.
        jobs.setMaxListeners(16);
      `,
    },
    {
      name: 'the increment idiom around a known extra listener',
      code: dedent`
        export function withListener(emitter, event, fn) {
          emitter.setMaxListeners(emitter.getMaxListeners() + 1);
          emitter.once(event, () => {
            emitter.setMaxListeners(Math.max(emitter.getMaxListeners() - 1, 0));
            fn();
          });
        }
      `,
    },
    {
      name: 'lowering the default in a test setup, to catch leaks earlier',
      code: dedent`
        import { EventEmitter } from 'node:events';
        EventEmitter.defaultMaxListeners = 3;
      `,
    },
    {
      name: 'setting the default to its own value',
      code: dedent`
        const EventEmitter = require('events');
        EventEmitter.defaultMaxListeners = 10;
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
    },
    {
      name: 'reading the limit',
      code: dedent`
        import { EventEmitter, getMaxListeners } from 'node:events';
        console.log(EventEmitter.defaultMaxListeners, getMaxListeners(process));
      `,
    },
    {
      name: 'a limit computed at run time on one emitter',
      code: dedent`
        export function configure(emitter, options) {
          emitter.setMaxListeners(options.maxListeners);
        }
      `,
    },
    {
      name: 'the threshold option',
      code: dedent`
        process.setMaxListeners(500);
      `,
      options: [{threshold: 1000}],
    },
    {
      name: 'defaultMaxListeners of an object that is not the events module',
      code: dedent`
        const config = { defaultMaxListeners: 0 };
        config.defaultMaxListeners = 50;
      `,
    },
    {
      name: 'a local function named setMaxListeners',
      code: dedent`
        function setMaxListeners(n) {
          return n;
        }
        setMaxListeners(0);
      `,
    },
    {
      name: 'events.setMaxListeners with a small limit on an AbortSignal',
      code: dedent`
        import { setMaxListeners } from 'node:events';
        const controller = new AbortController();
        setMaxListeners(20, controller.signal);
      `,
    },
    {
      name: 'an EventEmitter import shadowed by a local binding',
      code: dedent`
        import { EventEmitter } from 'node:events';
        export function make(EventEmitter) {
          EventEmitter.defaultMaxListeners = 100;
        }
      `,
    },
    {
      name: 'a negative or NaN limit is an error Node throws, not a suppression',
      code: dedent`
        process.setMaxListeners(-1);
      `,
    },
  ],
  invalid: [
    // One emitter's limit: 0, Infinity, or large.
    {
      name: 'process.setMaxListeners(0) to silence a warning at startup',
      code: dedent`
        import express from 'express';
        process.setMaxListeners(0);
        const app = express();
        app.listen(3000);
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 2,
          column: 1,
          data: {
            code: 'process.setMaxListeners(0)',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
            target: 'process',
          },
        },
      ],
    },
    {
      name: 'a socket with no limit (an SSH client shape)',
      code: dedent`
        import { Socket } from 'node:net';
        export function connect(host, port) {
          const sock = new Socket();
          sock.connect({ host, port });
          sock.setMaxListeners(0);
          return sock;
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 5,
          column: 3,
          data: {
            code: 'sock.setMaxListeners(0)',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
            target: 'sock',
          },
        },
      ],
    },
    {
      name: 'this.setMaxListeners(0) in an emitter subclass',
      code: dedent`
        import { EventEmitter } from 'node:events';
        export class Bucket extends EventEmitter {
          constructor() {
            super();
            this.setMaxListeners(0);
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 5,
          column: 5,
          data: {
            code: 'this.setMaxListeners(0)',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
            target: 'this',
          },
        },
      ],
    },
    {
      name: 'a field with Infinity',
      code: dedent`
        import { EventEmitter } from 'node:events';
        export class Pool {
          constructor() {
            this.cancellationToken = new EventEmitter();
            this.cancellationToken.setMaxListeners(Infinity);
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 5,
          column: 5,
          data: {
            code: 'this.cancellationToken.setMaxListeners(Infinity)',
            effect: 'turns MaxListenersExceededWarning off (Infinity means no limit)',
            target: 'this.cancellationToken',
          },
        },
      ],
    },
    {
      name: 'a large literal on a stream',
      code: dedent`
        export class Client {
          connect(stream) {
            this.stream = stream;
            this.stream.setMaxListeners(1000);
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 4,
          column: 5,
          data: {
            code: 'this.stream.setMaxListeners(1000)',
            effect: 'lets 1000 listeners of one event pile up before Node warns',
            target: 'this.stream',
          },
        },
      ],
    },
    {
      name: 'a limit at the threshold',
      code: dedent`
        socket.setMaxListeners(100);
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 1,
          column: 1,
          data: {
            code: 'socket.setMaxListeners(100)',
            effect: 'lets 100 listeners of one event pile up before Node warns',
            target: 'socket',
          },
        },
      ],
    },
    {
      name: 'the threshold option, lowered',
      code: dedent`
        agent.setMaxListeners(50);
      `,
      options: [{threshold: 50}],
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 1,
          column: 1,
          data: {
            code: 'agent.setMaxListeners(50)',
            effect: 'lets 50 listeners of one event pile up before Node warns',
            target: 'agent',
          },
        },
      ],
    },
    {
      name: 'Number.POSITIVE_INFINITY and Number.MAX_SAFE_INTEGER',
      code: dedent`
        emitter.setMaxListeners(Number.POSITIVE_INFINITY);
        emitter.setMaxListeners(Number.MAX_SAFE_INTEGER);
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 1,
          column: 1,
          data: {
            code: 'emitter.setMaxListeners(Number.POSITIVE_INFINITY)',
            effect: 'turns MaxListenersExceededWarning off (Number.POSITIVE_INFINITY means no limit)',
            target: 'emitter',
          },
        },
        {
          messageId: 'raisesEmitterLimit',
          line: 2,
          column: 1,
          data: {
            code: 'emitter.setMaxListeners(Number.MAX_SAFE_INTEGER)',
            effect: 'lets Number.MAX_SAFE_INTEGER listeners of one event pile up before Node warns',
            target: 'emitter',
          },
        },
      ],
    },
    {
      name: 'a limit in a const',
      code: dedent`
        const UNLIMITED = 0;
        export function watch(bus) {
          bus.setMaxListeners(UNLIMITED);
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 3,
          column: 3,
          data: {
            code: 'bus.setMaxListeners(UNLIMITED)',
            effect: 'turns MaxListenersExceededWarning off (UNLIMITED (0) means no limit)',
            target: 'bus',
          },
        },
      ],
    },
    {
      name: 'TypeScript: optional call through a cast',
      code: dedent`
        import type { EventEmitter } from 'node:events';
        export function unlimited(target: unknown): void {
          (target as EventEmitter | undefined)?.setMaxListeners(0);
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 3,
          column: 3,
          data: {
            code: 'target.setMaxListeners(0)',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
            target: 'target',
          },
        },
      ],
    },
    // The events module: events.setMaxListeners(n, ...targets), and with no target the default for all.
    {
      name: 'events.setMaxListeners(Infinity, signal)',
      code: dedent`
        import events from 'node:events';
        export function makeSignal() {
          const controller = new AbortController();
          events.setMaxListeners(Infinity, controller.signal);
          return controller;
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 4,
          column: 3,
          data: {
            code: 'events.setMaxListeners(Infinity, controller.signal)',
            effect: 'turns MaxListenersExceededWarning off (Infinity means no limit)',
            target: 'controller.signal',
          },
        },
      ],
    },
    {
      name: 'an imported setMaxListeners with several targets',
      code: dedent`
        import { setMaxListeners } from 'node:events';
        export function share(signal, emitter) {
          setMaxListeners(0, signal, emitter);
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesEmitterLimit',
          line: 3,
          column: 3,
          data: {
            code: 'setMaxListeners(0, signal, emitter)',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
            target: 'signal, emitter',
          },
        },
      ],
    },
    {
      name: 'EventEmitter.setMaxListeners(n) with no target sets the default for all',
      code: dedent`
        import { EventEmitter } from 'node:events';
        EventEmitter.setMaxListeners(200);
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: { code: 'EventEmitter.setMaxListeners(200)', effect: 'raises the listener limit from 10 to 200' },
        },
      ],
    },
    {
      name: "require('events').setMaxListeners(0) with no target",
      code: dedent`
        require('events').setMaxListeners(0);
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 1,
          column: 1,
          data: {
            code: "require('events').setMaxListeners(0)",
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
          },
        },
      ],
    },
    // EventEmitter.defaultMaxListeners, however events is reached.
    {
      name: 'EventEmitter.defaultMaxListeners = Infinity (a service silencing MaxListenersExceededWarning)',
      code: dedent`
        import { EventEmitter } from 'node:events';
        EventEmitter.defaultMaxListeners = Infinity;
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: {
            code: 'EventEmitter.defaultMaxListeners = Infinity',
            effect: 'turns MaxListenersExceededWarning off (Infinity means no limit)',
          },
        },
      ],
    },
    {
      name: 'import EventEmitter from events, a raise to 20',
      code: dedent`
        import EventEmitter from 'events';
        EventEmitter.defaultMaxListeners = 20;
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: { code: 'EventEmitter.defaultMaxListeners = 20', effect: 'raises the listener limit from 10 to 20' },
        },
      ],
    },
    {
      name: 'events.defaultMaxListeners through a namespace import',
      code: dedent`
        import * as events from 'node:events';
        events.defaultMaxListeners = 0;
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: {
            code: 'events.defaultMaxListeners = 0',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
          },
        },
      ],
    },
    {
      name: "require('events').EventEmitter.defaultMaxListeners",
      code: dedent`
        require('events').EventEmitter.defaultMaxListeners = 50;
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 1,
          column: 1,
          data: {
            code: "require('events').EventEmitter.defaultMaxListeners = 50",
            effect: 'raises the listener limit from 10 to 50',
          },
        },
      ],
    },
    {
      name: "const { EventEmitter } = require('node:events') inside a function",
      code: dedent`
        function bootstrap() {
          const { EventEmitter } = require('node:events');
          EventEmitter.defaultMaxListeners = 30;
        }
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 3,
          column: 3,
          data: { code: 'EventEmitter.defaultMaxListeners = 30', effect: 'raises the listener limit from 10 to 30' },
        },
      ],
    },
    {
      name: 'TypeScript-compiled CommonJS: events_1.EventEmitter',
      code: dedent`
        const events_1 = require("events");
        events_1.EventEmitter.defaultMaxListeners = 100;
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: {
            code: 'events_1.EventEmitter.defaultMaxListeners = 100',
            effect: 'raises the listener limit from 10 to 100',
          },
        },
      ],
    },
    {
      name: 'a value known only at run time',
      code: dedent`
        import { EventEmitter } from 'node:events';
        EventEmitter.defaultMaxListeners = Number(process.env.MAX_LISTENERS ?? 50);
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: {
            code: 'EventEmitter.defaultMaxListeners = Number(process.env.MAX_LISTENERS ?? 50)',
            effect: 'sets the listener limit',
          },
        },
      ],
    },
    {
      name: 'raised by += and ++',
      code: dedent`
        const EventEmitter = require('events');
        EventEmitter.defaultMaxListeners += 5;
        EventEmitter.defaultMaxListeners++;
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: { code: 'EventEmitter.defaultMaxListeners += 5', effect: 'raises the listener limit' },
        },
        {
          messageId: 'raisesDefaultLimit',
          line: 3,
          column: 1,
          data: { code: 'EventEmitter.defaultMaxListeners++', effect: 'raises the listener limit' },
        },
      ],
    },
    {
      name: 'TypeScript: import events = require(...)',
      code: dedent`
        import events = require('events');
        (events as any).defaultMaxListeners = 0;
      `,
      output: null,
      errors: [
        {
          messageId: 'raisesDefaultLimit',
          line: 2,
          column: 1,
          data: {
            code: 'events.defaultMaxListeners = 0',
            effect: 'turns MaxListenersExceededWarning off (0 means no limit)',
          },
        },
      ],
    },
  ],
});

// ESLint's own parser wraps a CommonJS file in a function scope: requires there still name the module.
describe('with espree and sourceType commonjs', () => {
  it('resolves the requires', () => {
    const code = dedent`
      const EventEmitter = require('events');
      const { setMaxListeners } = require('node:events');
      EventEmitter.defaultMaxListeners = 0;
      setMaxListeners(Infinity);
    `;
    const messages = new Linter({ configType: 'flat' }).verify(
      code,
      [{ files: ['**/*.cjs'], languageOptions: { parserOptions: { sourceType: 'commonjs' } }, plugins: { 'listener-leak': { rules: { 'no-max-listeners-suppression': rule } } as never }, rules: { 'listener-leak/no-max-listeners-suppression': 'error' } }],
      'service.cjs',
    );
    expect(messages.map(({ messageId, line }) => ({ messageId, line }))).toEqual([{ messageId: 'raisesDefaultLimit', line: 3 }, { messageId: 'raisesDefaultLimit', line: 4 }]);
  });
});
