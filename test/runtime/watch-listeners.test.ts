// watchListeners on real keep-alive sockets and plain emitters: net counts per event, the lines that added the
// listeners still attached, onGrowth at the threshold, and a watch that never counts or disturbs itself.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatListenerGrowth,
  ListenerLeakCallbackWarning,
  watchListeners,
  type ListenerGrowth,
  type ListenerWatch,
} from '../../src/runtime/index.js';
import { collectWarnings, destroyAgent, get, listenerCounts, settle, startHttpServer, type TestServer } from './traffic.js';

const thisFile = fileURLToPath(import.meta.url);
const source = readFileSync(thisFile, 'utf8').split('\n');

/** `test/runtime/watch-listeners.test.ts:N` of the line that carries `// site:<name>`. */
function siteOf(name: string): string {
  const index = source.findIndex((line) => line.includes(`// site:${name}`) && !line.includes('siteOf'));
  if (index === -1) throw new Error(`no line marked site:${name}`);
  return `test/runtime/watch-listeners.test.ts:${index + 1}`;
}

// The leak under test: a tracker that adds listeners to the socket of every response and never removes them.
function trackLeakily(socket: Socket): void {
  socket.on('close', () => undefined); // site:close
  socket.on('data', () => undefined); // site:data
}

// The same data, registered once per socket.
const seen = new WeakSet<Socket>();
function trackOnce(socket: Socket): void {
  if (seen.has(socket)) return;
  seen.add(socket);
  socket.on('close', function onTrackedClose() { // site:once-per-socket
    seen.delete(socket);
  });
}

let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer();
});

afterAll(async () => {
  await server.close();
});

describe('on a keep-alive socket', () => {
  it('names the file:line and function of a leaky tracker, with how many of its listeners are still attached', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let watch: ListenerWatch | undefined;
    let socket: Socket | undefined;
    for (let request = 1; request <= 12; request++) {
      await get(agent, server.port, '/', {}, (res) => {
        socket = res.socket;
        if (watch === undefined) {
          socket.setMaxListeners(100); // Node's warning is the next test's business.
          watch = watchListeners(socket, { threshold: 100 });
        }
        trackLeakily(socket);
      });
    }
    const report = watch!.report();
    const close = report.find((growth) => growth.event === 'close');
    const data = report.find((growth) => growth.event === 'data');
    expect(close?.sites).toEqual([
      expect.objectContaining({ location: siteOf('close'), functionName: 'trackLeakily', count: 12, file: thisFile }),
    ]);
    expect(data?.sites).toEqual([expect.objectContaining({ location: siteOf('data'), functionName: 'trackLeakily', count: 12 })]);
    // Node's own listeners (the agent's, the ones it adds per request) have no caller outside Node: unattributed.
    // The socket's own counts, less the watch's two hooks ('newListener' and 'removeListener').
    const { newListener, removeListener, ...counts } = listenerCounts(socket!);
    expect([newListener, removeListener]).toEqual([1, 1]);
    expect(close?.count).toBe(counts.close);
    expect(close?.unattributed).toBe(counts.close! - 12);
    expect(data?.count).toBe(12);
    expect(data?.unattributed).toBe(0);
    // Every event the socket has listeners on is reported, with the emitter's own counts.
    expect(Object.fromEntries(report.map((growth) => [growth.event, growth.count]))).toEqual(counts);
    watch!.stop();
    await destroyAgent(agent);
  });

  it('reports a tracker that registers once per socket with one listener, however many requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let watch: ListenerWatch | undefined;
    const grew: ListenerGrowth[] = [];
    for (let request = 1; request <= 12; request++) {
      await get(agent, server.port, '/', {}, (res) => {
        const socket = res.socket;
        watch ??= watchListeners(socket, { onGrowth: (growth) => grew.push(growth) });
        trackOnce(socket);
      });
    }
    const close = watch!.report().find((growth) => growth.event === 'close');
    expect(close?.sites).toEqual([expect.objectContaining({ location: siteOf('once-per-socket'), count: 1 })]);
    expect(grew).toEqual([]);
    watch!.stop();
    await destroyAgent(agent);
  });

  it("fires onGrowth before Node's MaxListenersExceededWarning, by default at the socket's max listeners", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const grew: { growth: ListenerGrowth; request: number }[] = [];
    const collected = collectWarnings();
    let warnedAt: number | undefined;
    let watch: ListenerWatch | undefined;
    try {
      for (let request = 1; request <= 12; request++) {
        await get(agent, server.port, '/', {}, (res) => {
          watch ??= watchListeners(res.socket, { onGrowth: (growth) => grew.push({ growth, request }) });
          trackLeakily(res.socket);
        });
        await settle();
        if (warnedAt === undefined && collected.warnings.some((warning) => warning.name === 'MaxListenersExceededWarning')) {
          warnedAt = request;
        }
      }
    } finally {
      collected.stop();
    }
    const first = grew[0];
    expect(first?.growth).toMatchObject({ event: 'close', count: 10, threshold: 10 });
    expect(first?.growth.sites[0]).toMatchObject({ location: siteOf('close'), functionName: 'trackLeakily' });
    expect(first!.request).toBeLessThan(warnedAt!);
    // Once per event while it stays at or above the threshold: 'close' and 'data', nothing more.
    expect(grew.map(({ growth }) => growth.event)).toEqual(['close', 'data']);
    watch!.stop();
    await destroyAgent(agent);
  });
});

describe('counting', () => {
  it('keeps net counts: off() and fired once() listeners leave, a listener added twice stays once after one off()', () => {
    const emitter = new EventEmitter();
    const watch = watchListeners(emitter);
    const handler = (): void => undefined;
    emitter.on('tick', handler);
    emitter.on('tick', handler);
    emitter.off('tick', handler);
    emitter.once('tick', () => undefined);
    emitter.once('done', () => undefined);
    emitter.prependOnceListener('done', () => undefined);
    emitter.emit('done');
    expect(watch.report()).toEqual([expect.objectContaining({ event: 'tick', count: 2 })]);
    expect(watch.report()[0]?.count).toBe(emitter.listenerCount('tick'));
    emitter.removeAllListeners('tick');
    expect(watch.report()).toEqual([]);
    watch.stop();
  });

  it('counts listeners attached before watching as unattributed, and never its own hooks', () => {
    const emitter = new EventEmitter();
    emitter.on('tick', () => undefined);
    emitter.on('newListener', () => undefined);
    const first = watchListeners(emitter);
    const second = watchListeners(emitter);
    emitter.on('tick', () => undefined);
    for (const watch of [first, second]) {
      expect(watch.report()).toEqual([
        expect.objectContaining({ event: 'tick', count: 2, unattributed: 1, sites: [expect.objectContaining({ count: 1 })] }),
        expect.objectContaining({ event: 'newListener', count: 1, unattributed: 1, sites: [] }),
      ]);
    }
    first.stop();
    second.stop();
    expect(listenerCounts(emitter)).toEqual({ tick: 2, newListener: 1 });
  });

  it("stays right on a socket, where Node emits no 'removeListener' when an event loses its only listener", () => {
    const socket = new net.Socket();
    const grew: ListenerGrowth[] = [];
    const watch = watchListeners(socket, { threshold: 2, onGrowth: (growth) => grew.push(growth) });
    const first = (): void => undefined;
    socket.on('tick', first);
    socket.off('tick', first); // silent: the watch still counts it
    expect(watch.report().map((growth) => growth.event)).not.toContain('tick');
    socket.on('tick', () => undefined);
    expect(grew).toEqual([]);
    socket.on('tick', () => undefined);
    expect(grew).toEqual([expect.objectContaining({ event: 'tick', count: 2 })]);
    expect(socket.listenerCount('tick')).toBe(2);
    watch.stop();
    socket.destroy();
  });

  it('observes symbol events such as events.errorMonitor', () => {
    const emitter = new EventEmitter();
    const watch = watchListeners(emitter);
    emitter.on(EventEmitter.errorMonitor, () => undefined);
    expect(watch.report()).toEqual([expect.objectContaining({ event: EventEmitter.errorMonitor, count: 1 })]);
    watch.stop();
  });
});

describe('onGrowth', () => {
  it('fires once per event, when its count reaches the threshold', () => {
    const emitter = new EventEmitter();
    const grew: ListenerGrowth[] = [];
    const watch = watchListeners(emitter, { threshold: 3, onGrowth: (growth) => grew.push(growth) });
    const add = (): (() => void) => {
      const listener = (): void => undefined;
      emitter.on('tick', listener); // site:add
      return () => emitter.off('tick', listener);
    };
    const removers = [add(), add()];
    expect(grew).toEqual([]);
    removers.push(add(), add());
    expect(grew).toEqual([
      { event: 'tick', count: 3, threshold: 3, unattributed: 0, sites: [expect.objectContaining({ location: siteOf('add'), count: 3 })] },
    ]);
    removers.pop()!();
    removers.pop()!();
    add();
    expect(grew).toHaveLength(1);
    watch.stop();
  });

  it('lets onGrowth call report(), which counts the listener being added', () => {
    const emitter = new net.Socket(); // shape mode: report() checks its counts against the emitter
    const seenInside: ListenerGrowth[][] = [];
    const watch: ListenerWatch = watchListeners(emitter, { threshold: 2, onGrowth: () => seenInside.push(watch.report()) });
    emitter.on('tick', () => undefined);
    emitter.on('tick', () => undefined);
    expect(seenInside).toHaveLength(1);
    expect(seenInside[0]?.find((growth) => growth.event === 'tick')).toMatchObject({ count: 2, sites: [{ count: 1 }, { count: 1 }] });
    watch.stop();
    emitter.destroy();
  });

  it("defaults to the emitter's max listeners at the time, and 0 (unlimited) means never", () => {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(2);
    const grew: number[] = [];
    const watch = watchListeners(emitter, { onGrowth: (growth) => grew.push(growth.threshold) });
    emitter.on('a', () => undefined);
    emitter.on('a', () => undefined);
    emitter.setMaxListeners(0);
    for (let i = 0; i < 20; i++) emitter.on('b', () => undefined);
    expect(grew).toEqual([2]);
    watch.stop();
  });

  it('turns a throwing onGrowth into a warning: the registration it interrupted still happens', async () => {
    const emitter = new EventEmitter();
    const watch = watchListeners(emitter, {
      threshold: 1,
      onGrowth: () => {
        throw new Error('reporter broke');
      },
    });
    const collected = collectWarnings();
    try {
      expect(() => emitter.on('tick', () => undefined)).not.toThrow();
      await settle();
    } finally {
      collected.stop();
    }
    expect(emitter.listenerCount('tick')).toBe(1);
    expect(collected.warnings).toEqual([expect.any(ListenerLeakCallbackWarning)]);
    expect(collected.warnings[0]?.message).toContain('reporter broke');
    expect((collected.warnings[0]?.cause as Error).message).toBe('reporter broke');
    watch.stop();
  });

  it('rejects a threshold that is not a positive integer, and an emitter that is not one', () => {
    const emitter = new EventEmitter();
    expect(() => watchListeners(emitter, { threshold: 0 })).toThrow('threshold must be a positive integer, got 0');
    expect(() => watchListeners(emitter, { threshold: 1.5 })).toThrow(TypeError);
    expect(() => watchListeners(null as unknown as EventEmitter)).toThrow('needs an EventEmitter, got null');
    expect(listenerCounts(emitter)).toEqual({});
  });
});

describe('stop', () => {
  it('removes exactly the two hooks and keeps the last report', () => {
    const emitter = new EventEmitter();
    emitter.on('removeListener', () => undefined);
    const watch = watchListeners(emitter);
    emitter.on('tick', () => undefined);
    expect(listenerCounts(emitter)).toEqual({ removeListener: 2, newListener: 1, tick: 1 });
    watch.stop();
    expect(listenerCounts(emitter)).toEqual({ removeListener: 1, tick: 1 });
    emitter.on('tick', () => undefined);
    expect(watch.report()).toEqual([
      expect.objectContaining({ event: 'removeListener', count: 1, unattributed: 1 }),
      expect.objectContaining({ event: 'tick', count: 1, unattributed: 0 }),
    ]);
  });

  it('stops by itself when removeAllListeners() takes its hooks away', () => {
    const emitter = new EventEmitter();
    const watch = watchListeners(emitter);
    emitter.on('tick', () => undefined);
    emitter.removeAllListeners();
    expect(listenerCounts(emitter)).toEqual({});
    emitter.on('tick', () => undefined);
    expect(listenerCounts(emitter)).toEqual({ tick: 1 });
    watch.stop();
  });
});

describe('formatListenerGrowth', () => {
  it('prints the event, the count and one `file:line function xN` line per site', () => {
    const text = formatListenerGrowth({
      event: 'close',
      count: 23,
      threshold: 10,
      unattributed: 3,
      sites: [{ location: 'src/tracker.js:42', file: '/app/src/tracker.js', line: 42, column: 12, functionName: 'trackConnection', count: 20 }],
    });
    expect(text).toBe(
      ['close: 23 listeners (threshold 10)', '  src/tracker.js:42 trackConnection x20', '  3 attached before watching or by Node itself'].join('\n'),
    );
  });
});
