// no-per-request-listener on shapes of publicly reported listener leaks and their fixes. Each case is written
// here, in our own code, after the report named above it (repository and issue or pull request number): the
// leak as reported (invalid) and, where the fix can be written as code, the fix (valid).
import rule from '../../rules/no-per-request-listener.js';
import { dedent } from './dedent.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-per-request-listener', rule, {
  valid: [
    // aneilbaboo/replayer#7, a fix in our words: listen for 'timeout' on the request, which re-emits its socket's timeout.
    {
      name: 'replayer fix: timeout listener on the request',
      code: dedent`
        import http from 'node:http';
        export function record(options, onDone) {
          let timedOut = false;
          const upstream = http.request(options, (res) => onDone(res, timedOut));
          upstream.on('timeout', () => {
            timedOut = true;
          });
          upstream.end();
        }
      `,
    },
    // lis186/ccxray#346, the merged fix: a module-level WeakSet so each socket gets its error listener once.
    {
      name: 'ccxray fix: module-level WeakSet guard',
      code: dedent`
        import https from 'node:https';
        const socketsWithErrorGuard = new WeakSet();
        const logUpstreamSocketError = (err) => logger.warn({ err }, 'upstream socket error');
        export function forward(clientReq, clientRes) {
          const proxyReq = https.request({ host: UPSTREAM, path: clientReq.url, method: clientReq.method, headers: clientReq.headers });
          proxyReq.on('socket', (socket) => {
            if (socketsWithErrorGuard.has(socket)) return;
            socketsWithErrorGuard.add(socket);
            socket.on('error', logUpstreamSocketError);
          });
          proxyReq.on('response', (upstreamRes) => upstreamRes.pipe(clientRes));
          clientReq.pipe(proxyReq);
        }
      `,
    },
    // senchalabs/connect#564, "Remove socket event listeners on callback", the fix for #392: the error
// listener comes off req.socket again when the request is done.
    {
      name: 'connect static fix: removal when the response closes',
      code: dedent`
        export function serveStatic(root, { onSocketError } = {}) {
          return function staticMiddleware(req, res, next) {
            if (onSocketError) {
              req.socket.on('error', onSocketError);
              res.on('close', () => req.socket.removeListener('error', onSocketError));
            }
            send(req, req.path, { root }).on('error', next).pipe(res);
          };
        }
        app.use(serveStatic('public', { onSocketError: (err) => logger.debug(err) }));
      `,
    },
    // sindresorhus/timed-out#9, a fix in our words: wait for 'connect' only while the socket is still connecting.
    {
      name: 'timed-out fix: socket.connecting',
      code: dedent`
        export function timedOut(req, connectTimeoutMs) {
          req.on('socket', (socket) => {
            if (!socket.connecting) return;
            const timer = setTimeout(() => req.destroy(new Error('connect timeout')), connectTimeoutMs);
            socket.once('connect', () => clearTimeout(timer));
          });
          return req;
        }
      `,
    },
    // smithy-lang/smithy-typescript#1531, "clear obsolete socket timeout listeners": remove the request's
// timeout listener from the socket when the request closes.
    {
      name: 'smithy fix: removal when the request closes',
      code: dedent`
        import https from 'node:https';
        export function handle(request, timeoutMs) {
          return new Promise((resolve, reject) => {
            const req = https.request(request, resolve);
            req.on('socket', () => {
              const onTimeout = () => req.destroy(new Error(\`socket idle for \${timeoutMs} ms\`));
              req.socket.setTimeout(timeoutMs, onTimeout);
              req.on('close', () => req.socket?.removeListener('timeout', onTimeout));
            });
            req.on('error', reject);
            req.end();
          });
        }
      `,
    },
    // szmarczak/http-timer#1, a fix in our words: listen for lookup and connect only on a socket that is connecting.
    {
      name: 'http-timer fix: only while connecting',
      code: dedent`
        export function timer(request) {
          const timings = { start: Date.now() };
          request.on('socket', (socket) => {
            if (socket.connecting) {
              socket.once('lookup', () => (timings.lookup = Date.now()));
              socket.once('connect', () => (timings.connect = Date.now()));
            } else {
              timings.lookup = timings.connect = timings.start;
            }
          });
          return timings;
        }
      `,
    },
    // webuniverseio/superagent-node-http-timings#21, the suggested fix: a marker property on the socket.
    {
      name: 'superagent-node-http-timings fix: property marker',
      code: dedent`
        export function httpTimings(req, done) {
          const started = process.hrtime.bigint();
          const timings = {};
          req.on('socket', (socket) => {
            if (socket.timingsAttached) return;
            socket.timingsAttached = true;
            socket.on('lookup', () => (timings.dnsLookup = process.hrtime.bigint() - started));
            socket.on('connect', () => (timings.tcpConnection = process.hrtime.bigint() - started));
          });
          req.on('response', (res) => res.once('end', () => done(timings)));
        }
      `,
    },
    // SamDecrock/node-httpreq#28, the fix: back to request.setTimeout(), a listener on the request.
    {
      name: 'node-httpreq fix: request.setTimeout',
      code: dedent`
        import http from 'node:http';
        export function doRequest(options, callback) {
          const request = http.request(options, (res) => callback(null, res));
          request.setTimeout(options.timeout, () => request.destroy(new Error('request timed out')));
          request.on('error', callback);
          request.end(options.body);
        }
      `,
    },
    // OpenHands/OpenHands#16839, a fix in our words: req.setTimeout(timeout, cb) puts the callback on the request.
    {
      name: 'httpxy fix: req.setTimeout',
      code: dedent`
        import http from 'node:http';
        export function createProxy({ target, timeout }) {
          return http.createServer((req, res) => {
            req.setTimeout(timeout, () => res.writeHead(504).end());
            const upstream = http.request({ ...target, path: req.url, method: req.method, headers: req.headers });
            upstream.on('response', (upstreamRes) => upstreamRes.pipe(res));
            req.pipe(upstream);
          });
        }
      `,
    },
    // apocas/docker-modem#178, the merged fix: put the timeout on the request object instead.
    {
      name: 'docker-modem fix: req.setTimeout',
      code: dedent`
        import http from 'node:http';
        export class Modem {
          dial(options, callback) {
            const req = http.request({ socketPath: this.socketPath, path: options.path, method: options.method });
            req.setTimeout(options.timeout, () => req.destroy(new Error('timeout')));
            req.on('response', (res) => callback(null, res));
            req.end();
          }
        }
      `,
    },
    // node-fetch/node-fetch#1474, "Prevent unsubscribe from leaking listeners": remove the 'data' listener
// when the request closes.
    {
      name: 'node-fetch fix: data listener removed when the request closes',
      code: dedent`
        import https from 'node:https';
        export function fetchWithTrailerCheck(url, { agent }, onBadEnding) {
          const request = https.request(url, { agent });
          request.on('socket', (socket) => {
            let lastChunk;
            const onData = (chunk) => (lastChunk = chunk);
            socket.on('data', onData);
            request.on('close', () => socket.removeListener('data', onData));
            request.on('response', (res) => res.on('end', () => isChunkedEnd(lastChunk) || onBadEnding()));
          });
          request.end();
          return request;
        }
      `,
    },
    // node-fetch/node-fetch#1474 again, for the 'close' listener of #1349: removed when the request closes.
    {
      name: 'node-fetch fix: close listener removed when the request closes',
      code: dedent`
        import https from 'node:https';
        export function fetchWithCloseCheck(url, { agent }, onPrematureClose) {
          const request = https.request(url, { agent });
          request.on('socket', (socket) => {
            const onSocketClose = () => onPrematureClose(new Error('socket closed before the body ended'));
            socket.prependListener('close', onSocketClose);
            request.on('close', () => socket.removeListener('close', onSocketClose));
          });
          request.end();
          return request;
        }
      `,
    },
    // exogen/node-fetch-har#13, "Fix adding listeners to reused sockets by removing them on request finish".
    {
      name: 'node-fetch-har fix: timing listeners removed on request finish',
      code: dedent`
        export function recordTimings(req, entry) {
          req.on('socket', (socket) => {
            const onLookup = () => (entry.timings.dns = Date.now() - entry.started);
            const onConnect = () => (entry.timings.connect = Date.now() - entry.started);
            socket.on('lookup', onLookup);
            socket.on('connect', onConnect);
            req.once('finish', () => {
              socket.removeListener('lookup', onLookup);
              socket.removeListener('connect', onConnect);
            });
          });
        }
      `,
    },
    // totaljs/node-sqlagent#41, the merged fix: add it where the pool is created, if none is there yet.
    {
      name: 'node-sqlagent fix: listener added once, where the pool is made',
      code: dedent`
        import pg from 'pg';
        function createPool(connectionString) {
          const pool = new pg.Pool({ connectionString });
          if (pool.listenerCount('error') === 0) pool.on('error', (err) => logger.error({ err }, 'idle client error'));
          return pool;
        }
        const pool = createPool(process.env.DATABASE_URL);
        export async function query(sql, params) {
          const { rows } = await pool.query(sql, params);
          return rows;
        }
        app.get('/users', async (req, res) => res.json(await query('SELECT id, name FROM users')));
      `,
    },
    // taskcluster/taskcluster#2531, "handle error events from pg Clients": intercept 'error' while the
// client is checked out, and stop before releasing it (see also brianc/node-postgres#2229).
    {
      name: 'taskcluster fix: error listener removed before release',
      code: dedent`
        export async function transaction(pool, work) {
          const client = await pool.connect();
          const onError = (err) => logger.warn({ err }, 'connection lost during transaction');
          client.on('error', onError);
          try {
            await client.query('BEGIN');
            const result = await work(client);
            await client.query('COMMIT');
            return result;
          } finally {
            client.removeListener('error', onError);
            client.release();
          }
        }
        app.post('/transfers', async (req, res) => res.json(await transaction(pool, (db) => transfer(db, req.body))));
      `,
    },
    // sindresorhus/got#465, "Fix socket 'connect' memory leak" (citing request/request#2438): time 'connect'
// only on a socket that is still connecting, the check also proposed in request/request#2575.
    {
      name: 'got and request fix: only while connecting',
      code: dedent`
        export function Request(options) {
          this.timings = {};
          this.req = this.httpModule.request(options);
          this.req.on('socket', (socket) => {
            if (socket.connecting) {
              socket.once('connect', () => {
                this.timings.connect = now() - this.startTime;
              });
            } else {
              this.timings.connect = 0;
            }
          });
        }
      `,
    },
    // request/request#2438, a fix in our words: also remove the handler when the request closes.
    {
      name: 'request fix: connect handler removed when the request closes',
      code: dedent`
        export function start(req, timeoutMs) {
          req.on('socket', (socket) => {
            const connectTimer = setTimeout(() => req.abort(), timeoutMs);
            const onReqSockConnect = () => {
              socket.removeListener('connect', onReqSockConnect);
              clearTimeout(connectTimer);
            };
            socket.on('connect', onReqSockConnect);
            req.once('close', () => {
              socket.removeListener('connect', onReqSockConnect);
              clearTimeout(connectTimer);
            });
          });
        }
      `,
    },
    // postwait/node-amqp#198, a fix in our words: remove the same handler before adding it again.
    {
      name: 'node-amqp fix: removed before it is added again',
      code: dedent`
        import net from 'node:net';
        import { EventEmitter } from 'node:events';
        export class Connection extends EventEmitter {
          possibleAuthErrorHandler = (err) => this.emit('auth-error', err);
          connect() {
            this.socket = net.connect(this.options.port, this.options.host);
            this.removeListener('error', this.possibleAuthErrorHandler);
            this.on('error', this.possibleAuthErrorHandler);
            this.socket.on('close', () => this.reconnect());
          }
          reconnect() {
            setTimeout(() => this.connect(), this.options.reconnectBackoffTime);
          }
        }
      `,
    },
    // microlinkhq/html-get#99, a fix in our words: one process listener at start-up, the browser closed in finally.
    {
      name: 'html-get fix: one exit listener, browsers closed in finally',
      code: dedent`
        import { chromium } from 'playwright';
        const openBrowsers = new Set();
        process.on('exit', () => openBrowsers.forEach((browser) => browser.close()));
        export async function getHTML(url) {
          const browser = await chromium.launch();
          openBrowsers.add(browser);
          try {
            const page = await browser.newPage();
            await page.goto(url);
            return await page.content();
          } finally {
            openBrowsers.delete(browser);
            await browser.close();
          }
        }
        setInterval(() => getHTML(process.env.WATCH_URL).then(check), 5000);
      `,
    },
    // nodejs/node-v0.x-archive#26600, a fix in our words: listeners once at start-up, the reconnect only reopens.
    {
      name: 'websocket reconnect fix: listeners once, reconnect only reopens',
      code: dedent`
        import ReconnectingWebSocket from './reconnecting-websocket.js';
        const feed = new ReconnectingWebSocket(process.env.FEED_URL);
        feed.on('open', () => logger.info('feed connected'));
        feed.on('message', (data) => quotes.update(JSON.parse(data)));
        feed.on('close', () => setTimeout(() => feed.open(), 1000));
        feed.open();
      `,
    },
    // tomas/needle#161, a fix in our words: the 'end' listener comes off the socket when the request closes.
    {
      name: 'needle fix: end listener removed when the request closes',
      code: dedent`
        import https from 'node:https';
        export function send(options, done) {
          const request = https.request(options, (resp) => done(null, resp));
          request.once('socket', (socket) => {
            const onSocketEnd = () => request.emit('socket-end');
            socket.once('end', onSocketEnd);
            request.once('close', () => socket.removeListener('end', onSocketEnd));
          });
          request.on('error', done);
          request.end(options.body);
        }
      `,
    },
    // sanity-io/get-it#489, the merged fix: clean the listener up when the response is complete.
    {
      name: 'get-it fix: error listener removed when the response ends',
      code: dedent`
        import http from 'node:http';
        export function request(options, callback) {
          const req = http.request(options);
          req.on('socket', (socket) => {
            const onError = (err) => callback(new Error(\`broken socket: \${err.message}\`));
            socket.once('error', onError);
            req.on('response', (res) => {
              res.once('end', () => socket.removeListener('error', onError));
              callback(null, res);
            });
          });
          req.end();
        }
      `,
    },
  ],
  invalid: [
    // aneilbaboo/replayer#7, "Using keepalive causes MaxListenersExceededWarning": a 'timeout' listener added
// to the request's socket in its 'socket' listener piles up on the reused keep-alive socket.
    {
      name: 'replayer: timeout listener on the socket of every recorded request',
      code: dedent`
        import http from 'node:http';
        export function record(options, onDone) {
          let timedOut = false;
          const upstream = http.request(options, (res) => onDone(res, timedOut));
          upstream.on('socket', (socket) => {
            socket.on('timeout', () => {
              timedOut = true;
            });
          });
          upstream.end();
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'timeout'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of upstream (line 5)",
          },
          suggestions: [],
        },
      ],
    },
    // lis186/ccxray#346, "prevent MaxListenersExceeded warning on keep-alive TLSSocket": the proxy's
// proxyReq.on('socket') added an 'error' listener to every reused upstream socket.
    {
      name: 'ccxray: error listener on every upstream socket',
      code: dedent`
        import https from 'node:https';
        export function forward(clientReq, clientRes) {
          const proxyReq = https.request({ host: UPSTREAM, path: clientReq.url, method: clientReq.method, headers: clientReq.headers });
          let handled = false;
          proxyReq.on('socket', (socket) => {
            socket.on('error', (err) => {
              if (!handled) logger.warn({ err }, 'upstream socket error');
            });
          });
          proxyReq.on('response', (upstreamRes) => upstreamRes.pipe(clientRes));
          clientReq.pipe(proxyReq);
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of proxyReq (line 5)",
          },
          suggestions: [],
        },
      ],
    },
    // senchalabs/connect#392, "EventEmitter callback warning and potential leak": with keep-alive, static
// middleware given a callback grows req.socket's listener list on every request.
    {
      name: 'connect static: callback attached to req.socket per request',
      code: dedent`
        export function serveStatic(root, { onSocketError } = {}) {
          return function staticMiddleware(req, res, next) {
            if (onSocketError) req.socket.on('error', onSocketError);
            send(req, req.path, { root }).on('error', next).pipe(res);
          };
        }
        app.use(serveStatic('public', { onSocketError: (err) => logger.debug(err) }));
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 24,
          data: {
            event: "'error'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the middleware of app.use() (line 7)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'socketsWithErrorListener' },
              output: dedent`
                const socketsWithErrorListener = new WeakSet();

                export function serveStatic(root, { onSocketError } = {}) {
                  return function staticMiddleware(req, res, next) {
                    if (onSocketError) if (!socketsWithErrorListener.has(req.socket)) {
                      socketsWithErrorListener.add(req.socket);
                      req.socket.on('error', onSocketError);
                    }
                    send(req, req.path, { root }).on('error', next).pipe(res);
                  };
                }
                app.use(serveStatic('public', { onSocketError: (err) => logger.debug(err) }));
              `,
            },
            {
              messageId: 'removeWhenRequestEnds',
              data: { endEmitter: 'res' },
              output: dedent`
                export function serveStatic(root, { onSocketError } = {}) {
                  return function staticMiddleware(req, res, next) {
                    if (onSocketError) {
                      req.socket.on('error', onSocketError);
                      res.once('close', () => req.socket.removeListener('error', onSocketError));
                    }
                    send(req, req.path, { root }).on('error', next).pipe(res);
                  };
                }
                app.use(serveStatic('public', { onSocketError: (err) => logger.debug(err) }));
              `,
            },
          ],
        },
      ],
    },
    // sindresorhus/timed-out#9, "Fix 'connect' event handler leak": a once('connect') per request on a
// keep-alive socket that is already connected and never emits 'connect' again.
    {
      name: "timed-out: once('connect') on a reused socket",
      code: dedent`
        export function timedOut(req, connectTimeoutMs) {
          req.on('socket', (socket) => {
            const timer = setTimeout(() => req.destroy(new Error('connect timeout')), connectTimeoutMs);
            socket.once('connect', () => clearTimeout(timer));
          });
          return req;
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 4,
          column: 5,
          data: {
            event: "'connect'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    // smithy-lang/smithy-typescript#1530, "socket timeout handlers leaking for keep alive connections":
// every request calls socket.setTimeout(ms, cb), a once('timeout') that stays on the pooled socket.
    {
      name: 'smithy node-http-handler: socket.setTimeout per request',
      code: dedent`
        import https from 'node:https';
        export function handle(request, timeoutMs) {
          return new Promise((resolve, reject) => {
            const req = https.request(request, resolve);
            req.on('socket', () => {
              const onTimeout = () => req.destroy(new Error(\`socket idle for \${timeoutMs} ms\`));
              req.socket.setTimeout(timeoutMs, onTimeout);
            });
            req.on('error', reject);
            req.end();
          });
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 7,
          column: 7,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: "once per request: the 'socket' listener of req (line 5)",
          },
          suggestions: [],
        },
      ],
    },
    // szmarczak/http-timer#1, "possible memory leak with keepalive": once('lookup') per request never
// fires on a reused socket (or for an IP address), so lookup listeners grow with every request.
    {
      name: "http-timer: once('lookup') and once('connect') per request",
      code: dedent`
        export function timer(request) {
          const timings = { start: Date.now() };
          request.on('socket', (socket) => {
            socket.once('lookup', () => (timings.lookup = Date.now()));
            socket.once('connect', () => (timings.connect = Date.now()));
          });
          return timings;
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 4,
          column: 5,
          data: {
            event: "'lookup'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of request (line 3)",
          },
          suggestions: [],
        },
        {
          messageId: 'onceOnLongLived',
          line: 5,
          column: 5,
          data: {
            event: "'connect'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of request (line 3)",
          },
          suggestions: [],
        },
      ],
    },
    // webuniverseio/superagent-node-http-timings#21, "Socket event listeners are attached multiple times":
// timing listeners added to every request's socket accumulate on keep-alive sockets.
    {
      name: 'superagent-node-http-timings: timing listeners per request',
      code: dedent`
        export function httpTimings(req, done) {
          const started = process.hrtime.bigint();
          const timings = {};
          req.on('socket', (socket) => {
            socket.on('lookup', () => (timings.dnsLookup = process.hrtime.bigint() - started));
            socket.on('connect', () => (timings.tcpConnection = process.hrtime.bigint() - started));
            socket.on('secureConnect', () => (timings.tlsHandshake = process.hrtime.bigint() - started));
          });
          req.on('response', (res) => res.once('end', () => done(timings)));
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 5,
          data: {
            event: "'lookup'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 4)",
          },
          suggestions: [],
        },
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'connect'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 4)",
          },
          suggestions: [],
        },
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'secureConnect'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    // SamDecrock/node-httpreq#28, "Possible EventEmitter memory leak detected": switching from
// request.setTimeout() to socket.on('timeout') leaked a timeout listener per request on keep-alive sockets.
    {
      name: "node-httpreq: socket.on('timeout') per request",
      code: dedent`
        import http from 'node:http';
        export function doRequest(options, callback) {
          const request = http.request(options, (res) => callback(null, res));
          request.on('socket', (socket) => {
            socket.setTimeout(options.timeout);
            socket.on('timeout', () => request.destroy(new Error('request timed out')));
          });
          request.on('error', callback);
          request.end(options.body);
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'timeout'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of request (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    // OpenHands/OpenHands#16839, "Proxy timeout listeners accumulate on keep-alive connections": the proxy
// calls req.socket.setTimeout(timeout, cb) for every proxied request on the downstream keep-alive socket.
    {
      name: 'httpxy proxy: req.socket.setTimeout per proxied request',
      code: dedent`
        import http from 'node:http';
        export function createProxy({ target, timeout }) {
          return http.createServer((req, res) => {
            req.socket.setTimeout(timeout, () => res.writeHead(504).end());
            const upstream = http.request({ ...target, path: req.url, method: req.method, headers: req.headers });
            upstream.on('response', (upstreamRes) => upstreamRes.pipe(res));
            req.pipe(upstream);
          });
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 4,
          column: 5,
          data: {
            event: "'timeout'",
            receiver: 'req.socket',
            lifetime: 'a keep-alive socket that outlives the request',
            context: 'once per request: the request handler of http.createServer (line 3)',
          },
          suggestions: [],
        },
      ],
    },
    // apocas/docker-modem#178, "fix memory leak if timeout is set": one more timeout listener on the
// underlying socket for each request, each holding its request.
    {
      name: 'docker-modem: socket.setTimeout in the socket listener',
      code: dedent`
        import http from 'node:http';
        export class Modem {
          dial(options, callback) {
            const req = http.request({ socketPath: this.socketPath, path: options.path, method: options.method });
            req.on('socket', (socket) => {
              socket.setTimeout(options.timeout, () => req.destroy(new Error('timeout')));
            });
            req.on('response', (res) => callback(null, res));
            req.end();
          }
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 6,
          column: 7,
          data: {
            event: "'timeout'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 5)",
          },
          suggestions: [],
        },
      ],
    },
    // TerriaJS/terriajs-server#176, "11 lookup listeners added to [Socket]": the proxy adds a once('lookup')
// to every upstream request's socket; reused sockets never look up again.
    {
      name: "terriajs-server: once('lookup') per proxied request",
      code: dedent`
        import request from 'request';
        export function proxyTo(url, res) {
          const upstream = request({ url, forever: true });
          upstream.on('socket', (socket) => {
            socket.once('lookup', (err, address) => {
              if (!err && isPrivate(address)) upstream.abort();
            });
          });
          upstream.pipe(res);
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 5,
          column: 5,
          data: {
            event: "'lookup'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of upstream (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    // node-fetch/node-fetch#1295, "MaxListenersExceededWarning" (11 data listeners on TLSSocket): the
// chunked-ending check adds a 'data' listener to every request's socket.
    {
      name: 'node-fetch v3: data listener on every socket',
      code: dedent`
        import https from 'node:https';
        export function fetchWithTrailerCheck(url, { agent }, onBadEnding) {
          const request = https.request(url, { agent });
          request.on('socket', (socket) => {
            let lastChunk;
            const onData = (chunk) => (lastChunk = chunk);
            socket.on('data', onData);
            request.on('response', (res) => res.on('end', () => isChunkedEnd(lastChunk) || onBadEnding()));
          });
          request.end();
          return request;
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'data'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of request (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    // node-fetch/node-fetch#1349, "Setting a keep-alive agent in v3 warns about a possible event emitter
// leak": a prepended 'close' listener per request on the TLSSocket.
    {
      name: 'node-fetch v3: prepended close listener on every socket',
      code: dedent`
        import https from 'node:https';
        export function fetchWithCloseCheck(url, { agent }, onPrematureClose) {
          const request = https.request(url, { agent });
          request.on('socket', (socket) => {
            const onSocketClose = () => onPrematureClose(new Error('socket closed before the body ended'));
            socket.prependListener('close', onSocketClose);
          });
          request.end();
          return request;
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 5,
          data: {
            event: "'close'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of request (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    // totaljs/node-sqlagent#41, "PG pool error listeners causing MaxListenersExceededWarning": an 'error'
// listener added to the pool every time it is used.
    {
      name: 'node-sqlagent: pool error listener on every query',
      code: dedent`
        import pg from 'pg';
        const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        export async function query(sql, params) {
          pool.on('error', (err) => logger.error({ err }, 'idle client error'));
          const { rows } = await pool.query(sql, params);
          return rows;
        }
        app.get('/users', async (req, res) => res.json(await query('SELECT id, name FROM users')));
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'pool',
            lifetime: 'a module-level emitter (line 2)',
            context: "once per request: called at line 8 from the route handler of app.get('/users') (line 8)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'emittersWithErrorListener' },
              output: dedent`
                import pg from 'pg';
                const emittersWithErrorListener = new WeakSet();
                const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
                export async function query(sql, params) {
                  if (!emittersWithErrorListener.has(pool)) {
                    emittersWithErrorListener.add(pool);
                    pool.on('error', (err) => logger.error({ err }, 'idle client error'));
                  }
                  const { rows } = await pool.query(sql, params);
                  return rows;
                }
                app.get('/users', async (req, res) => res.json(await query('SELECT id, name FROM users')));
              `,
            },
          ],
        },
      ],
    },
    // brianc/node-postgres#3539, "pg-pool MaxListenersExceededWarning": an 'error' listener added each time a
// client is taken from the pool for a transaction; the pooled client comes back with all of them.
    {
      name: 'node-postgres#3539: error listener per pool checkout',
      code: dedent`
        export async function transaction(pool, work) {
          const client = await pool.connect();
          client.on('error', (err) => logger.warn({ err }, 'connection lost during transaction'));
          await client.query('BEGIN');
          try {
            const result = await work(client);
            await client.query('COMMIT');
            return result;
          } catch (err) {
            await client.query('ROLLBACK');
            throw err;
          } finally {
            client.release();
          }
        }
        app.post('/transfers', async (req, res) => res.json(await transaction(pool, (db) => transfer(db, req.body))));
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 3,
          column: 3,
          data: {
            event: "'error'",
            receiver: 'client',
            lifetime: 'a pooled connection that is handed out again after this run',
            context: "once per request: called at line 16 from the route handler of app.post('/transfers') (line 16)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'emittersWithErrorListener' },
              output: dedent`
                const emittersWithErrorListener = new WeakSet();

                export async function transaction(pool, work) {
                  const client = await pool.connect();
                  if (!emittersWithErrorListener.has(client)) {
                    emittersWithErrorListener.add(client);
                    client.on('error', (err) => logger.warn({ err }, 'connection lost during transaction'));
                  }
                  await client.query('BEGIN');
                  try {
                    const result = await work(client);
                    await client.query('COMMIT');
                    return result;
                  } catch (err) {
                    await client.query('ROLLBACK');
                    throw err;
                  } finally {
                    client.release();
                  }
                }
                app.post('/transfers', async (req, res) => res.json(await transaction(pool, (db) => transfer(db, req.body))));
              `,
            },
          ],
        },
      ],
    },
    // request/request#2575, "EventEmitter leak in 2.80": timing code adds a 'connect' listener to every
// request's socket; keep-alive sockets never connect again.
    {
      name: "request 2.80: once('connect') for timings on every socket",
      code: dedent`
        export function Request(options) {
          this.timings = {};
          this.req = this.httpModule.request(options);
          this.req.on('socket', (socket) => {
            socket.once('connect', () => {
              this.timings.connect = now() - this.startTime;
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
            event: "'connect'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of this.req (line 4)",
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'connect'", setName: 'socketsWithConnectListener' },
              output: dedent`
                const socketsWithConnectListener = new WeakSet();

                export function Request(options) {
                  this.timings = {};
                  this.req = this.httpModule.request(options);
                  this.req.on('socket', (socket) => {
                    if (!socketsWithConnectListener.has(socket)) {
                      socketsWithConnectListener.add(socket);
                      socket.once('connect', () => {
                        this.timings.connect = now() - this.startTime;
                      });
                    }
                  });
                }
              `,
            },
          ],
        },
      ],
    },
    // request/request#2438, "Leaking 'connect' handlers with new timeout support": onReqSockConnect removes
// itself on 'connect', which a reused socket never emits, so it stays.
    {
      name: 'request: self-removing connect handler on a reused socket',
      code: dedent`
        export function start(req, timeoutMs) {
          req.on('socket', (socket) => {
            const connectTimer = setTimeout(() => req.abort(), timeoutMs);
            const onReqSockConnect = () => {
              socket.removeListener('connect', onReqSockConnect);
              clearTimeout(connectTimer);
            };
            socket.on('connect', onReqSockConnect);
          });
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 8,
          column: 5,
          data: {
            event: "'connect'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 2)",
          },
          suggestions: [],
        },
      ],
    },
    // postwait/node-amqp#198, "Fix for adding event listeners on every reconnect": connect() adds the
// possibleAuthErrorHandler again each time reconnect() runs it.
    {
      name: 'node-amqp: auth error handler added on every reconnect',
      code: dedent`
        import net from 'node:net';
        import { EventEmitter } from 'node:events';
        export class Connection extends EventEmitter {
          possibleAuthErrorHandler = (err) => this.emit('auth-error', err);
          connect() {
            this.socket = net.connect(this.options.port, this.options.host);
            this.on('error', this.possibleAuthErrorHandler);
            this.socket.on('close', () => this.reconnect());
          }
          reconnect() {
            setTimeout(() => this.connect(), this.options.reconnectBackoffTime);
          }
        }
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'this',
            lifetime: 'this Connection, which outlives each run',
            context: 'every time it is re-entered (e.g. on every reconnect): Connection.connect, which is entered again from inside itself (line 11)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'error'", setName: 'emittersWithErrorListener' },
              output: dedent`
                import net from 'node:net';
                import { EventEmitter } from 'node:events';
                const emittersWithErrorListener = new WeakSet();
                export class Connection extends EventEmitter {
                  possibleAuthErrorHandler = (err) => this.emit('auth-error', err);
                  connect() {
                    this.socket = net.connect(this.options.port, this.options.host);
                    if (!emittersWithErrorListener.has(this)) {
                      emittersWithErrorListener.add(this);
                      this.on('error', this.possibleAuthErrorHandler);
                    }
                    this.socket.on('close', () => this.reconnect());
                  }
                  reconnect() {
                    setTimeout(() => this.connect(), this.options.reconnectBackoffTime);
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    // noodlefrenzy/node-amqp10#98, "reconnecting continuously registers listeners, causing a leak": each
// reconnect attempt registers another SessionMapped listener on the client.
    {
      name: 'node-amqp10: SessionMapped listener per reconnect attempt',
      code: dedent`
        export class AMQPClient extends EventEmitter {
          static SessionMapped = 'client:session:mapped';
          connect(url) {
            this._connection = this._newConnection(url);
            this.on(AMQPClient.SessionMapped, () => this._attachLinks());
            this._connection.on('disconnected', () => {
              setTimeout(() => this.connect(url), this._reconnectDelay());
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
            event: '`AMQPClient.SessionMapped`',
            receiver: 'this',
            lifetime: 'this AMQPClient, which outlives each run',
            context: 'every time it is re-entered (e.g. on every reconnect): AMQPClient.connect, which is entered again from inside itself (line 7)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: '`AMQPClient.SessionMapped`', setName: 'emittersWithAMQPClientSessionMappedListener' },
              output: dedent`
                const emittersWithAMQPClientSessionMappedListener = new WeakSet();

                export class AMQPClient extends EventEmitter {
                  static SessionMapped = 'client:session:mapped';
                  connect(url) {
                    this._connection = this._newConnection(url);
                    if (!emittersWithAMQPClientSessionMappedListener.has(this)) {
                      emittersWithAMQPClientSessionMappedListener.add(this);
                      this.on(AMQPClient.SessionMapped, () => this._attachLinks());
                    }
                    this._connection.on('disconnected', () => {
                      setTimeout(() => this.connect(url), this._reconnectDelay());
                    });
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    // microlinkhq/html-get#99, "MaxListenersExceededWarning" (exit, SIGINT, SIGTERM, SIGHUP listeners):
// every call, made every 5 seconds, adds process signal listeners to close its browser.
    {
      name: 'html-get: process exit and SIGINT listeners on every call',
      code: dedent`
        import { chromium } from 'playwright';
        export async function getHTML(url) {
          const browser = await chromium.launch();
          process.on('exit', () => browser.close());
          process.on('SIGINT', () => browser.close());
          const page = await browser.newPage();
          await page.goto(url);
          return page.content();
        }
        setInterval(() => getHTML(process.env.WATCH_URL).then(check), 5000);
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 4,
          column: 3,
          data: {
            event: "'exit'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'on every timer tick: called at line 10 from a setInterval callback (line 10)',
          },
          suggestions: [],
        },
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'SIGINT'",
            receiver: 'process',
            lifetime: 'an emitter that lives as long as the service',
            context: 'on every timer tick: called at line 10 from a setInterval callback (line 10)',
          },
          suggestions: [],
        },
      ],
    },
    // nodejs/node-v0.x-archive#26600, "MaxListenersExceededWarning when websocket reconnect": the reconnect
// path adds 'open' and 'message' listeners to the same websocket object again.
    {
      name: 'websocket reconnect: listeners added to the same feed on every reconnect',
      code: dedent`
        import ReconnectingWebSocket from './reconnecting-websocket.js';
        const feed = new ReconnectingWebSocket(process.env.FEED_URL);
        function connect() {
          feed.open();
          feed.on('open', () => logger.info('feed connected'));
          feed.on('message', (data) => quotes.update(JSON.parse(data)));
          feed.on('close', () => setTimeout(connect, 1000));
        }
        connect();
      `,
      errors: [
        {
          messageId: 'perRequestListener',
          line: 5,
          column: 3,
          data: {
            event: "'open'",
            receiver: 'feed',
            lifetime: 'a module-level emitter (line 2)',
            context: 'every time it is re-entered (e.g. on every reconnect): connect, which reschedules itself (line 7)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'open'", setName: 'emittersWithOpenListener' },
              output: dedent`
                import ReconnectingWebSocket from './reconnecting-websocket.js';
                const emittersWithOpenListener = new WeakSet();
                const feed = new ReconnectingWebSocket(process.env.FEED_URL);
                function connect() {
                  feed.open();
                  if (!emittersWithOpenListener.has(feed)) {
                    emittersWithOpenListener.add(feed);
                    feed.on('open', () => logger.info('feed connected'));
                  }
                  feed.on('message', (data) => quotes.update(JSON.parse(data)));
                  feed.on('close', () => setTimeout(connect, 1000));
                }
                connect();
              `,
            },
          ],
        },
        {
          messageId: 'perRequestListener',
          line: 6,
          column: 3,
          data: {
            event: "'message'",
            receiver: 'feed',
            lifetime: 'a module-level emitter (line 2)',
            context: 'every time it is re-entered (e.g. on every reconnect): connect, which reschedules itself (line 7)',
          },
          suggestions: [
            {
              messageId: 'guardWithWeakSet',
              data: { event: "'message'", setName: 'emittersWithMessageListener' },
              output: dedent`
                import ReconnectingWebSocket from './reconnecting-websocket.js';
                const emittersWithMessageListener = new WeakSet();
                const feed = new ReconnectingWebSocket(process.env.FEED_URL);
                function connect() {
                  feed.open();
                  feed.on('open', () => logger.info('feed connected'));
                  if (!emittersWithMessageListener.has(feed)) {
                    emittersWithMessageListener.add(feed);
                    feed.on('message', (data) => quotes.update(JSON.parse(data)));
                  }
                  feed.on('close', () => setTimeout(connect, 1000));
                }
                connect();
              `,
            },
          ],
        },
        {
          messageId: 'perRequestListener',
          line: 7,
          column: 3,
          data: {
            event: "'close'",
            receiver: 'feed',
            lifetime: 'a module-level emitter (line 2)',
            context: 'every time it is re-entered (e.g. on every reconnect): connect, which reschedules itself (line 7)',
          },
          suggestions: [],
        },
      ],
    },
    // tomas/needle#161, "EventEmitter memory leak when sockets are heavily reused": a once('end') on the
// request's socket, to catch a closed socket, is added for every request and piles up on reused sockets.
    {
      name: "needle: once('end') on every request's socket",
      code: dedent`
        import https from 'node:https';
        export function send(options, done) {
          const request = https.request(options, (resp) => done(null, resp));
          request.once('socket', (socket) => {
            socket.once('end', () => request.emit('socket-end'));
          });
          request.on('error', done);
          request.end(options.body);
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 5,
          column: 5,
          data: {
            event: "'end'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of request (line 4)",
          },
          suggestions: [],
        },
      ],
    },
    // sanity-io/get-it#489, "fix eventemitter leak when checking for broken socket": the broken-socket check's
// once('error') only goes away if the socket errors, so keep-alive sockets collect one per request.
    {
      name: "get-it: once('error') broken-socket check per request",
      code: dedent`
        import http from 'node:http';
        export function request(options, callback) {
          const req = http.request(options);
          req.on('socket', (socket) => {
            socket.once('error', (err) => callback(new Error(\`broken socket: \${err.message}\`)));
          });
          req.on('response', (res) => callback(null, res));
          req.end();
        }
      `,
      errors: [
        {
          messageId: 'onceOnLongLived',
          line: 5,
          column: 5,
          data: {
            event: "'error'",
            receiver: 'socket',
            lifetime: "the 'socket' event's socket, a keep-alive socket reused across requests",
            context: "once per request: the 'socket' listener of req (line 4)",
          },
          suggestions: [],
        },
      ],
    },
  ],
});
