// One heap measurement of bench/runtime.mjs, in a process of its own: keep-alive HTTP requests from this process to
// the bench's server (another process, so only the client's heap is measured) through one tracker, and heapUsed after
// full collections. Prints one JSON line.
//   node --expose-gc --no-warnings bench/runtime-heap.mjs <none|seed|registry-track|registry-instrument> <port> [requests] [sockets]
import http from 'node:http';
import { SocketRegistry } from '../dist/src/runtime/index.js';
import { SeedTracker } from './seed-tracker.mjs';

const [variant, portText, requestsText = '100000', socketsText = '10'] = process.argv.slice(2);
const port = Number(portText);
const REQUESTS = Number(requestsText);
const SOCKETS = Number(socketsText);
const WARM_UP = 1_000;
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
const path = '/rpc';
let onResponse = () => {};
let records = () => null;
let registry;
let seed;
switch (variant) {
  case 'none':
    break;
  case 'seed':
    seed = new SeedTracker({ logger: { warn() {} } });
    // Where the seed's HTTPClient called it: in the response callback, for every response.
    onResponse = (res) => seed.trackConnection(res.socket, { url: path, method: 'GET' });
    records = () => seed.connections.size;
    break;
  case 'registry-track':
    registry = new SocketRegistry();
    onResponse = (res) => registry.track(res.socket, { url: path, method: 'GET' });
    records = () => registry.stats().open;
    break;
  case 'registry-instrument':
    registry = new SocketRegistry();
    registry.instrument(agent);
    records = () => registry.stats().open;
    break;
  default:
    throw new Error(`unknown variant ${variant}: none, seed, registry-track or registry-instrument`);
}

// Node warns once per socket and event; --no-warnings keeps stderr quiet, this still counts them.
let warnings = 0;
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') warnings++;
});

const sockets = new Set();
const get = () =>
  new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      sockets.add(res.socket);
      onResponse(res);
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });

let started = 0;
/** SOCKETS requests in flight until `total` have started. */
async function runUntil(total) {
  const loop = async () => {
    while (started < total) {
      started++;
      await get();
    }
  };
  await Promise.all(Array.from({ length: SOCKETS }, loop));
}

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function listenersOnOneSocket() {
  const [socket] = sockets;
  return Object.fromEntries(['close', 'error', 'data'].map((event) => [event, socket.listenerCount(event)]));
}

await runUntil(WARM_UP);
const heapAfterWarmUp = heapUsed();
const start = performance.now();
await runUntil(REQUESTS);
const ms = performance.now() - start;
const heapAfterRequests = heapUsed();
const recordsAfterRequests = records();
const listeners = listenersOnOneSocket();
const socketsUsed = sockets.size;

const closing = [...sockets].filter((socket) => !socket.closed).map((socket) => new Promise((resolve) => socket.once('close', resolve)));
agent.destroy();
await Promise.all(closing);
await new Promise((resolve) => setImmediate(resolve));
sockets.clear(); // the service lets go of its closed sockets: what is left is what the tracker holds
const heapAfterClose = heapUsed();

process.stdout.write(`${JSON.stringify({
  variant,
  requests: REQUESTS,
  sockets: socketsUsed,
  heapAfterWarmUp,
  heapAfterRequests,
  heapAfterClose,
  recordsAfterRequests,
  recordsAfterClose: records(),
  listeners,
  warnings,
  msForRequestsAfterWarmUp: Math.round(ms),
  stats: registry?.stats() ?? null,
})}\n`);
