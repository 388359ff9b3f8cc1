// SocketRegistry: what the seed's ConnectionTracker wanted (open connections, requests per socket, socket errors)
// with the registry pattern: one record per socket in a WeakMap, listeners installed on first sight only.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { errorMonitor, type EventEmitter } from 'node:events';
import type { Agent, ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { callSafely } from './callbacks.js';
import { debug } from './debug.js';

export interface SocketRecord {
  /** 1, 2, 3... in the order this registry first saw the sockets. */
  readonly id: number;
  /** Requests counted on the socket: track() calls, or request starts on an instrumented agent. */
  requests: number;
  /** Date.now() when the registry first saw the socket. */
  createdAt: number;
  /** Date.now() of the last request counted. */
  lastActivity: number;
  /** What the last track() call passed (track() without metadata keeps the previous value). */
  metadata: unknown;
  /** Errors the socket emitted while tracked, observed with events.errorMonitor. */
  errors: number;
  /** True once the socket emitted 'close'. */
  closed: boolean;
}

export interface SocketRegistryOptions {
  /** A socket is tracked for the first time (before track() counts its first request). */
  onOpen?(record: SocketRecord): void;
  /** A tracked socket emitted 'close'; its record is dropped right after. */
  onClose?(record: SocketRecord): void;
  /** A tracked socket emitted 'error'. Observing it does not handle it: it surfaces exactly as it would untracked. */
  onError?(record: SocketRecord, error: Error): void;
}

export interface SocketRegistryStats {
  /** Sockets tracked now. */
  open: number;
  /** Sockets ever tracked. */
  created: number;
  /** Tracked sockets that emitted 'close'. Sockets untracked, or released alive by their agent, are not counted. */
  closed: number;
  /** Requests counted on all sockets. */
  requests: number;
  /** Errors emitted by tracked sockets. */
  errors: number;
}

/** The registry's listeners, one per event on each socket. */
interface SocketListeners {
  close: (this: Socket) => void;
  error: (this: Socket, error: Error) => void;
  agentRemove: (this: Socket) => void;
}

interface Entry {
  record: SocketRecord;
  /** The instrumented agent that created or used the socket; undefined when only track() saw it. */
  agent: Agent | undefined;
}

interface ClientRequestStart {
  request: ClientRequest;
}

// Since Node 20 (DESIGN.md fact 8), published once per request, when its socket is assigned and its headers are
// flushed, for every request in the process: a single subscription counts the requests of every instrumented agent.
const REQUEST_START = 'http.client.request.start';

function isClientRequestStart(message: unknown): message is ClientRequestStart {
  return typeof message === 'object' && message !== null && 'request' in message;
}

function isEmitter(value: unknown): value is Socket {
  return typeof value === 'object' && value !== null && typeof (value as { on?: unknown }).on === 'function';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${value.constructor.name} without .on()`;
  return typeof value;
}

export class SocketRegistry {
  readonly #options: SocketRegistryOptions;
  readonly #entries = new WeakMap<Socket, Entry>();
  // Strong references only to the sockets still open, so close() can reach them; each leaves on its 'close'.
  readonly #openSockets = new Set<Socket>();
  readonly #undos = new Map<Agent, () => void>();
  readonly #stats = { created: 0, closed: 0, requests: 0, errors: 0 };
  #nextId = 1;

  // One function of each per registry, shared by all its sockets: `this` is the socket that emitted.
  readonly #listeners: SocketListeners;
  readonly #onRequestStart: (message: unknown) => void;

  constructor(options: SocketRegistryOptions = {}) {
    this.#options = options;
    const closed = (socket: Socket): void => {
      this.#socketClosed(socket);
    };
    const errored = (socket: Socket, error: Error): void => {
      this.#socketErrored(socket, error);
    };
    const removed = (socket: Socket): void => {
      this.#socketLeftPool(socket);
    };
    this.#listeners = {
      close: function onTrackedSocketClose(this: Socket) {
        closed(this);
      },
      error: function onTrackedSocketError(this: Socket, error: Error) {
        errored(this, error);
      },
      agentRemove: function onTrackedSocketAgentRemove(this: Socket) {
        removed(this);
      },
    };
    this.#onRequestStart = (message) => {
      if (isClientRequestStart(message)) this.#requestStarted(message.request);
    };
  }

  /**
   * Tracks `socket`. The first call per socket installs the registry's listeners (one each on 'close',
   * 'agentRemove' and events.errorMonitor) and counts the first request; later calls count one more request and
   * refresh the metadata. A socket that has already closed gets a closed record and no listeners.
   */
  track(socket: Socket, metadata?: unknown): SocketRecord {
    if (!isEmitter(socket)) {
      throw new TypeError(`SocketRegistry.track(socket) needs a net.Socket or tls.TLSSocket, got ${describe(socket)}.`);
    }
    const entry = this.#entries.get(socket) ?? this.#openEntry(socket, undefined);
    this.#countRequest(entry.record);
    if (metadata !== undefined) entry.record.metadata = metadata;
    return entry.record;
  }

  /** The record of a tracked socket; undefined once it closed or was untracked. */
  get(socket: Socket): SocketRecord | undefined {
    return this.#entries.get(socket)?.record;
  }

  /** Removes exactly the registry's own listeners from `socket` and drops its record. False when it was not tracked. */
  untrack(socket: Socket): boolean {
    const entry = this.#entries.get(socket);
    if (entry === undefined) return false;
    this.#release(socket);
    debug('untracked socket %d after %d requests', entry.record.id, entry.record.requests);
    return true;
  }

  /**
   * Tracks every socket `agent` creates or uses and counts each request on its socket, without a listener per
   * request: `agent.createConnection` is wrapped once, and request starts come from one diagnostics_channel
   * subscription. Returns an undo that restores the agent and untracks the sockets it brought in. Instrumenting an
   * agent twice returns the same undo.
   */
  instrument(agent: Agent): () => void {
    const existing = this.#undos.get(agent);
    if (existing !== undefined) return existing;
    if (typeof (agent as Partial<Agent> | null)?.createConnection !== 'function') {
      throw new TypeError(`SocketRegistry.instrument(agent) needs an http.Agent or https.Agent, got ${describe(agent)}.`);
    }

    const hadOwn = Object.hasOwn(agent, 'createConnection');
    const original = Reflect.get(agent, 'createConnection');
    let active = true;
    const opened = (socket: Duplex | null | undefined): void => {
      if (active && isEmitter(socket) && !this.#entries.has(socket)) this.#openEntry(socket, agent);
    };
    // Sockets whose createConnection calls back instead of returning are caught at their first request start.
    const createTrackedConnection = function createTrackedConnection(this: Agent, ...args: Parameters<Agent['createConnection']>) {
      const socket: ReturnType<Agent['createConnection']> = Reflect.apply(original, this, args);
      opened(socket);
      return socket;
    };
    agent.createConnection = createTrackedConnection;

    const undo = (): void => {
      if (!active) return;
      active = false;
      this.#undos.delete(agent);
      // Someone may have wrapped createConnection after us: then ours stays in their chain, inactive.
      if (agent.createConnection === createTrackedConnection) {
        if (hadOwn) agent.createConnection = original;
        else Reflect.deleteProperty(agent, 'createConnection');
      }
      for (const socket of [...this.#openSockets]) {
        const entry = this.#entries.get(socket);
        if (entry?.agent === agent) this.#release(socket);
      }
      if (this.#undos.size === 0) unsubscribe(REQUEST_START, this.#onRequestStart);
      debug('stopped instrumenting an agent');
    };

    if (this.#undos.size === 0) subscribe(REQUEST_START, this.#onRequestStart);
    this.#undos.set(agent, undo);
    let pooled = 0;
    for (const pool of [agent.sockets, agent.freeSockets]) {
      for (const sockets of Object.values(pool)) {
        for (const socket of sockets ?? []) {
          opened(socket);
          pooled++;
        }
      }
    }
    debug('instrumenting an agent with %d pooled sockets', pooled);
    return undo;
  }

  stats(): SocketRegistryStats {
    return { open: this.#openSockets.size, ...this.#stats };
  }

  /** Untracks every socket and undoes every instrument(); the registry can be used again afterwards. */
  close(): void {
    for (const undo of [...this.#undos.values()]) undo();
    for (const socket of [...this.#openSockets]) this.#release(socket);
  }

  #openEntry(socket: Socket, agent: Agent | undefined): Entry {
    const now = Date.now();
    const record: SocketRecord = {
      id: this.#nextId++,
      requests: 0,
      createdAt: now,
      lastActivity: now,
      metadata: undefined,
      errors: 0,
      closed: false,
    };
    const entry: Entry = { record, agent };
    this.#stats.created++;
    if (socket.closed) {
      // Its 'close' has been emitted (or is already on its way): a listener now might never run, and the socket
      // would stay in the open set for good.
      record.closed = true;
      this.#stats.closed++;
      callSafely(this.#options, 'onOpen', record);
      callSafely(this.#options, 'onClose', record);
      return entry;
    }
    socket.on('close', this.#listeners.close);
    // errorMonitor, never 'error': an 'error' listener would count as handling the error (DESIGN.md fact 5).
    (socket as EventEmitter).on(errorMonitor, this.#listeners.error);
    socket.on('agentRemove', this.#listeners.agentRemove);
    this.#entries.set(socket, entry);
    this.#openSockets.add(socket);
    debug('tracking socket %d (%s)', record.id, agent === undefined ? 'track()' : 'instrumented agent');
    callSafely(this.#options, 'onOpen', record);
    return entry;
  }

  #countRequest(record: SocketRecord): void {
    record.requests++;
    record.lastActivity = Date.now();
    this.#stats.requests++;
  }

  #requestStarted(request: ClientRequest): void {
    // ClientRequest.agent is documented but missing from @types/node 20.
    const agent = (request as { agent?: unknown }).agent;
    if (!this.#undos.has(agent as Agent)) return;
    const socket = request.socket;
    if (!isEmitter(socket)) return;
    const entry = this.#entries.get(socket) ?? this.#openEntry(socket, agent as Agent);
    this.#countRequest(entry.record);
  }

  #release(socket: Socket): void {
    socket.removeListener('close', this.#listeners.close);
    (socket as EventEmitter).removeListener(errorMonitor, this.#listeners.error);
    socket.removeListener('agentRemove', this.#listeners.agentRemove);
    this.#entries.delete(socket);
    this.#openSockets.delete(socket);
  }

  #socketClosed(socket: Socket): void {
    const entry = this.#entries.get(socket);
    if (entry === undefined) return;
    this.#release(socket);
    entry.record.closed = true;
    this.#stats.closed++;
    debug('socket %d closed after %d requests, %d errors', entry.record.id, entry.record.requests, entry.record.errors);
    callSafely(this.#options, 'onClose', entry.record);
  }

  #socketErrored(socket: Socket, error: Error): void {
    const entry = this.#entries.get(socket);
    if (entry === undefined) return;
    entry.record.errors++;
    this.#stats.errors++;
    debug('socket %d error: %s', entry.record.id, error instanceof Error ? error.message : String(error));
    callSafely(this.#options, 'onError', entry.record, error);
  }

  // 'agentRemove': the socket left its agent's pool. Destroyed (an error on an idle socket), its 'close' follows and
  // settles the record; alive (an HTTP upgrade hands it to a websocket), it is no longer an HTTP socket to track.
  #socketLeftPool(socket: Socket): void {
    if (socket.destroyed) return;
    const entry = this.#entries.get(socket);
    if (entry === undefined) return;
    this.#release(socket);
    debug('socket %d left its agent alive after %d requests: untracked', entry.record.id, entry.record.requests);
  }
}
