// The words of DESIGN.md as data: which calls register or remove listeners, which callbacks repeat,
// which names mean a per-request object. Every other analysis module reads these, none re-lists them.

/** Methods that add a listener, and whether the listener removes itself after one event. */
export const REGISTRATION_METHODS: ReadonlyMap<string, { once: boolean }> = new Map([
  ['on', { once: false }],
  ['addListener', { once: false }],
  ['prependListener', { once: false }],
  ['once', { once: true }],
  ['prependOnceListener', { once: true }],
  ['addEventListener', { once: false }],
]);

export const REMOVAL_METHODS: ReadonlySet<string> = new Set(['off', 'removeListener', 'removeEventListener']);

/** Node modules whose `createServer` callback runs once per HTTP request. */
export const HTTP_SERVER_MODULES: ReadonlySet<string> = new Set(['http', 'https', 'http2']);
/** Node modules whose `createServer` callback runs once per connection (not per request). */
export const CONNECTION_SERVER_MODULES: ReadonlySet<string> = new Set(['net', 'tls']);
export const SERVER_FACTORY_NAMES: ReadonlySet<string> = new Set(['createServer', 'createSecureServer']);

/** Server events whose listener runs once per request. */
export const SERVER_REQUEST_EVENTS: ReadonlySet<string> = new Set(['request', 'checkContinue', 'checkExpectation']);
/** Events that are per request on a server and per request on a client request: the receiver decides. */
export const SERVER_OR_CLIENT_EVENTS: ReadonlySet<string> = new Set(['upgrade', 'connect']);
/** ClientRequest events whose listener runs once per request. */
export const CLIENT_REQUEST_EVENTS: ReadonlySet<string> = new Set(['response', 'socket', 'information']);
/** Events that fire many times on one emitter: a listener for them repeats. */
export const RECURRING_EVENTS: ReadonlySet<string> = new Set(['data', 'message', 'readable', 'line', 'stream', 'request']);
/** Events after which a client connects again: a cycle through their listener is a reconnect path. */
export const RECONNECT_EVENTS: ReadonlySet<string> = new Set(['close', 'end', 'error', 'disconnect', 'exit', 'timeout', 'reconnect']);
/** Events whose callback runs once per connection: setup for a fresh socket, never a repeating context. */
export const CONNECTION_EVENTS: ReadonlySet<string> = new Set(['connection', 'secureConnection', 'session']);

/** Route registration methods of Express/Router, Koa router, Fastify and friends. */
export const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'get', 'post', 'put', 'delete', 'del', 'patch', 'options', 'head', 'all', 'use', 'search', 'propfind',
]);
/** Receiver names that make `x.get('/path', fn)` a route rather than a cache lookup. */
export const ROUTER_NAME = /^(app|apps?|router|routes?|server|api|fastify|instance|express|koa|web|http|svc|service|hapi|r)$|router$|app$|server$/i;
/** Properties of a route object (`route({ handler })`, Hapi `options: { handler }`) that run per request. */
export const ROUTE_HANDLER_PROPERTIES: ReadonlySet<string> = new Set([
  'handler', 'preHandler', 'onRequest', 'preParsing', 'preValidation', 'preSerialization', 'onSend', 'onResponse',
  'onError', 'onTimeout', 'onRequestAbort', 'errorHandler',
]);
/** Fastify `addHook` and Hapi `ext` names that run per request. */
export const PER_REQUEST_HOOKS: ReadonlySet<string> = new Set([
  'onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onError',
  'onTimeout', 'onRequestAbort', 'onPreAuth', 'onCredentials', 'onPostAuth', 'onPreHandler', 'onPostHandler',
  'onPreResponse', 'onPostResponse',
]);
/** NestJS method decorators that make the method a per-request handler. */
export const NEST_HANDLER_DECORATORS: ReadonlySet<string> = new Set([
  'Get', 'Post', 'Put', 'Delete', 'Patch', 'Options', 'Head', 'All', 'Search', 'Sse', 'MessagePattern',
  'EventPattern', 'SubscribeMessage',
]);
/** NestJS interfaces whose method runs per request. */
export const NEST_PER_REQUEST_INTERFACES: ReadonlyMap<string, string> = new Map([
  ['NestMiddleware', 'use'],
  ['NestInterceptor', 'intercept'],
  ['CanActivate', 'canActivate'],
]);

/** Functions that run once: setup, not per request. Extended by the `setupFunctions` option. */
export const DEFAULT_SETUP_FUNCTIONS: readonly string[] = [
  'setup', 'init', 'initialize', 'bootstrap', 'main', 'listen', 'onModuleInit', 'onApplicationBootstrap',
  'createConnection', 'install', 'configure',
];
/** Test framework callbacks: never production request paths. */
export const TEST_FUNCTIONS: ReadonlySet<string> = new Set([
  'describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll',
  'fdescribe', 'xdescribe', 'fit', 'xit',
]);

/** Client libraries whose call issues one HTTP request. */
export const REQUEST_LIBRARIES: ReadonlySet<string> = new Set([
  'axios', 'got', 'node-fetch', 'undici', 'superagent', 'needle', 'request', 'ky', 'phin', 'cross-fetch',
]);
export const REQUEST_LIBRARY_METHODS: ReadonlySet<string> = new Set([
  'get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'request', 'fetch', 'stream',
]);

/** Parameter names that hold the request's own objects: listeners on them die with the request. */
export const PER_REQUEST_NAMES: ReadonlySet<string> = new Set([
  'req', 'request', 'res', 'response', 'reply', 'ctx', 'context', 'incomingMessage', 'serverResponse',
  'clientRequest', 'stream', 'upstream', 'proxyReq', 'proxyRes',
]);

/** Members that name a long-lived emitter whatever object they are read from. */
export const LONG_LIVED_MEMBERS: ReadonlyMap<string, string> = new Map([
  ['socket', 'a keep-alive socket that outlives the request'],
  ['connection', 'a keep-alive socket that outlives the request'],
  ['agent', 'an http.Agent shared by every request'],
  ['globalAgent', 'the global http.Agent shared by every request'],
  ['server', 'the server, which lives as long as the process'],
  ['app', 'the application (req.app, ctx.app), which lives as long as the service'],
]);
/** Names (or the last segment of a member path) that say the value is a socket: `sock`, `conn`, `this._socket`, `tlsSocket`. */
export const SOCKET_NAME = /(^|\.)(s|sock|socket|conn|tlsSocket|netSocket|rawSocket|_socket)$|Socket$/;
export const PROCESS_STREAMS: ReadonlySet<string> = new Set(['stdin', 'stdout', 'stderr']);

/** Calls that hand out a pooled (reused) connection: the result outlives the request. */
export const POOL_CHECKOUT_METHODS: ReadonlySet<string> = new Set(['connect', 'acquire', 'getConnection', 'checkout', 'get']);
export const POOL_NAME = /pool|cluster/i;

/** Events on a per-request object that mark the end of the request: a removal there pairs. */
export const REQUEST_END_EVENTS: ReadonlySet<string> = new Set([
  'end', 'close', 'finish', 'error', 'aborted', 'abort', 'response', 'timeout', 'done', 'complete',
]);
/** Events on a long-lived emitter that fire once for the emitter's whole life. */
export const EMITTER_END_EVENTS: ReadonlySet<string> = new Set(['close', 'end', 'error', 'agentRemove', 'exit', 'disconnect']);
/**
 * Events a `once` listener waits for that surely come soon: 'free' ends each request on a pooled socket;
 * 'drain' and 'readable' are the backpressure idiom, registered after write() returned false or read() ran dry.
 */
export const SOON_FIRING_EVENTS: ReadonlySet<string> = new Set(['free', 'drain', 'readable']);
/** Calls that end an emitter's life: listeners added to it in the same run die with it. */
export const TEARDOWN_METHODS: ReadonlySet<string> = new Set(['destroy', 'destroySoon', 'resetAndDestroy', 'terminate', 'kill', 'abort']);

/** Method names too common to resolve a call by name alone (`res.end()` is not `MyClass.end`). */
export const COMMON_METHOD_NAMES: ReadonlySet<string> = new Set([
  'on', 'once', 'off', 'emit', 'addListener', 'removeListener', 'get', 'set', 'has', 'add', 'delete', 'clear',
  'push', 'pop', 'shift', 'unshift', 'call', 'apply', 'bind', 'then', 'catch', 'finally', 'write', 'end', 'send',
  'close', 'destroy', 'toString', 'toJSON', 'valueOf', 'map', 'filter', 'forEach', 'reduce', 'find', 'some',
  'every', 'join', 'slice', 'splice', 'keys', 'values', 'entries', 'log', 'info', 'warn', 'error', 'debug',
  'next', 'resolve', 'reject', 'pipe', 'read', 'start', 'stop', 'run', 'handle', 'update', 'init', 'connect',
  'request', 'json', 'status', 'setHeader', 'getHeader', 'includes', 'indexOf', 'concat', 'sort', 'test',
]);

/**
 * Lifecycle methods: a client or service may run them again on the same object (connect after disconnect, start
 * after stop), so listeners they add to something that outlives the connection need a removal in the teardown.
 */
export const LIFECYCLE_METHODS: ReadonlySet<string> = new Set(['connect', 'reconnect', 'subscribe', 'start']);
/** Teardown methods, in the order the teardown codemod prefers them when a class has several. */
export const TEARDOWN_LIFECYCLE_METHODS: readonly string[] = ['disconnect', 'close', 'stop', 'destroy', 'dispose', 'unsubscribe'];
/**
 * The teardowns that make each lifecycle method one (a class with `connect()` and `disconnect()` may connect again),
 * the one its removals go in first. `subscribe()` next to an unrelated `disconnect()` is no lifecycle.
 */
export const TEARDOWN_COUNTERPARTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['connect', ['disconnect', 'close', 'destroy', 'dispose']],
  ['reconnect', ['disconnect', 'close', 'destroy', 'dispose']],
  ['subscribe', ['unsubscribe', 'dispose', 'destroy']],
  ['start', ['stop', 'close', 'destroy', 'dispose']],
]);
/** Parameters a teardown may take (`close(callback)`, `disconnect(reason)`); a required other one makes it a message (`close(msg)`). */
export const TEARDOWN_PARAMETER = /^(cb|callback|done|next|reason|code|err|error|force|options|opts|signal)$/i;
/** Calls that close a connection object; its 'close' listeners then run (and may reconnect). */
export const CLOSING_METHODS: ReadonlySet<string> = new Set(['close', 'terminate', 'destroy', 'end', 'disconnect']);
