// The runtime's costs (issue 4), each side by side with what a service would otherwise run, in one run:
//   1. ns per track() on an already-tracked socket: SocketRegistry against the seed's leaky ConnectionTracker and
//      against the seed's "scan the connections for this socket" fix, with 10, 1,000 and 10,000 tracked sockets;
//   2. loopback keep-alive HTTP throughput: an untracked agent against an instrument()ed one (and track() per
//      response), alternating rounds;
//   3. heapUsed after 100,000 keep-alive requests over 10 sockets: no tracker, the seed's, SocketRegistry.
// Imports the runtime from dist/. Writes bench/runtime-results.json; `node bench/run.mjs --results-only` renders it.
//   npm run build && node --expose-gc bench/runtime.mjs [--rounds N] [--only track|throughput|heap]
import { spawn, spawnSync } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { machineSummary, median } from './measure.mjs';
import { ScanningSeedTracker, SeedTracker } from './seed-tracker.mjs';

const RUNTIME = new URL('../dist/src/runtime/index.js', import.meta.url);
if (!existsSync(RUNTIME)) throw new Error('dist/src/runtime/index.js is missing: run `npm run build` first');
const { SocketRegistry } = await import(RUNTIME.href);

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROUNDS = Number(option('--rounds') ?? 7);
const ONLY = option('--only');
if (ONLY !== undefined && !['track', 'throughput', 'heap'].includes(ONLY)) throw new Error(`--only takes track, throughput or heap, not ${ONLY}`);
const RESULTS = new URL('./runtime-results.json', import.meta.url);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc: every round starts after a full collection');

const gc = () => globalThis.gc();
const round3 = (n) => Math.round(n * 1000) / 1000;

/** The q-quantile, interpolated between the two nearest values. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}

// --- 1. track() ---------------------------------------------------------------------------------------------------

const TRACKED = [10, 1_000, 10_000];
/** Each round times at least this long, so the clock's resolution and one-off pauses stay small against it. */
const ROUND_TARGET_MS = 50;
const trackers = {
  registry: {
    label: 'SocketRegistry.track()',
    create: () => new SocketRegistry(),
    track: (tracker, socket) => tracker.track(socket, { url: '/rpc', method: 'POST' }),
  },
  seed: {
    label: "the seed's ConnectionTracker (leaks)",
    create: () => new SeedTracker({ logger: { warn() {} } }),
    track: (tracker, socket) => tracker.trackConnection(socket, { url: '/rpc', method: 'POST' }),
  },
  scan: {
    label: "the seed's scan fix (Option 1)",
    create: () => new ScanningSeedTracker({ logger: { warn() {} } }),
    track: (tracker, socket) => tracker.trackConnection(socket, { url: '/rpc', method: 'POST' }),
  },
};

/**
 * Unconnected net.Sockets: track() touches only the JavaScript object (its listener lists, the tracker's Map or
 * WeakMap), never the handle, so a connected socket costs it the same; 10,000 loopback connections would need 20,000
 * file descriptors and a server to hold them. Node's MaxListenersExceededWarning (once per socket and event) is off,
 * for every tracker alike, so that 30,000 warnings are neither timed nor printed.
 */
function makeSockets(count) {
  return Array.from({ length: count }, () => new net.Socket().setMaxListeners(0));
}

/**
 * `calls` track() calls, cycling through the sockets in the order they were first tracked: CPU ns per call (the
 * process's user + system time, garbage collector threads included) and wall ns per call. On a shared machine the
 * wall clock also counts the time other processes had the core; CPU time does not.
 */
function timeCalls(kind, tracker, sockets, calls) {
  const { track } = trackers[kind];
  const count = sockets.length;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let call = 0; call < calls; call++) track(tracker, sockets[call % count]);
  const wall = Number(process.hrtime.bigint() - start);
  const { user, system } = process.cpuUsage(cpu);
  return { cpu: ((user + system) * 1000) / calls, wall: wall / calls };
}

function measureTrack() {
  const rows = [];
  for (const count of TRACKED) {
    const state = {};
    for (const kind of Object.keys(trackers)) {
      // Sockets of its own for each tracker: the seed's leaked listeners must not weigh on the sockets of the others.
      const sockets = makeSockets(count);
      const tracker = trackers[kind].create();
      for (const socket of sockets) trackers[kind].track(tracker, socket); // every socket tracked once
      // Calls per round: a whole number of passes over the sockets, doubled until a round takes ROUND_TARGET_MS.
      let calls = count;
      while (timeCalls(kind, tracker, sockets, calls).cpu * calls < ROUND_TARGET_MS * 1e6 && calls < 4_000_000) calls *= 2;
      state[kind] = { tracker, sockets, calls, rounds: [] };
    }
    const kinds = Object.keys(trackers);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order, so that no tracker always runs right after the one that leaves the most garbage.
      for (const kind of [...kinds.slice(round % kinds.length), ...kinds.slice(0, round % kinds.length)]) {
        gc();
        const { tracker, sockets, calls } = state[kind];
        state[kind].rounds.push(timeCalls(kind, tracker, sockets, calls));
      }
    }
    const row = { tracked: count };
    for (const kind of kinds) {
      const { calls, rounds } = state[kind];
      row[kind] = {
        nsPerCall: round3(median(rounds.map(({ cpu }) => cpu))),
        wallNsPerCall: round3(median(rounds.map(({ wall }) => wall))),
        calls,
        rounds: rounds.map(({ cpu }) => Math.round(cpu)),
      };
    }
    row.seed.recordsAtEnd = state.seed.tracker.connections.size;
    row.seed.closeListenersPerSocketAtEnd = state.seed.sockets[0].listenerCount('close');
    row.scan.recordsAtEnd = state.scan.tracker.connections.size;
    row.registry.recordsAtEnd = state.registry.tracker.stats().open;
    state.registry.tracker.close();
    rows.push(row);
    console.log(`track() with ${count} tracked sockets: registry ${row.registry.nsPerCall.toFixed(1)} ns, `
      + `seed ${row.seed.nsPerCall.toFixed(1)} ns, scan fix ${row.scan.nsPerCall.toFixed(1)} ns`);
  }
  return { rows, rounds: ROUNDS, roundTargetMs: ROUND_TARGET_MS };
}

// --- a keep-alive HTTP server in a process of its own ---------------------------------------------------------------

const SERVER_SOURCE = `
import http from 'node:http';
const server = http.createServer({ keepAlive: true }, (req, res) => res.end('ok'));
server.keepAliveTimeout = 60_000; // idle agents wait through the other agent's round
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => { server.close(); server.closeAllConnections(); });
process.stdin.resume();
`;

async function startServer() {
  const child = spawn(process.execPath, ['--input-type=module', '--eval', SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    child.stdout.setEncoding('utf8').once('data', (text) => resolve(Number(text.trim())));
  });
  return { port, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.stdin.end(); }) };
}

// --- 2. throughput ------------------------------------------------------------------------------------------------

const CONCURRENCY = 10;
const REQUESTS_PER_ROUND = 4_000;

function getOnce(agent, port, onResponse) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/rpc', agent }, (res) => {
      onResponse?.(res);
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

/**
 * REQUESTS_PER_ROUND GETs, CONCURRENCY in flight (one per pooled socket): requests per second of wall time, and this
 * (the client's) process's CPU time per request, in µs. The server runs in another process, so the CPU time is the
 * client's alone: what the tracker adds shows up there even when the wall clock mostly measures the machine's load.
 */
async function throughputRound(agent, port, onResponse) {
  let started = 0;
  const loop = async () => {
    while (started < REQUESTS_PER_ROUND) {
      started++;
      await getOnce(agent, port, onResponse);
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const seconds = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { perSecond: REQUESTS_PER_ROUND / seconds, cpuMicros: (user + system) / REQUESTS_PER_ROUND };
}

/**
 * CPU ns that instrument() adds to one request, alone: Node publishes http.client.request.start only when the channel
 * has a subscriber, so the cost is that message and the registry's handler (a lookup and a count). Published here
 * directly, a million times, with the agent's own request fields (its agent and a pooled socket).
 */
function instrumentCostPerRequest(agent) {
  const [socket] = Object.values(agent.freeSockets).flat();
  const registry = new SocketRegistry();
  const undo = registry.instrument(agent);
  const channel = dc.channel('http.client.request.start');
  const request = { agent, socket };
  const calls = 1_000_000;
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    gc();
    const cpu = process.cpuUsage();
    for (let call = 0; call < calls; call++) channel.publish({ request });
    const { user, system } = process.cpuUsage(cpu);
    samples.push(((user + system) * 1000) / calls);
  }
  const counted = registry.stats().requests;
  undo();
  if (counted !== ROUNDS * calls) throw new Error(`the registry counted ${counted} of ${ROUNDS * calls} published requests`);
  return median(samples);
}

async function measureThroughput(port) {
  // Many short rounds: on a shared machine a round's throughput swings with the load, and a ratio of neighbours
  // (the median of per-round ratios) cancels slow drifts that a ratio of two medians does not.
  const rounds = ROUNDS * 4 + 1;
  const agents = {
    untracked: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
    instrument: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
    track: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
  };
  const trackRegistry = new SocketRegistry();
  const instrumentRegistry = new SocketRegistry();
  const counted = { instrument: 0, track: 0 };
  const variants = {
    untracked: () => throughputRound(agents.untracked, port),
    // instrument() for the round and undo() after it: its diagnostics-channel subscription is process-wide, and the
    // untracked rounds must run in a process without one (with it, every request in the process publishes a message).
    instrument: async () => {
      const before = instrumentRegistry.stats().requests;
      const undo = instrumentRegistry.instrument(agents.instrument);
      try {
        return await throughputRound(agents.instrument, port);
      } finally {
        undo();
        counted.instrument += instrumentRegistry.stats().requests - before;
      }
    },
    // The seed's call site, with the registry behind it: track(res.socket) in every response callback.
    track: async () => {
      const before = trackRegistry.stats().requests;
      try {
        return await throughputRound(agents.track, port, (res) => trackRegistry.track(res.socket, { url: '/rpc', method: 'GET' }));
      } finally {
        counted.track += trackRegistry.stats().requests - before;
      }
    },
  };
  const kinds = Object.keys(variants);
  for (const kind of kinds) await variants[kind](); // warm-up: JIT, sockets connected and pooled
  counted.instrument = 0;
  counted.track = 0;
  const perRound = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      gc();
      perRound[kind].push(await variants[kind]());
    }
  }
  const instrumentNs = instrumentCostPerRequest(agents.instrument);
  for (const agent of Object.values(agents)) agent.destroy();
  trackRegistry.close();
  const expected = rounds * REQUESTS_PER_ROUND;
  if (counted.instrument !== expected || counted.track !== expected) {
    throw new Error(`the registries counted ${counted.instrument} and ${counted.track} requests, not ${expected}`);
  }
  const series = (kind, key) => perRound[kind].map((value) => value[key]);
  const perSecond = Object.fromEntries(kinds.map((kind) => [kind, Math.round(median(series(kind, 'perSecond')))]));
  const cpuMicros = Object.fromEntries(kinds.map((kind) => [kind, round3(median(series(kind, 'cpuMicros')))]));
  // Throughput ratios (tracked / untracked): above 1 is faster. The CPU ratio is untracked / tracked CPU per request,
  // the throughput ratio a CPU-bound client would see.
  const paired = (kind) => perRound[kind].map((value, round) => value.perSecond / perRound.untracked[round].perSecond);
  const ratios = (kind) => ({
    ofMedians: round3(perSecond[kind] / perSecond.untracked),
    pairedMedian: round3(median(paired(kind))),
    pairedQuartiles: [round3(quantile(paired(kind), 0.25)), round3(quantile(paired(kind), 0.75))],
    cpu: round3(cpuMicros.untracked / cpuMicros[kind]),
  });
  const result = {
    requestsPerRound: REQUESTS_PER_ROUND,
    concurrency: CONCURRENCY,
    rounds,
    requestsPerSecond: perSecond,
    cpuMicrosPerRequest: cpuMicros,
    ratios: { instrument: ratios('instrument'), track: ratios('track') },
    perRound: Object.fromEntries(kinds.map((kind) => [kind, series(kind, 'perSecond').map(Math.round)])),
    cpuPerRound: Object.fromEntries(kinds.map((kind) => [kind, series(kind, 'cpuMicros').map((n) => Math.round(n * 10) / 10)])),
    requestsCounted: counted,
    instrumentNsPerRequest: round3(instrumentNs),
    // What the ratio would be if instrument() cost only that: the end-to-end ratios above carry the machine's noise.
    instrumentRatioFromCost: round3(cpuMicros.untracked / (cpuMicros.untracked + instrumentNs / 1000)),
  };
  console.log(`throughput (median of ${rounds} rounds): untracked ${perSecond.untracked} req/s, ${cpuMicros.untracked} µs CPU/request; `
    + `instrument() ${perSecond.instrument} req/s, ${cpuMicros.instrument} µs (ratios ${JSON.stringify(result.ratios.instrument)}); `
    + `track() ${perSecond.track} req/s, ${cpuMicros.track} µs (ratios ${JSON.stringify(result.ratios.track)})`);
  return result;
}

// --- 3. heap ------------------------------------------------------------------------------------------------------

const HEAP_VARIANTS = ['none', 'seed', 'registry-track', 'registry-instrument'];
const HEAP_REQUESTS = 100_000;
const HEAP_SOCKETS = 10;

function measureHeap(port) {
  const script = fileURLToPath(new URL('./runtime-heap.mjs', import.meta.url));
  const runs = HEAP_VARIANTS.map((variant) => {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--no-warnings', script, variant, String(port), String(HEAP_REQUESTS), String(HEAP_SOCKETS)],
      { encoding: 'utf8', timeout: 2_400_000 }, // the seed's run is slow: see the table
    );
    if (child.status !== 0) throw new Error(`bench/runtime-heap.mjs ${variant} failed (${child.status ?? child.signal}):\n${child.stderr}`);
    const run = JSON.parse(child.stdout);
    console.log(`heap after ${HEAP_REQUESTS} requests over ${run.sockets} sockets, ${variant}: ${(run.heapAfterRequests / 2 ** 20).toFixed(1)} MiB`);
    return run;
  });
  return { requests: HEAP_REQUESTS, sockets: HEAP_SOCKETS, runs };
}

// --- main ---------------------------------------------------------------------------------------------------------

// Sections measured now replace their earlier results; with --only, the others keep theirs.
const result = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
const measured = () => ({ date: new Date().toISOString(), machine: machineSummary(), command: `npm run build && node --expose-gc bench/runtime.mjs` });
if (!ONLY || ONLY === 'track') result.track = { ...measured(), ...measureTrack() };
if (!ONLY || ONLY === 'throughput' || ONLY === 'heap') {
  const server = await startServer();
  try {
    if (!ONLY || ONLY === 'throughput') result.throughput = { ...measured(), ...(await measureThroughput(server.port)) };
    if (!ONLY || ONLY === 'heap') result.heap = { ...measured(), ...measureHeap(server.port) };
  } finally {
    await server.stop();
  }
}
writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${fileURLToPath(RESULTS)}`);
