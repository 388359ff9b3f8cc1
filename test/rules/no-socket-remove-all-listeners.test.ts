// no-socket-remove-all-listeners: removeAllListeners on emitters this code does not own alone (sockets, agents,
// process, servers, responses, emitters handed in or imported) is reported, with Node's own listeners named; on
// emitters this code made and alone listens to it is not. Suggestions remove the handlers this code added.
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-socket-remove-all-listeners.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

// What each kind of emitter loses with Node's listeners, as the messages say it.
const WITHOUT = {
  socket: "a keep-alive socket's agent never frees or drops it and a response cut short on it never ends (a hang), and a TLS socket no longer frees its TLS state when it closes",
  httpSocket: "Node's HTTP client and server lose track of the socket, so a response cut short never ends (no 'end', 'error' or 'close': a hang), and the agent never frees or drops the socket",
  netSocket: 'the socket no longer refuses writes after the other side has ended',
  tlsSocket: 'the TLS socket no longer finishes its handshake, frees its TLS state when it closes, or refuses writes after the other side has ended',
  upgradedSocket: 'the socket no longer refuses writes after the other side has ended, and a TLS socket no longer frees its TLS state when it closes',
  agent: 'sockets no longer go back to the keep-alive pool when a request ends',
  process: "Node stops printing warnings and loses track of signal listeners, and every other module's exit, signal and error handlers stop running",
  server: 'the server stops turning new connections into requests',
  clientResponse: 'the socket never goes back to the agent, nor is it closed without keep-alive',
  httpResponse: 'its keep-alive socket is never handed on: a server never reads the next request, a client never gives the socket back to the agent',
  clientRequest: 'a keep-alive socket may never go back to the agent when the response ends',
  http2Session: "events Node reports only while someone listens, such as 'remoteSettings', never reach listeners added later",
};

ruleTester.run('no-socket-remove-all-listeners', rule, {
  valid: [
    // Emitters this code made and alone listens to.
    {
      name: 'a module-level new EventEmitter()',
      code: dedent`
        import { EventEmitter } from 'node:events';
        const bus = new EventEmitter();
        export function reset() {
          bus.removeAllListeners();
        }
      `,
    },
    {
      name: 'this in a class that extends EventEmitter',
      code: dedent`
        import EventEmitter from 'node:events';
        export class JobQueue extends EventEmitter {
          close() {
            this.removeAllListeners();
          }
        }
      `,
    },
    {
      name: 'a local emitter made in the same function',
      code: dedent`
        const { EventEmitter } = require('events');
        function collect(source) {
          const progress = new EventEmitter();
          progress.on('data', (chunk) => source.push(chunk));
          progress.removeAllListeners('data');
        }
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
    },
    {
      name: "a field holding an instance of this file's own class",
      code: dedent`
        import { EventEmitter } from 'node:events';
        class Parser extends EventEmitter {}
        export class Connection {
          constructor() {
            this.parser = new Parser();
          }
          destroy() {
            this.parser.removeAllListeners();
          }
        }
      `,
    },
    {
      name: "an instance of this project's own class, imported from a relative path",
      code: dedent`
        import { Receiver } from './receiver.js';
        export class WebSocketLike {
          setSocket(socket) {
            this._receiver = new Receiver();
            socket.on('data', (chunk) => this._receiver.write(chunk));
          }
          emitClose() {
            this._receiver.removeAllListeners();
          }
        }
      `,
    },
    {
      name: "a raw socket this code opened: removing its own 'data' listener before a TLS upgrade",
      code: dedent`
        import net from 'node:net';
        import tls from 'node:tls';
        export function startTls(host, port, onSecure) {
          const socket = net.connect(port, host);
          socket.on('data', (chunk) => console.log(chunk.length));
          socket.once('ready', () => {
            socket.removeAllListeners('data');
            onSecure(tls.connect({ socket, servername: host }));
          });
        }
      `,
    },
    {
      name: 'a TLS socket this code opened: an event Node does not listen to',
      code: dedent`
        import tls from 'node:tls';
        export function dial(port, host) {
          const socket = tls.connect(port, host);
          socket.on('secureConnect', () => console.log('ready'));
          socket.removeAllListeners('secureConnect');
          return socket;
        }
      `,
    },
    {
      name: "a net server's socket: its 'data' listener, which only this callback adds",
      code: dedent`
        import net from 'node:net';
        net.createServer((socket) => {
          socket.on('data', (chunk) => socket.write(chunk));
          socket.on('error', () => {
            socket.removeAllListeners('data');
            socket.destroy();
          });
        }).listen(7000);
      `,
    },
    {
      name: 'a client made by a library factory: where its listeners come from is not in this file',
      code: dedent`
        import { createClient } from 'redis';
        export class Cache {
          constructor(url) {
            this.client = createClient({ url });
          }
          async quit() {
            this.client.removeAllListeners();
            await this.client.quit();
          }
        }
      `,
    },
    // Module objects whose removeAllListeners is a helper function, not an emitter method.
    {
      name: 'a helper module required whole: util.removeAllListeners(emitter)',
      code: dedent`
        const util = require('../core/util.js');
        function onHttp2StreamEnd(pipe) {
          util.removeAllListeners(pipe);
        }
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
    },
    {
      name: 'a namespace import',
      code: dedent`
        import * as listeners from './listeners.js';
        export function detach(stream) {
          listeners.removeAllListeners(stream);
        }
      `,
    },
    {
      name: 'the ownedEmitters option',
      code: dedent`
        import { bus } from './bus.js';
        export function resetForTests() {
          bus.removeAllListeners();
        }
      `,
      options: [{ownedEmitters: ['bus']}],
    },
    {
      name: 'a callback parameter of a call this file cannot see into',
      code: dedent`
        export function closeAll(emitters) {
          emitters.forEach((emitter) => emitter.removeAllListeners());
        }
      `,
    },
    {
      name: 'a parameter every caller in the file passes an own emitter',
      code: dedent`
        import { EventEmitter } from 'node:events';
        function reset(emitter) {
          emitter.removeAllListeners();
        }
        const a = new EventEmitter();
        const b = new EventEmitter();
        reset(a);
        reset(b);
      `,
    },
    {
      name: 'a stream this code made',
      code: dedent`
        import { PassThrough } from 'node:stream';
        export function tee(source) {
          const copy = new PassThrough();
          source.pipe(copy);
          copy.on('end', () => copy.removeAllListeners());
          return copy;
        }
      `,
    },
    {
      name: "a subclass of http.IncomingMessage removing 'data', which Node does not listen to",
      code: dedent`
        import http from 'node:http';
        export class IncomingMessage extends http.IncomingMessage {
          _dump() {
            this.removeAllListeners('data');
            this.resume();
          }
        }
      `,
    },
    {
      name: 'an agent this code made: an event Node does not listen to',
      code: dedent`
        import https from 'node:https';
        const agent = new https.Agent({ keepAlive: true });
        agent.on('metrics', (m) => console.log(m));
        export function stopMetrics() {
          agent.removeAllListeners('metrics');
        }
      `,
    },
    {
      name: 'TypeScript: a cast own emitter field',
      code: dedent`
        import { EventEmitter } from 'node:events';
        export class Store {
          private readonly changes: EventEmitter = new EventEmitter();
          dispose(): void {
            (this.changes as EventEmitter).removeAllListeners();
          }
        }
      `,
    },
    {
      name: "an upgrade's socket: 'error', which Node's HTTP code no longer listens to once it hands the socket over",
      code: dedent`
        import http from 'node:http';
        const server = http.createServer();
        server.on('upgrade', (req, socket) => {
          socket.removeAllListeners('error');
          socket.on('error', () => socket.destroy());
        });
      `,
    },
    {
      name: "a field named server, set where this file does not show: 'request', which Node does not listen to",
      code: dedent`
        export class Gateway {
          detach() {
            this.server.removeAllListeners('request');
          }
        }
      `,
    },
    {
      name: "in the socket's own 'close' listener: nothing fires after 'close'",
      code: dedent`
        import tls from 'node:tls';
        export function dial(port, host) {
          return new Promise((resolve, reject) => {
            const socket = tls.connect(port, host, () => resolve(socket));
            socket.on('close', () => {
              socket.removeAllListeners();
              reject(new Error('closed before the handshake'));
            });
          });
        }
      `,
    },
    {
      name: 'removeListener with the handler, the fix itself',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          const onError = (error) => console.error(error);
          req.socket.on('error', onError);
          res.on('close', () => req.socket.removeListener('error', onError));
          res.end('ok');
        });
      `,
    },
  ],
  invalid: [
    // The seed's fix 2 and the shapes it takes in libraries: removeAllListeners on a keep-alive socket.
    {
      name: "seed fix 2: the tracker strips 'close' and 'error' from the response's socket",
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
          https.get(url, { agent }, (res) => {
            tracker.trackConnection(res.socket, { url });
            res.resume();
          });
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 5,
          column: 5,
          data: {
            call: "removeAllListeners('close')",
            removed: "every 'close' listener",
            receiver: 'socket',
            what: "the socket of res, which Node's HTTP client or server manages, passed in at line 15",
            nodeListeners: "'close'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [],
        },
        {
          messageId: 'stripsNodeListeners',
          line: 6,
          column: 5,
          data: {
            call: "removeAllListeners('error')",
            removed: "every 'error' listener",
            receiver: 'socket',
            what: "the socket of res, which Node's HTTP client or server manages, passed in at line 15",
            nodeListeners: "'error'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "a client library dropping its own 'close' handling on the agent's socket before returning it",
      code: dedent`
        import http from 'node:http';
        const agent = new http.Agent({ keepAlive: true });
        export function request(options) {
          return new Promise((resolve, reject) => {
            const req = http.request({ ...options, agent }, (res) => {
              res.socket.removeAllListeners('close');
              resolve(res);
            });
            req.on('error', reject);
            req.end();
          });
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 6,
          column: 7,
          data: {
            call: "removeAllListeners('close')",
            removed: "every 'close' listener",
            receiver: 'res.socket',
            what: "the socket of res, which Node's HTTP client or server manages",
            nodeListeners: "'close'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "the socket of a ClientRequest's 'socket' event",
      code: dedent`
        import https from 'node:https';
        export function get(url, agent) {
          const req = https.get(url, { agent });
          req.on('socket', (socket) => {
            socket.removeAllListeners('timeout');
            socket.setTimeout(5000);
          });
          return req;
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 5,
          column: 5,
          data: {
            call: "removeAllListeners('timeout')",
            removed: "every 'timeout' listener",
            receiver: 'socket',
            what: "the socket Node passes to this 'socket' listener",
            nodeListeners: "'timeout'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a named handler in scope: the suggestion removes just it',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          const onError = (error) => console.error('client error', error);
          req.socket.on('error', onError);
          res.on('finish', () => req.socket.removeAllListeners('error'));
          res.end('ok');
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 5,
          column: 26,
          data: {
            call: "removeAllListeners('error')",
            removed: "every 'error' listener",
            receiver: 'req.socket',
            what: "the socket of req, which Node's HTTP client or server manages",
            nodeListeners: "'error'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [
            {
              messageId: 'removeOwnListeners',
              data: { receiver: 'req.socket', handlers: 'onError' },
              output: dedent`
                import http from 'node:http';
                http.createServer((req, res) => {
                  const onError = (error) => console.error('client error', error);
                  req.socket.on('error', onError);
                  res.on('finish', () => req.socket.removeListener('error', onError));
                  res.end('ok');
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: "the handler is declared after the removal (the seed's order): no suggestion",
      code: dedent`
        export class Tracker {
          track(res) {
            res.socket.removeAllListeners('close');
            const onClose = () => this.forget(res.socket);
            res.socket.on('close', onClose);
          }
          forget() {}
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 3,
          column: 5,
          data: {
            call: "removeAllListeners('close')",
            removed: "every 'close' listener",
            receiver: 'res.socket',
            what: "the socket of res, which Node's HTTP client or server manages",
            nodeListeners: "'close'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a CONNECT tunnel: the ClientRequest and its socket (an HTTP proxy client)',
      code: dedent`
        import http from 'node:http';
        export function tunnel(proxy, target) {
          return new Promise((resolve, reject) => {
            const request = http.request({ ...proxy, method: 'CONNECT', path: target });
            request.once('connect', (res, socket) => {
              request.removeAllListeners();
              socket.removeAllListeners();
              if (res.statusCode === 200) resolve(socket);
              else reject(new Error('proxy refused'));
            });
            request.once('error', reject);
            request.end();
          });
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 6,
          column: 7,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'request',
            what: 'a request made by http.request() at line 4',
            nodeListeners: "'finish'",
            consequence: WITHOUT.clientRequest,
          },
          suggestions: [],
        },
        {
          messageId: 'stripsNodeListeners',
          line: 7,
          column: 7,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'socket',
            what: "the socket Node hands over to this 'connect' listener",
            nodeListeners: "'close', 'end', 'secure' and 'newListener'",
            consequence: WITHOUT.upgradedSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "an upgrade's socket, stripped of everything",
      code: dedent`
        import http from 'node:http';
        const server = http.createServer();
        server.on('upgrade', (req, socket, head) => {
          socket.removeAllListeners();
          socket.on('error', () => socket.destroy());
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 3,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'socket',
            what: "the socket Node hands over to this 'upgrade' listener",
            nodeListeners: "'close', 'end', 'secure' and 'newListener'",
            consequence: WITHOUT.upgradedSocket,
          },
          suggestions: [],
        },
      ],
    },
    // Responses and requests Node made.
    {
      name: "the server's response: its 'finish' listener serves the next keep-alive request",
      code: dedent`
        import express from 'express';
        const app = express();
        app.use((req, res, next) => {
          res.on('finish', () => console.log(req.method, req.url, res.statusCode));
          next();
        });
        app.get('/health', (req, res) => {
          res.removeAllListeners();
          res.send('ok');
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 8,
          column: 3,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'res',
            what: 'res, named like the response Node made',
            nodeListeners: "'finish' and 'end'",
            consequence: WITHOUT.httpResponse,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "a client response's 'end': the socket never goes back to the agent",
      code: dedent`
        import http from 'node:http';
        http.get('http://localhost:8080/stream', (res) => {
          res.on('end', () => console.log('done'));
          res.removeAllListeners('end');
          res.resume();
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 3,
          data: {
            call: "removeAllListeners('end')",
            removed: "every 'end' listener",
            receiver: 'res',
            what: 'the response Node made for this request',
            nodeListeners: "'end'",
            consequence: WITHOUT.clientResponse,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'the request, which middleware shares',
      code: dedent`
        import http from 'node:http';
        http.createServer((req, res) => {
          req.removeAllListeners('data');
          res.end();
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 3,
          column: 3,
          data: {
            call: "removeAllListeners('data')",
            removed: "every 'data' listener",
            receiver: 'req',
            what: 'the request Node made, which every listener and middleware of the server shares',
          },
          suggestions: [],
        },
      ],
    },
    // process, agents and servers.
    {
      name: "process.removeAllListeners('SIGTERM') in a service's shutdown helper",
      code: dedent`
        export function installShutdown(server) {
          process.removeAllListeners('SIGTERM');
          process.on('SIGTERM', () => server.close());
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 2,
          column: 3,
          data: {
            call: "removeAllListeners('SIGTERM')",
            removed: "every 'SIGTERM' listener",
            receiver: 'process',
            what: 'the process, which Node and every module of the service listen to',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'process.removeAllListeners() with no event',
      code: dedent`
        afterEach(() => {
          process.removeAllListeners();
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 2,
          column: 3,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'process',
            what: 'the process, which Node and every module of the service listen to',
            nodeListeners: "'warning', 'newListener' and 'removeListener'",
            consequence: WITHOUT.process,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "process.removeAllListeners('uncaughtException') through globalThis",
      code: dedent`
        globalThis.process.removeAllListeners('uncaughtException');
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 1,
          column: 1,
          data: {
            call: "removeAllListeners('uncaughtException')",
            removed: "every 'uncaughtException' listener",
            receiver: 'globalThis.process',
            what: 'the process, which Node and every module of the service listen to',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'process.stdin',
      code: dedent`
        export function stopReading() {
          process.stdin.removeAllListeners('data');
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 2,
          column: 3,
          data: {
            call: "removeAllListeners('data')",
            removed: "every 'data' listener",
            receiver: 'process.stdin',
            what: 'process.stdin, which every module of the service shares',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "an agent this code made: its 'free' listener pools sockets",
      code: dedent`
        import https from 'node:https';
        const agent = new https.Agent({ keepAlive: true, maxSockets: 10 });
        export function resetAgent() {
          agent.removeAllListeners('free');
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 3,
          data: {
            call: "removeAllListeners('free')",
            removed: "every 'free' listener",
            receiver: 'agent',
            what: 'an https.Agent made at line 2',
            nodeListeners: "'free'",
            consequence: WITHOUT.agent,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'the global agent',
      code: dedent`
        const https = require('https');
        https.globalAgent.removeAllListeners();
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 2,
          column: 1,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'https.globalAgent',
            what: 'the global agent every request shares',
            nodeListeners: "'free' and 'newListener'",
            consequence: WITHOUT.agent,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a server this code made',
      code: dedent`
        import http from 'node:http';
        const server = http.createServer((req, res) => res.end());
        export function stop() {
          server.removeAllListeners();
          server.close();
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 3,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'server',
            what: 'a server made by http.createServer() at line 2',
            nodeListeners: "'connection', 'listening' and 'newListener'",
            consequence: WITHOUT.server,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "a server handed in: taking over its 'request' listeners (an attach() method)",
      code: dedent`
        export class Engine {
          attach(server) {
            const listeners = server.listeners('request').slice(0);
            server.removeAllListeners('request');
            server.on('request', (req, res) => {
              if (req.url.startsWith('/engine')) this.handle(req, res);
              else for (const listener of listeners) listener.call(server, req, res);
            });
          }
          handle() {}
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 4,
          column: 5,
          data: {
            call: "removeAllListeners('request')",
            removed: "every 'request' listener",
            receiver: 'server',
            what: 'a parameter of Engine.attach: an emitter handed in by code outside this file',
          },
          suggestions: [],
        },
      ],
    },
    // Sockets this code opened, and sockets known by name.
    {
      name: "a TLS socket this code opened, stripped once connected (a message-queue client's dial)",
      code: dedent`
        const tls_1 = require("tls");
        function tlsFirst(hp, tlsOpts) {
          return new Promise((resolve) => {
            const tlsSocket = (0, tls_1.connect)(hp.port, hp.hostname, tlsOpts, () => {
              tlsSocket.removeAllListeners();
              resolve(tlsSocket);
            });
            tlsSocket.on('error', () => {});
          });
        }
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 5,
          column: 7,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'tlsSocket',
            what: 'a TLS socket made by tls.connect() at line 4',
            nodeListeners: "'close', 'end', 'secure' and 'newListener'",
            consequence: WITHOUT.tlsSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a net socket this code opened',
      code: dedent`
        import { createConnection } from 'node:net';
        export function dial(port) {
          const socket = createConnection(port);
          socket.on('connect', () => socket.removeAllListeners());
          return socket;
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 30,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'socket',
            what: 'a socket made by net.createConnection() at line 3',
            nodeListeners: "'end'",
            consequence: WITHOUT.netSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'this in a subclass of net.Socket',
      code: dedent`
        import net from 'node:net';
        export class FramedSocket extends net.Socket {
          reset() {
            this.removeAllListeners('end');
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 5,
          data: {
            call: "removeAllListeners('end')",
            removed: "every 'end' listener",
            receiver: 'this',
            what: 'an instance of FramedSocket, a subclass of net.Socket',
            nodeListeners: "'end'",
            consequence: WITHOUT.netSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a field named like a socket, set where this file does not show',
      code: dedent`
        export class Transport {
          close() {
            this.sock.removeAllListeners();
            this.sock.destroy();
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'mayStripNodeListeners',
          line: 3,
          column: 5,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'this.sock',
            what: 'named like a socket; this file does not show where it comes from',
            nodeListeners: "'close', 'end', 'error', 'timeout', 'free', 'agentRemove', 'secure', 'session', 'newListener' and '_tlsError'",
            consequence: WITHOUT.socket,
            noun: 'a socket Node manages',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "a field named agent: its 'free' listeners",
      code: dedent`
        export class HttpClient {
          constructor(options) {
            this.agent = options.agent;
          }
          close() {
            this.agent.removeAllListeners('free');
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'mayStripNodeListeners',
          line: 6,
          column: 5,
          data: {
            call: "removeAllListeners('free')",
            removed: "every 'free' listener",
            receiver: 'this.agent',
            what: 'named like an http.Agent; this file does not show where it comes from',
            nodeListeners: "'free'",
            consequence: WITHOUT.agent,
            noun: 'an http.Agent',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: "a socket from a net server's callback, kept in a field: removeAllListeners() takes Node's 'end'",
      code: dedent`
        import net from 'node:net';
        class Peer {
          constructor(socket) {
            this.socket = socket;
          }
          close() {
            this.socket.removeAllListeners();
            this.socket.destroy();
          }
        }
        net.createServer((socket) => new Peer(socket)).listen(4000);
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 7,
          column: 5,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'this.socket',
            what: 'a socket the net server accepted, passed in at line 11, stored in this.socket at line 4',
            nodeListeners: "'end'",
            consequence: WITHOUT.netSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'suggestion: several named handlers on a field, removed one by one',
      code: dedent`
        import net from 'node:net';
        export class LineClient {
          connect(port) {
            this.socket = net.connect(port);
            this.socket.on('data', this.onData);
            this.socket.on('close', this.onClose);
          }
          disconnect() {
            this.socket.removeAllListeners();
          }
          onData() {}
          onClose() {}
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 9,
          column: 5,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'this.socket',
            what: 'a socket made by net.connect() at line 4, stored in this.socket at line 4',
            nodeListeners: "'end'",
            consequence: WITHOUT.netSocket,
          },
          suggestions: [
            {
              messageId: 'removeOwnListeners',
              data: { receiver: 'this.socket', handlers: 'this.onData and this.onClose' },
              output: dedent`
                import net from 'node:net';
                export class LineClient {
                  connect(port) {
                    this.socket = net.connect(port);
                    this.socket.on('data', this.onData);
                    this.socket.on('close', this.onClose);
                  }
                  disconnect() {
                    this.socket.removeListener('data', this.onData);
                    this.socket.removeListener('close', this.onClose);
                  }
                  onData() {}
                  onClose() {}
                }
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'no suggestion when one of the listeners is an inline function',
      code: dedent`
        import net from 'node:net';
        export class LineClient {
          connect(port) {
            this.socket = net.connect(port);
            this.socket.on('data', this.onData);
            this.socket.on('close', () => this.reconnect());
          }
          disconnect() {
            this.socket.removeAllListeners();
          }
          onData() {}
          reconnect() {}
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 9,
          column: 5,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'this.socket',
            what: 'a socket made by net.connect() at line 4, stored in this.socket at line 4',
            nodeListeners: "'end'",
            consequence: WITHOUT.netSocket,
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'suggestion with optional chaining and an event named by a constant',
      code: dedent`
        import http from 'node:http';
        const CLOSE = 'close';
        http.createServer((req, res) => {
          function onClose() {
            console.log('client went away');
          }
          req.socket?.on(CLOSE, onClose);
          res.on('finish', () => req.socket?.removeAllListeners(CLOSE));
          res.end();
        });
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 8,
          column: 26,
          data: {
            call: 'removeAllListeners(CLOSE)',
            removed: "every 'close' listener",
            receiver: 'req.socket',
            what: "the socket of req, which Node's HTTP client or server manages",
            nodeListeners: "'close'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [
            {
              messageId: 'removeOwnListeners',
              data: { receiver: 'req.socket', handlers: 'onClose' },
              output: dedent`
                import http from 'node:http';
                const CLOSE = 'close';
                http.createServer((req, res) => {
                  function onClose() {
                    console.log('client went away');
                  }
                  req.socket?.on(CLOSE, onClose);
                  res.on('finish', () => req.socket?.removeListener(CLOSE, onClose));
                  res.end();
                });
              `,
            },
          ],
        },
      ],
    },
    {
      name: 'TypeScript: a cast socket',
      code: dedent`
        import type { Socket } from 'node:net';
        import type { IncomingMessage } from 'node:http';
        export function forget(req: IncomingMessage): void {
          (req.socket as Socket).removeAllListeners('close');
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 3,
          data: {
            call: "removeAllListeners('close')",
            removed: "every 'close' listener",
            receiver: 'req.socket',
            what: "the socket of req, which Node's HTTP client or server manages",
            nodeListeners: "'close'",
            consequence: WITHOUT.httpSocket,
          },
          suggestions: [],
        },
      ],
    },
    // Emitters other code shares.
    {
      name: 'a pooled connection',
      code: dedent`
        import pg from 'pg';
        const pool = new pg.Pool();
        export async function query(text) {
          const client = await pool.connect();
          try {
            return await client.query(text);
          } finally {
            client.removeAllListeners('error');
            client.release();
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 8,
          column: 5,
          data: {
            call: "removeAllListeners('error')",
            removed: "every 'error' listener",
            receiver: 'client',
            what: 'a pooled connection: the pool keeps its own listeners on it and hands it out again',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'an emitter imported from another module',
      code: dedent`
        import { orderEvents } from './events.js';
        export function stopAuditing() {
          orderEvents.removeAllListeners('order:created');
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 3,
          column: 3,
          data: {
            call: "removeAllListeners('order:created')",
            removed: "every 'order:created' listener",
            receiver: 'orderEvents',
            what: "imported from './events.js' at line 1: other modules listen to it too",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'an emitter required from another module',
      code: dedent`
        const { hub } = require('./hub');
        module.exports.reset = function reset() {
          hub.removeAllListeners();
        };
      `,
      languageOptions: { parserOptions: { sourceType: 'commonjs' } },
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 3,
          column: 3,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'hub',
            what: "required from './hub' at line 1: other modules listen to it too",
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a parameter of an exported function, called from other modules',
      code: dedent`
        export function detach(emitter) {
          emitter.removeAllListeners();
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsOthersListeners',
          line: 2,
          column: 3,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'emitter',
            what: 'a parameter of detach: an emitter handed in by code outside this file',
          },
          suggestions: [],
        },
      ],
    },
    {
      name: 'an HTTP/2 session this code opened',
      code: dedent`
        import http2 from 'node:http2';
        export function connect(authority) {
          const session = http2.connect(authority);
          session.once('connect', () => session.removeAllListeners());
          return session;
        }
      `,
      output: null,
      errors: [
        {
          messageId: 'stripsNodeListeners',
          line: 4,
          column: 33,
          data: {
            call: 'removeAllListeners()',
            removed: 'every listener of every event',
            receiver: 'session',
            what: 'an HTTP/2 session made by http2.connect() at line 3',
            nodeListeners: "'newListener' and 'removeListener'",
            consequence: WITHOUT.http2Session,
          },
          suggestions: [],
        },
      ],
    },
  ],
});

// ESLint's own parser wraps a CommonJS file in a function scope: requires there still name the module.
describe('with espree and sourceType commonjs', () => {
  it('resolves the requires', () => {
    const code = dedent`
      const net = require('net');
      const { EventEmitter } = require('events');
      const bus = new EventEmitter();
      bus.removeAllListeners();
      const socket = net.connect(80, 'example.com');
      socket.on('connect', () => socket.removeAllListeners());
    `;
    const messages = new Linter({ configType: 'flat' }).verify(
      code,
      [{ files: ['**/*.cjs'], languageOptions: { parserOptions: { sourceType: 'commonjs' } }, plugins: { 'listener-leak': { rules: { 'no-socket-remove-all-listeners': rule } } as never }, rules: { 'listener-leak/no-socket-remove-all-listeners': 'error' } }],
      'service.cjs',
    );
    expect(messages.map(({ messageId, line }) => ({ messageId, line }))).toEqual([{ messageId: 'stripsNodeListeners', line: 6 }]);
  });
});
