// no-per-request-listener: lifecycles. Listeners that connect()/start()/subscribe() (run again after their teardown, or
// on every reconnect) add to emitters that outlive the connection, paired by a removal in the teardown; listeners on the
// connection the method makes anew; and teardowns that close a connection whose 'close' listener reconnects it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();
const exampleClient = readFileSync(fileURLToPath(new URL('../../examples/rpc-service/src/websocket-client.js', import.meta.url)), 'utf8');

const PROCESS = 'an emitter that lives as long as the service';
const reentered = (what: string): string => `every time it is re-entered (e.g. on every reconnect): ${what}`;

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    {
      name: 'a handler kept in a field and removed in disconnect()',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.onSigint = () => this.disconnect();
            process.on('SIGINT', this.onSigint);
          }
          disconnect() {
            process.off('SIGINT', this.onSigint);
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'listeners on the websocket connect() makes anew',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('open', () => this.emit('connected'));
            this.ws.on('message', (data) => this.emit('message', data));
            this.ws.on('error', (error) => this.emit('connection-error', error));
          }
          disconnect() {
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'listeners on the socket connect() makes anew, added by a helper it calls',
      code: dedent`
        import net from 'node:net';
        export class Client {
          connect() {
            this.socket = net.connect(this.port);
            this.bindEvents();
          }
          bindEvents() {
            this.socket.on('data', (chunk) => this.onData(chunk));
            this.socket.on('close', () => this.emit('closed'));
          }
          disconnect() {
            this.socket.destroy();
          }
          onData() {}
        }
      `,
    },
    {
      name: 'the previous listener removed before it is added again, and in the teardown (the teardown codemod\'s shape)',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => setTimeout(() => this.connect(), 1000));
            if (this.onSigint) process.off('SIGINT', this.onSigint);
            this.onSigint = () => this.disconnect();
            process.on('SIGINT', this.onSigint);
          }
          disconnect() {
            if (this.onSigint) {
              process.off('SIGINT', this.onSigint);
              this.onSigint = null;
            }
            this.ws.removeAllListeners('close');
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'added once per instance: the handler field is the guard, cleared only with the removal',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => setTimeout(() => this.connect(), 1000));
            if (!this.onSigint) {
              this.onSigint = () => this.disconnect();
              process.on('SIGINT', this.onSigint);
            }
          }
          disconnect() {
            process.off('SIGINT', this.onSigint);
            this.onSigint = null;
            this.ws.removeAllListeners('close');
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'start() of a class with no teardown runs once',
      code: dedent`
        export class Poller {
          start() {
            process.on('SIGTERM', () => this.poll());
          }
          poll() {}
        }
      `,
    },
    {
      name: 'a handler bound in the constructor, added in start() and removed in stop()',
      code: dedent`
        export class Worker {
          constructor(queue) {
            this.queue = queue;
            this.onJob = (job) => this.run(job);
          }
          start() {
            this.queue.on('job', this.onJob);
          }
          stop() {
            this.queue.off('job', this.onJob);
          }
          run() {}
        }
      `,
    },
    {
      name: 'removed by a cleanup method the teardown calls',
      code: dedent`
        export class Feed {
          connect() {
            this.onSigint = () => this.disconnect();
            process.on('SIGINT', this.onSigint);
          }
          disconnect() {
            this.cleanup();
          }
          cleanup() {
            process.off('SIGINT', this.onSigint);
          }
        }
      `,
    },
    {
      name: 'subscribe() and unsubscribe() on a module-level emitter',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const prices = new EventEmitter();
        export class Ticker {
          constructor() {
            this.onPrice = (price) => this.render(price);
          }
          subscribe() {
            prices.on('price', this.onPrice);
          }
          unsubscribe() {
            prices.off('price', this.onPrice);
          }
          render() {}
        }
      `,
    },
    {
      name: 'a reconnect that runs the teardown first: the removal there pairs',
      code: dedent`
        export class Feed {
          connect() {
            this.closing = false;
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => {
              if (!this.closing) this.reconnect();
            });
            this.onSigint = () => this.disconnect();
            process.on('SIGINT', this.onSigint);
          }
          reconnect() {
            this.disconnect();
            this.connect();
          }
          disconnect() {
            this.closing = true;
            process.off('SIGINT', this.onSigint);
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'TypeScript: a handler field initialised once, removed in disconnect()',
      code: dedent`
        export class Feed {
          private readonly onSigint = (): void => this.disconnect();
          connect(): void {
            process.on('SIGINT', this.onSigint);
          }
          disconnect(): void {
            process.off('SIGINT', this.onSigint);
          }
        }
      `,
    },
    {
      name: "subscribe(listener) adds its caller's listener: that is what it is for",
      code: dedent`
        export class Store {
          constructor(bus) {
            this.bus = bus;
          }
          subscribe(listener) {
            this.bus.on('change', listener);
            return () => this.bus.off('change', listener);
          }
          dispose() {
            this.bus.removeAllListeners('change');
          }
        }
      `,
    },
    {
      name: 'close(msg) sends a protocol message: it is no teardown, so connect() runs once (pg)',
      code: dedent`
        import net from 'node:net';
        export class Connection {
          constructor() {
            this.stream = new net.Socket();
          }
          connect(port, host) {
            this.stream.connect(port, host);
            this.stream.on('error', (error) => this.emit('error', error));
          }
          close(msg) {
            this.send(msg);
          }
        }
      `,
    },
    {
      name: 'subscribe() next to a disconnect() that is not its counterpart (ioredis FailoverDetector)',
      code: dedent`
        export class FailoverDetector {
          constructor(sentinels) {
            this.sentinels = sentinels;
          }
          subscribe() {
            for (const sentinel of this.sentinels) {
              sentinel.client.on('message', () => this.disconnect());
            }
          }
          disconnect() {
            this.isDisconnected = true;
          }
        }
      `,
    },
    {
      name: 'two once() listeners that remove each other: whichever fires takes the other with it (ioredis connect)',
      code: dedent`
        export class Redis {
          connect() {
            return new Promise((resolve, reject) => {
              const onReady = () => {
                this.removeListener('close', onClose);
                resolve();
              };
              const onClose = () => {
                this.removeListener('ready', onReady);
                reject(new Error('Connection is closed.'));
              };
              this.once('ready', onReady);
              this.once('close', onClose);
            });
          }
          disconnect() {
            this.connector.disconnect();
          }
        }
      `,
    },
    // Teardowns that close a connection whose 'close' listener would reconnect it.
    {
      name: 'the example\'s closing flag: set in disconnect(), checked in the close listener',
      code: dedent`
        export class Feed {
          connect() {
            this.closing = false;
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => {
              if (!this.closing) this.scheduleReconnect();
            });
          }
          scheduleReconnect() {
            this.timer = setTimeout(() => this.connect(), 1000);
          }
          disconnect() {
            this.closing = true;
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'a stopped flag checked by an early return in scheduleReconnect()',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => this.scheduleReconnect());
          }
          scheduleReconnect() {
            if (this.stopped) return;
            this.timer = setTimeout(() => this.connect(), 1000);
          }
          disconnect() {
            this.stopped = true;
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'the teardown removes the close listener before it closes',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => this.scheduleReconnect());
          }
          scheduleReconnect() {
            this.timer = setTimeout(() => this.connect(), 1000);
          }
          disconnect() {
            clearTimeout(this.timer);
            this.ws.removeAllListeners('close');
            this.ws.close();
          }
        }
      `,
    },
    {
      name: 'a heartbeat that terminates the socket to make it reconnect (not a teardown)',
      code: dedent`
        export class Feed {
          connect() {
            this.closing = false;
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => {
              if (!this.closing) setTimeout(() => this.connect(), 1000);
            });
          }
          checkHeartbeat() {
            if (!this.alive) this.ws.terminate();
          }
          disconnect() {
            this.closing = true;
            this.ws.close();
          }
        }
      `,
    },
  ],
  invalid: [
    {
      name: "the example's websocket client: process.on('SIGINT') in connect(), re-entered by every reconnect",
      code: exampleClient,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 40,
          column: 5,
          endLine: 40,
          endColumn: 50,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('WebSocketClient.connect, which is entered again from inside itself (line 48)'),
            teardown: 'WebSocketClient.disconnect()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a handler kept in a field but removed in a method that is not the teardown',
      code: dedent`
        export class Feed {
          connect() {
            this.onSigint = () => this.disconnect();
            process.on('SIGINT', this.onSigint);
          }
          reset() {
            process.off('SIGINT', this.onSigint);
          }
          disconnect() {
            this.ws.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'removedOutsideTeardown',
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 40,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('Feed.connect, which runs again when it is called after Feed.disconnect (line 9)'),
            removalLine: '7',
            removalFunction: 'Feed.reset',
            teardown: 'Feed.disconnect()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'start() adds to a module-level bus that stop() leaves alone',
      code: dedent`
        import { bus } from './bus.js';
        export class Poller {
          start() {
            bus.on('tick', () => this.poll());
          }
          stop() {
            clearInterval(this.timer);
          }
          poll() {}
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 38,
          data: {
            event: "'tick'",
            receiver: 'bus',
            lifetime: 'bus, a module-level emitter imported at line 1',
            context: reentered('Poller.start, which runs again when it is called after Poller.stop (line 6)'),
            teardown: 'Poller.stop()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'retry timer: an error listener schedules connect() again',
      code: dedent`
        import net from 'node:net';
        export class Client {
          connect() {
            this.socket = net.connect(this.port);
            this.socket.on('error', () => {
              this.retry = setTimeout(() => this.connect(), 1000);
            });
            process.on('exit', () => this.socket.destroy());
          }
          close() {
            clearTimeout(this.retry);
            this.socket.destroy();
          }
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 8,
          column: 5,
          endLine: 8,
          endColumn: 52,
          data: {
            event: "'exit'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('Client.connect, which is entered again from inside itself (line 6)'),
            teardown: 'Client.close()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'close listener re-entry: connect() runs straight from the websocket\'s close, and disconnect() would trigger it',
      code: dedent`
        export class Feed {
          constructor(bus) {
            this.bus = bus;
          }
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.addEventListener('close', () => this.connect());
            this.bus.on('pause', () => this.ws.close());
          }
          disconnect() {
            this.ws.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 8,
          column: 5,
          endLine: 8,
          endColumn: 48,
          data: {
            event: "'pause'",
            receiver: 'this.bus',
            lifetime: 'a field of Feed, which outlives each run',
            context: reentered('Feed.connect, which is entered again from inside itself (line 7)'),
            teardown: 'Feed.disconnect()',
          },
          suggestions: [],
        },
        {
          messageId: 'reconnectsAfterTeardown',
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 20,
          data: {
            teardown: 'Feed.disconnect()',
            object: 'this.ws',
            event: "'close'",
            listenerLine: '7',
            reconnect: 'this.connect()',
            reconnectLine: '7',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a teardown that closes the websocket without a flag: the close listener schedules a reconnect',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => this.scheduleReconnect());
          }
          scheduleReconnect() {
            this.timer = setTimeout(() => this.connect(), 1000);
          }
          disconnect() {
            clearTimeout(this.timer);
            this.ws.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'reconnectsAfterTeardown',
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 20,
          data: {
            teardown: 'Feed.disconnect()',
            object: 'this.ws',
            event: "'close'",
            listenerLine: '4',
            reconnect: 'this.scheduleReconnect()',
            reconnectLine: '4',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a check of a field the teardown sets to the value that lets the reconnect through',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => {
              if (!this.reconnectTimer) this.reconnectTimer = setTimeout(() => this.connect(), 1000);
            });
          }
          disconnect() {
            clearTimeout(this.reconnectTimer);
            this.reconnectTimer = null;
            this.ws.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'reconnectsAfterTeardown',
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 20,
          data: {
            teardown: 'Feed.disconnect()',
            object: 'this.ws',
            event: "'close'",
            listenerLine: '4',
            reconnect: 'setTimeout(() => this.connect(), 1000)',
            reconnectLine: '5',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'stop() closes the server whose close listener starts it again',
      code: dedent`
        import http from 'node:http';
        export class Server {
          start() {
            this.server = http.createServer(this.handler);
            this.server.on('close', () => this.start());
            this.server.listen(this.port);
          }
          stop() {
            this.server.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'reconnectsAfterTeardown',
          line: 9,
          column: 5,
          endLine: 9,
          endColumn: 24,
          data: {
            teardown: 'Server.stop()',
            object: 'this.server',
            event: "'close'",
            listenerLine: '5',
            reconnect: 'this.start()',
            reconnectLine: '5',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'removed in disconnect(), but the reconnect runs connect() again without it',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => setTimeout(() => this.connect(), 1000));
            this.onSigint = () => this.disconnect();
            process.on('SIGINT', this.onSigint);
          }
          disconnect() {
            process.off('SIGINT', this.onSigint);
            this.ws.removeAllListeners('close');
            this.ws.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'removedOnlyInTeardown',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 40,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('Feed.connect, which is entered again from inside itself (line 4)'),
            teardown: 'Feed.disconnect()',
            removalLine: '9',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'TypeScript: a handler field removed in disconnect(), with a reconnect that skips it',
      code: dedent`
        export class Feed {
          private ws: WebSocket | null = null;
          private readonly onSigint = (): void => this.disconnect();
          connect(): void {
            this.ws = new WebSocket(this.url);
            this.ws.addEventListener('close', () => setTimeout(() => this.connect(), 1000));
            process.on('SIGINT', this.onSigint);
          }
          disconnect(): void {
            process.off('SIGINT', this.onSigint);
            this.ws?.removeEventListener('close', this.onClose);
            this.ws?.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'removedOnlyInTeardown',
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 40,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('Feed.connect, which is entered again from inside itself (line 6)'),
            teardown: 'Feed.disconnect()',
            removalLine: '10',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'subscribe() adds to a module-level emitter that unsubscribe() leaves alone',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const prices = new EventEmitter();
        export class Ticker {
          subscribe() {
            prices.on('price', (price) => this.render(price));
          }
          unsubscribe() {
            this.rendered = false;
          }
          render() {}
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 54,
          data: {
            event: "'price'",
            receiver: 'prices',
            lifetime: 'a module-level emitter (line 2)',
            context: reentered('Ticker.subscribe, which runs again when it is called after Ticker.unsubscribe (line 7)'),
            teardown: 'Ticker.unsubscribe()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a helper connect() calls adds the signal listener',
      code: dedent`
        export class Feed {
          connect() {
            this.ws = new WebSocket(this.url);
            this.installSignalHandlers();
          }
          installSignalHandlers() {
            process.on('SIGTERM', () => this.disconnect());
          }
          disconnect() {
            this.ws.close();
          }
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 51,
          data: {
            event: "'SIGTERM'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('called at line 4 from Feed.connect, which runs again when it is called after Feed.disconnect (line 9)'),
            teardown: 'Feed.disconnect()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'once() in start() keeps its own message: it goes away only when the event fires',
      code: dedent`
        export class Feed {
          start() {
            process.once('beforeExit', () => this.flush());
          }
          stop() {}
          flush() {}
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 51,
          data: {
            event: "'beforeExit'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('Feed.start, which runs again when it is called after Feed.stop (line 5)'),
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'disconnect() removes a different inline function, which removes nothing',
      code: dedent`
        export class Feed {
          connect() {
            process.on('SIGINT', () => this.disconnect());
          }
          disconnect() {
            process.off('SIGINT', () => this.disconnect());
          }
        }
      `,
      errors: [
        {
          messageId: 'removedWithDifferentFunction',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 50,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            context: reentered('Feed.connect, which runs again when it is called after Feed.disconnect (line 5)'),
            removalLine: '6',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a once-per-instance flag that disconnect() clears without removing the listener',
      code: dedent`
        export class Feed {
          connect() {
            if (!this.signalsInstalled) {
              this.signalsInstalled = true;
              process.on('SIGINT', () => this.disconnect());
            }
          }
          disconnect() {
            this.signalsInstalled = false;
          }
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 5,
          column: 7,
          endLine: 5,
          endColumn: 52,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: PROCESS,
            context: reentered('Feed.connect, which runs again when it is called after Feed.disconnect (line 8)'),
            teardown: 'Feed.disconnect()',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'the client itself (an EventEmitter) gains a listener on every reconnect; destroy() is its teardown',
      code: dedent`
        import { EventEmitter } from 'node:events';
        export class Feed extends EventEmitter {
          connect() {
            this.ws = new WebSocket(this.url);
            this.ws.on('close', () => this.emit('drop'));
            this.on('drop', () => setTimeout(() => this.connect(), 1000));
          }
          destroy() {
            this.ws.terminate();
          }
        }
      `,
      errors: [
        {
          messageId: 'lifecycleListener',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 66,
          data: {
            event: "'drop'",
            receiver: 'this',
            lifetime: 'this Feed, which outlives each run',
            context: reentered('Feed.connect, which is entered again from inside itself (line 6)'),
            teardown: 'Feed.destroy()',
          },
          suggestions: [],
        },
      ],
    },
  ],
});
