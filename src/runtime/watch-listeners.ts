// watchListeners: per event, how many listeners an emitter holds and which lines added the ones still attached, so
// a leak report names the code to fix; Node's MaxListenersExceededWarning names only the emitter and the event.
import type { EventEmitter } from 'node:events';
import { callSafely } from './callbacks.js';
import { captureCallSite, type CallSite } from './call-site.js';
import { debug } from './debug.js';

/** Listeners of one event added at one place and still attached. */
export interface ListenerSite extends CallSite {
  count: number;
}

export interface ListenerGrowth {
  event: string | symbol;
  /** Listeners on the event now (the watcher's own are not counted). */
  count: number;
  /** The count at which onGrowth fires for this event. */
  threshold: number;
  /** Where the attached listeners were added, most first; a site is the first stack frame outside Node and listener-leak. */
  sites: ListenerSite[];
  /** Attached listeners with no site: there before watching began, or added by Node's own code with no caller outside it. */
  unattributed: number;
}

export interface WatchListenersOptions {
  /** onGrowth fires when an event's listener count reaches this. Default: the emitter's max listeners at that moment (10 unless changed; 0 means never). */
  threshold?: number;
  /**
   * Called the first time an event's count reaches the threshold, once per event for the life of the watch (as Node
   * warns once per emitter and event: a leak's count swings by Node's own per-request listeners around any
   * threshold). The count includes the listener being added.
   */
  onGrowth?(growth: ListenerGrowth): void;
}

export interface ListenerWatch {
  /** Every event that has listeners now, most listeners first. */
  report(): ListenerGrowth[];
  /** Removes the watcher's two listeners ('newListener', 'removeListener'); report() keeps answering with what it saw last. */
  stop(): void;
}

interface Addition {
  listener: unknown;
  site: CallSite | undefined;
}

interface EventState {
  /** Listeners attached before watching began and not removed since. */
  before: number;
  additions: Addition[];
}

// Listener functions that Node added with no caller outside its own code: socketOnData, socketErrorListener and the
// rest that its HTTP client puts on a socket for every request. They are the same function objects every time, so
// after the first time no stack is captured for them: on a watched keep-alive socket that is most additions.
const nodeOwnListeners = new WeakSet<object>();

function siteOf(listener: unknown, below: (...args: never[]) => unknown): CallSite | undefined {
  const isFunction = typeof listener === 'function';
  if (isFunction && nodeOwnListeners.has(listener)) return undefined;
  let site: CallSite | undefined;
  try {
    site = captureCallSite(below);
  } catch (error) {
    // This runs inside the caller's emitter.on(): a stack that cannot be read costs the site, never the call.
    debug('no call site for a listener: %s', error instanceof Error ? error.message : String(error));
    return undefined;
  }
  if (site === undefined && isFunction) nodeOwnListeners.add(listener);
  return site;
}

// Marks the watchers' own hooks, so that watching never counts itself (nor another watch of the same emitter).
const WATCH_HOOK = Symbol('listener-leak.watchHook');

function isWatchHook(listener: unknown): boolean {
  return typeof listener === 'function' && WATCH_HOOK in listener;
}

function markAsHook<Hook extends (...args: never[]) => unknown>(hook: Hook): Hook {
  return Object.defineProperty(hook, WATCH_HOOK, { value: true });
}

function countOf(state: EventState): number {
  return state.before + state.additions.length;
}

function growthOf(event: string | symbol, state: EventState, threshold: number): ListenerGrowth {
  const sites = new Map<string, ListenerSite>();
  let unattributed = state.before;
  for (const { site } of state.additions) {
    if (site === undefined) {
      unattributed++;
      continue;
    }
    const key = `${site.file}:${site.line}:${site.column}`;
    const grouped = sites.get(key);
    if (grouped === undefined) sites.set(key, { ...site, count: 1 });
    else grouped.count++;
  }
  const ordered = [...sites.values()].sort((a, b) => b.count - a.count || a.location.localeCompare(b.location));
  return { event, count: countOf(state), threshold, sites: ordered, unattributed };
}

function validThreshold(threshold: unknown): number | undefined {
  if (threshold === undefined) return undefined;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1) {
    let shown: string = typeof threshold;
    if (typeof threshold === 'number') shown = String(threshold);
    else if (typeof threshold === 'string') shown = JSON.stringify(threshold);
    throw new TypeError(`watchListeners: threshold must be a positive integer, got ${shown}.`);
  }
  return threshold;
}

/**
 * Watches `emitter` through its own 'newListener' and 'removeListener' events, keeping per event the net count of
 * listeners and, for each one added since, the first stack frame outside Node and outside listener-leak.
 */
export function watchListeners(emitter: EventEmitter, options: WatchListenersOptions = {}): ListenerWatch {
  const candidate: unknown = emitter;
  if (typeof (candidate as Partial<EventEmitter> | null)?.prependListener !== 'function') {
    throw new TypeError(`watchListeners(emitter) needs an EventEmitter, got ${candidate === null ? 'null' : typeof candidate}.`);
  }
  const fixedThreshold = validThreshold(options.threshold);
  const thresholdNow = (): number => fixedThreshold ?? (emitter.getMaxListeners() || Number.POSITIVE_INFINITY);
  const events = new Map<string | symbol, EventState>();
  /** The events onGrowth has fired for. */
  const grown = new Set<string | symbol>();
  let stopped = false;

  // The listener being added while onGrowth runs: 'newListener' comes before the emitter holds it.
  let adding: { event: string | symbol; listener: unknown } | undefined;

  const attachedListeners = (event: string | symbol): unknown[] => {
    const listeners: unknown[] = emitter.listeners(event).filter((listener) => !isWatchHook(listener));
    if (adding?.event === event) listeners.push(adding.listener);
    return listeners;
  };
  // listenerCount is O(1); only the two events that carry watch hooks need the listeners themselves.
  const attachedCount = (event: string | symbol): number => {
    if (event === 'newListener' || event === 'removeListener') return attachedListeners(event).length;
    return emitter.listenerCount(event) + (adding?.event === event ? 1 : 0);
  };

  // Node 20 does not emit 'removeListener' when an emitter in shape mode (every socket and stream) loses the only
  // listener of an event, so the counts can fall behind. Before they are used, they are checked against the emitter
  // in O(1), and on a mismatch matched again listener by listener; what no addition explains was there before.
  const reconcile = (event: string | symbol, state: EventState): void => {
    if (countOf(state) === attachedCount(event)) return;
    const remaining = attachedListeners(event);
    const kept: Addition[] = [];
    for (let index = state.additions.length - 1; index >= 0; index--) {
      const addition = state.additions[index]!;
      const position = remaining.lastIndexOf(addition.listener);
      if (position === -1) continue;
      remaining.splice(position, 1);
      kept.push(addition);
    }
    state.additions = kept.reverse();
    state.before = remaining.length;
    if (countOf(state) === 0) events.delete(event);
  };

  for (const event of emitter.eventNames()) {
    const before = attachedListeners(event).length;
    if (before > 0) events.set(event, { before, additions: [] });
  }

  const onNewListener = markAsHook(function onNewListener(event: string | symbol, listener: unknown): void {
    if (stopped || isWatchHook(listener)) return;
    let state = events.get(event);
    if (state !== undefined) reconcile(event, state);
    state = events.get(event);
    if (state === undefined) {
      state = { before: 0, additions: [] };
      events.set(event, state);
    }
    // 'newListener' runs before the listener is added: the count below includes it, the emitter's does not yet.
    state.additions.push({ listener, site: siteOf(listener, onNewListener) });
    const threshold = thresholdNow();
    if (!grown.has(event) && countOf(state) >= threshold) {
      grown.add(event);
      adding = { event, listener };
      try {
        callSafely(options, 'onGrowth', growthOf(event, state, threshold));
      } finally {
        adding = undefined;
      }
    }
  });

  const onRemoveListener = markAsHook(function onRemoveListener(event: string | symbol, listener: unknown): void {
    if (stopped) return;
    if (listener === onNewListener) {
      // emitter.removeAllListeners() took the watch's hook away: the counts can no longer be kept.
      stop();
      return;
    }
    if (isWatchHook(listener)) return;
    const state = events.get(event);
    if (state === undefined) return;
    // 'newListener' names the function given to once(); 'removeListener' sometimes names its once wrapper.
    const original: unknown = typeof listener === 'function' && 'listener' in listener ? listener.listener : undefined;
    // Node removes the most recently added instance of a listener that was added more than once.
    let index = state.additions.length - 1;
    while (index >= 0) {
      const added = state.additions[index]!.listener;
      if (added === listener || (original !== undefined && added === original)) break;
      index--;
    }
    if (index >= 0) state.additions.splice(index, 1);
    else if (state.before > 0) state.before--;
    if (countOf(state) === 0) events.delete(event);
  });

  function stop(): void {
    stopped = true;
    emitter.removeListener('newListener', onNewListener);
    emitter.removeListener('removeListener', onRemoveListener);
  }

  // 'removeListener' first, so that adding it does not run the 'newListener' hook.
  emitter.on('removeListener', onRemoveListener);
  emitter.on('newListener', onNewListener);

  return {
    report: () => {
      if (!stopped) for (const [event, state] of [...events]) reconcile(event, state);
      return [...events].map(([event, state]) => growthOf(event, state, thresholdNow())).sort((a, b) => b.count - a.count);
    },
    stop,
  };
}

/** `src/tracker.js:42 trackConnection x20` */
export function formatListenerSite(site: ListenerSite): string {
  return [site.location, site.functionName, `x${site.count}`].filter((part) => part !== undefined).join(' ');
}

/** A few lines: the event, its count and threshold, then one line per site. */
export function formatListenerGrowth(growth: ListenerGrowth): string {
  const lines = [`${String(growth.event)}: ${growth.count} listeners (threshold ${growth.threshold})`];
  for (const site of growth.sites) lines.push(`  ${formatListenerSite(site)}`);
  if (growth.unattributed > 0) lines.push(`  ${growth.unattributed} attached before watching or by Node itself`);
  return lines.join('\n');
}
