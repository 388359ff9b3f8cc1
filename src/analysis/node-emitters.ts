// What Node itself listens to, as data: the kinds of emitter it keeps its own listeners on (sockets, agents,
// process, servers, responses), which events those are, and where such emitters come from (classes, factories,
// the arguments of its callbacks). The lists are what Node 20 shows; the rule's node-facts test checks them
// (test/rules/no-socket-remove-all-listeners.node-facts.test.ts).
/** Kinds of emitter Node keeps its own listeners on, with what those listeners are for. */
export type NodeEmitterKind =
  | 'socket'
  | 'http-socket'
  | 'net-socket'
  | 'tls-socket'
  | 'tls-accepted-socket'
  | 'upgraded-socket'
  | 'agent'
  | 'process'
  | 'server'
  | 'server-response'
  | 'client-response'
  | 'http-response'
  | 'client-request'
  | 'http2-session'
  | 'http2-stream';

export interface NodeEmitter {
  readonly kind: NodeEmitterKind;
  /** What it is, for a message about an emitter known only by its name: "a socket Node manages". */
  readonly noun: string;
  /** Events Node itself listens to on this kind of emitter (verified on Node 20: test/rules/no-socket-remove-all-listeners.node-facts.test.ts). */
  readonly listeners: readonly string[];
  /** What stops working without them, as a clause after "without them". */
  readonly consequence: string;
}

const SOCKET_CONSEQUENCE =
  "Node's HTTP client and server lose track of the socket, so a response cut short never ends (no 'end', 'error' or 'close': a hang), and the agent never frees or drops the socket";

/** What Node keeps on each kind. The lists are what a Node 20 process shows; the facts test checks them. */
export const NODE_EMITTERS: Readonly<Record<NodeEmitterKind, NodeEmitter>> = {
  // A socket known only by its name: what Node keeps on any socket it pools, serves HTTP on or wraps in TLS, but
  // not the listeners of a live HTTP exchange ('data', 'drain'), which a raw protocol socket does not have.
  socket: {
    kind: 'socket',
    noun: 'a socket Node manages',
    listeners: ['close', 'end', 'error', 'timeout', 'free', 'agentRemove', 'secure', 'session', 'newListener', '_tlsError'],
    consequence:
      "a keep-alive socket's agent never frees or drops it and a response cut short on it never ends (a hang), and a TLS socket no longer frees its TLS state when it closes",
  },
  'http-socket': {
    kind: 'http-socket',
    noun: 'an HTTP socket',
    listeners: ['close', 'error', 'end', 'data', 'drain', 'timeout', 'free', 'agentRemove', 'pause', 'resume', 'secure', 'session', 'newListener', '_tlsError'],
    consequence: SOCKET_CONSEQUENCE,
  },
  'net-socket': {
    kind: 'net-socket',
    noun: 'a socket',
    listeners: ['end'],
    consequence: 'the socket no longer refuses writes after the other side has ended',
  },
  'tls-socket': {
    kind: 'tls-socket',
    noun: 'a TLS socket',
    listeners: ['close', 'end', 'secure', 'newListener'],
    consequence: 'the TLS socket no longer finishes its handshake, frees its TLS state when it closes, or refuses writes after the other side has ended',
  },
  'tls-accepted-socket': {
    kind: 'tls-accepted-socket',
    noun: 'a TLS socket',
    listeners: ['close', 'end', 'error', 'secure', 'newListener', '_tlsError'],
    consequence: 'the TLS socket no longer handles its handshake errors, frees its TLS state when it closes, or refuses writes after the other side has ended',
  },
  // After 'upgrade' or 'connect', Node's HTTP code has taken its listeners off: what is left is the socket's own.
  'upgraded-socket': {
    kind: 'upgraded-socket',
    noun: 'an upgraded socket',
    listeners: ['close', 'end', 'secure', 'newListener'],
    consequence: 'the socket no longer refuses writes after the other side has ended, and a TLS socket no longer frees its TLS state when it closes',
  },
  agent: {
    kind: 'agent',
    noun: 'an http.Agent',
    listeners: ['free', 'newListener'],
    consequence: 'sockets no longer go back to the keep-alive pool when a request ends',
  },
  process: {
    kind: 'process',
    noun: 'the process',
    listeners: ['warning', 'newListener', 'removeListener'],
    consequence: "Node stops printing warnings and loses track of signal listeners, and every other module's exit, signal and error handlers stop running",
  },
  server: {
    kind: 'server',
    noun: 'a Node server',
    listeners: ['connection', 'listening', 'newListener'],
    consequence: 'the server stops turning new connections into requests',
  },
  'server-response': {
    kind: 'server-response',
    noun: 'a server response',
    listeners: ['finish'],
    consequence: 'the server never reads the next request on a keep-alive connection',
  },
  'client-response': {
    kind: 'client-response',
    noun: 'a client response',
    listeners: ['end'],
    consequence: 'the socket never goes back to the agent, nor is it closed without keep-alive',
  },
  'http-response': {
    kind: 'http-response',
    noun: 'an HTTP response',
    listeners: ['finish', 'end'],
    consequence: 'its keep-alive socket is never handed on: a server never reads the next request, a client never gives the socket back to the agent',
  },
  'client-request': {
    kind: 'client-request',
    noun: 'a client request',
    listeners: ['finish'],
    consequence: 'a keep-alive socket may never go back to the agent when the response ends',
  },
  'http2-session': {
    kind: 'http2-session',
    noun: 'an HTTP/2 session',
    listeners: ['newListener', 'removeListener'],
    consequence: "events Node reports only while someone listens, such as 'remoteSettings', never reach listeners added later",
  },
  'http2-stream': {
    kind: 'http2-stream',
    noun: 'an HTTP/2 stream',
    listeners: ['pause', 'newListener', 'removeListener', 'headers'],
    consequence: "the stream's flow control and its handling of informational headers break",
  },
};

/** Node classes whose instances Node itself listens to, by `module#export`. */
export const NODE_CLASSES: ReadonlyMap<string, NodeEmitterKind> = new Map([
  ['net#Socket', 'net-socket'],
  ['net#Stream', 'net-socket'],
  ['tls#TLSSocket', 'tls-socket'],
  ['http#Agent', 'agent'],
  ['https#Agent', 'agent'],
  ['http#Server', 'server'],
  ['https#Server', 'server'],
  ['net#Server', 'server'],
  ['tls#Server', 'server'],
  ['http#ClientRequest', 'client-request'],
  ['http#IncomingMessage', 'client-response'],
  ['http#ServerResponse', 'server-response'],
]);
/** Node functions that return an emitter Node itself listens to. */
export const NODE_FACTORIES: ReadonlyMap<string, NodeEmitterKind> = new Map([
  ['net#connect', 'net-socket'],
  ['net#createConnection', 'net-socket'],
  ['tls#connect', 'tls-socket'],
  ['http#request', 'client-request'],
  ['http#get', 'client-request'],
  ['https#request', 'client-request'],
  ['https#get', 'client-request'],
  ['http#createServer', 'server'],
  ['https#createServer', 'server'],
  ['http2#createServer', 'server'],
  ['http2#createSecureServer', 'server'],
  ['net#createServer', 'server'],
  ['tls#createServer', 'server'],
  ['http2#connect', 'http2-session'],
]);
/** Names of Node's HTTP request and response objects: their `.socket` is the HTTP socket Node manages. */
export const HTTP_OBJECT_NAMES: ReadonlySet<string> = new Set([
  'req', 'res', 'request', 'response', 'incomingMessage', 'serverResponse', 'clientRequest', 'proxyReq', 'proxyRes',
]);
/** Node modules whose classes are plain emitters: an instance made here has no listener of Node's. */
export const PLAIN_EMITTER_MODULES: ReadonlySet<string> = new Set(['events', 'stream', 'stream/promises']);

/** The arguments Node passes to a listener of these events, by position. */
export const EVENT_ARGUMENTS: ReadonlyMap<string, readonly (NodeEmitterKind | 'request' | null)[]> = new Map<string, readonly (NodeEmitterKind | 'request' | null)[]>([
  ['socket', ['http-socket']],
  ['free', ['http-socket']],
  ['connection', ['http-socket']],
  ['secureConnection', ['http-socket']],
  ['upgrade', [null, 'upgraded-socket']],
  ['connect', [null, 'upgraded-socket']],
  ['request', ['request', 'server-response']],
  ['checkContinue', ['request', 'server-response']],
  ['checkExpectation', ['request', 'server-response']],
  ['response', ['client-response']],
  ['session', ['http2-session']],
  ['stream', ['http2-stream']],
]);
/** The arguments Node passes to the callback of these module functions. */
export const FACTORY_CALLBACK_ARGUMENTS: ReadonlyMap<string, readonly (NodeEmitterKind | 'request')[]> = new Map<string, readonly (NodeEmitterKind | 'request')[]>([
  ['http#createServer', ['request', 'server-response']],
  ['https#createServer', ['request', 'server-response']],
  ['http2#createServer', ['request', 'server-response']],
  ['http2#createSecureServer', ['request', 'server-response']],
  ['net#createServer', ['net-socket']],
  ['tls#createServer', ['tls-accepted-socket']],
  ['http#request', ['client-response']],
  ['http#get', ['client-response']],
  ['https#request', ['client-response']],
  ['https#get', ['client-response']],
]);

/** How a message names what Node passed to a listener or callback of this code. */
export const WHAT_NODE_GIVES: Readonly<Record<NodeEmitterKind | 'request', string>> = {
  socket: 'a socket Node passes to this listener',
  'http-socket': 'a socket Node passes to this listener',
  'net-socket': 'a socket the net server accepted',
  'tls-socket': 'a TLS socket Node passes to this listener',
  'tls-accepted-socket': 'a TLS socket the server accepted',
  'upgraded-socket': 'a socket Node handed over to this listener',
  agent: 'an http.Agent',
  process: 'the process',
  server: 'a server',
  'server-response': 'the response Node made for this request',
  'client-response': 'the response Node made for this request',
  'http-response': 'an HTTP response',
  'client-request': 'a request Node made',
  'http2-session': 'an HTTP/2 session Node made',
  'http2-stream': 'an HTTP/2 stream Node made',
  request: 'the request Node made, which every listener and middleware of the server shares',
};

export const FACTORY_NOUNS: Partial<Record<NodeEmitterKind, string>> = {
  'net-socket': 'a socket',
  'tls-socket': 'a TLS socket',
  'client-request': 'a request',
  server: 'a server',
  'http2-session': 'an HTTP/2 session',
};
