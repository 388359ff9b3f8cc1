// Renders runtime-results.json (bench/runtime.mjs) as the runtime section of RESULTS.md; run.mjs calls this.

const thousands = (n) => Number(n).toLocaleString('en-US');
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const ns = (n) => (n >= 1000 ? thousands(Math.round(n)) : n.toFixed(0));
const met = (ok) => (ok ? 'met' : 'not met');

/** The section on listener-leak/runtime: track() against the seed's tracker and its scan fix, throughput, heap. */
export function runtimeMarkdown(runtime) {
  const out = ['## Runtime: `listener-leak/runtime` (issue 4)', ''];
  out.push('`bench/runtime.mjs` imports the runtime from `dist/` and compares it, in one run, with what a service would',
    'otherwise use: the seed\'s `ConnectionTracker` (a record and three listeners per call: the leak), and the seed\'s own',
    '"Option 1" fix (scan every record for this socket before adding any). Both are copied verbatim from the seed into',
    '`bench/seed-tracker.mjs`. Rerun with `npm run build && node --expose-gc bench/runtime.mjs` (about 15 minutes, 10 of them',
    'the seed\'s 100,000 requests; `--only track|throughput|heap` runs one part and keeps the others\' results), then',
    '`node bench/run.mjs --results-only`. `npm run bench` runs it too. Each part names the machine it ran on.', '');
  if (runtime.track) out.push(...trackMarkdown(runtime.track));
  if (runtime.throughput) out.push(...throughputMarkdown(runtime.throughput));
  if (runtime.heap) out.push(...heapMarkdown(runtime.heap));
  return out;
}

function trackMarkdown(track) {
  const out = ['### `track()` on an already-tracked socket', ''];
  out.push(`${track.machine}; ${track.date}; \`${track.command}\`. CPU time per call, median of ${track.rounds} rounds of at least`,
    `${track.roundTargetMs} ms each (rounds rotate the three trackers; a full collection before each).`, '');
  out.push('| tracked sockets | SocketRegistry.track() (ns) | seed\'s scan fix (ns) | seed\'s ConnectionTracker (ns) | scan fix / registry | seed / registry |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of track.rows) {
    out.push(`| ${thousands(row.tracked)} | ${ns(row.registry.nsPerCall)} | ${ns(row.scan.nsPerCall)} | ${ns(row.seed.nsPerCall)} `
      + `| ${(row.scan.nsPerCall / row.registry.nsPerCall).toFixed(1)}x | ${(row.seed.nsPerCall / row.registry.nsPerCall).toFixed(1)}x |`);
  }
  out.push('');
  out.push('Per round (ns): ' + track.rows.map((row) => `${thousands(row.tracked)} sockets: registry ${row.registry.rounds.join(', ')}; `
    + `scan fix ${row.scan.rounds.join(', ')}; seed ${row.seed.rounds.join(', ')}`).join('. ') + '.', '');
  const last = track.rows.at(-1);
  out.push('Each tracker tracks every socket once, then each round calls it again on those sockets, cycling through them in',
    'the order they were first tracked, with fresh `{ url, method }` metadata per call as the seed\'s HTTPClient passes it.',
    'The sockets are real `net.Socket` objects, unconnected: `track()` touches only the JavaScript object (its listener',
    'lists, the tracker\'s `Map` or `WeakMap`), never the handle, so a connected socket costs it the same, and 10,000 loopback',
    'connections would need 20,000 file descriptors and a server to hold them. Each tracker has sockets of its own, and',
    'Node\'s `MaxListenersExceededWarning` is off for all of them (`setMaxListeners(0)`), so that the seed\'s 30,000 warnings',
    'are neither timed nor printed. CPU time (the process\'s user + system, garbage collector threads included) because the',
    'machine is shared: wall time per call was',
    track.rows.map((row) => `${ns(row.registry.wallNsPerCall)} / ${ns(row.scan.wallNsPerCall)} / ${ns(row.seed.wallNsPerCall)} ns`).join(', ')
      + ' (registry / scan fix / seed) for the three sizes.', '');
  const [smallest] = track.rows;
  out.push(`The scan fix is correct but linear: at ${thousands(smallest.tracked)} sockets it costs `
    + `${(smallest.scan.nsPerCall / smallest.registry.nsPerCall).toFixed(1)} times what the registry does, at 10,000 it walks 5,000`,
    'records per call on average. The registry\'s cost is one `WeakMap` lookup and a `Date.now()`; its rise with the number of',
    'sockets is memory, not work: 10,000 sockets and their records no longer fit in the CPU caches. The seed\'s tracker costs',
    'microseconds per call at any size (a `randomUUID()`, a record, three closures, three listeners) and never stops growing:',
    `after the ${thousands(last.tracked)}-socket rounds it held ${thousands(last.seed.recordsAtEnd)} records for ${thousands(last.tracked)} sockets,`,
    `and one of them carried ${thousands(last.seed.closeListenersPerSocketAtEnd)} \`'close'\` listeners.`, '');
  return out;
}

function throughputMarkdown(t) {
  const out = ['### Keep-alive HTTP throughput over loopback', ''];
  out.push(`${t.machine}; ${t.date}; \`${t.command}\`. GET requests from this process to a keep-alive HTTP server in another`,
    `process on 127.0.0.1, ${t.concurrency} in flight over an agent with \`maxSockets: ${t.concurrency}\`; ${t.rounds} rounds of`,
    `${thousands(t.requestsPerRound)} requests, the three clients one after another in each round, the order reversed every other`,
    'round, a full collection before each. The instrumented client calls `instrument()` before its round and the undo after it:',
    'its diagnostics-channel subscription is process-wide, and the untracked client must run in a process without one.', '');
  out.push('| client | requests/s (median) | client CPU per request (µs, median) | throughput ratio (median of per-round ratios) | ratio of medians | CPU ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| untracked agent | ${thousands(t.requestsPerSecond.untracked)} | ${t.cpuMicrosPerRequest.untracked.toFixed(1)} | 1 | 1 | 1 |`);
  const row = (label, kind) => `| ${label} | ${thousands(t.requestsPerSecond[kind])} | ${t.cpuMicrosPerRequest[kind].toFixed(1)} `
    + `| **${t.ratios[kind].pairedMedian.toFixed(3)}** | ${t.ratios[kind].ofMedians.toFixed(3)} | ${t.ratios[kind].cpu.toFixed(3)} |`;
  out.push(row('`registry.instrument(agent)`', 'instrument'), row('`registry.track(res.socket)` in every response callback', 'track'), '');
  const { instrument } = t.ratios;
  const quartiles = (kind) => t.ratios[kind].pairedQuartiles?.map((n) => n.toFixed(3)).join(' and ') ?? 'n/a';
  out.push(`Target (issue 4): the instrumented agent keeps a throughput ratio above 0.97: **${met(instrument.pairedMedian > 0.97)}** `
    + `(median of per-round ratios ${instrument.pairedMedian.toFixed(3)}; client CPU ratio ${instrument.cpu.toFixed(3)}). `
    + `The two registries counted ${thousands(t.requestsCounted.instrument)} and ${thousands(t.requestsCounted.track)} requests: `
    + 'every request of their rounds.', '');
  out.push('On a shared machine a round\'s throughput, and even its CPU time per request, swings by several percent with the',
    'other processes\' load. Neighbouring rounds share that load, so the median of per-round ratios is steadier than a ratio',
    `of medians; still, half of the per-round ratios fall between ${quartiles('instrument')} for \`instrument()\` and between`,
    `${quartiles('track')} for \`track()\`, so this run resolves differences of a few percent, no finer.`, '');
  if (t.instrumentNsPerRequest !== undefined) {
    out.push(`What \`instrument()\` adds to a request, measured alone: **${t.instrumentNsPerRequest.toFixed(0)} ns** of CPU (Node publishes`,
      '`http.client.request.start` only when the channel has a subscriber: that message and the registry\'s handler, a lookup',
      'and a count, published a million times per round with an instrumented agent\'s own socket). Against the',
      `${t.cpuMicrosPerRequest.untracked.toFixed(0)} µs of client CPU a request costs here, that is a throughput ratio of `
        + `**${t.instrumentRatioFromCost.toFixed(3)}**. \`track()\` per response adds what the first table shows, a few`,
      'hundred nanoseconds at most.', '');
  }
  out.push(`Requests/s per round: untracked ${t.perRound.untracked.join(', ')}; instrument() ${t.perRound.instrument.join(', ')}; `
    + `track() ${t.perRound.track.join(', ')}.`, '');
  out.push(`Client CPU µs per request per round: untracked ${t.cpuPerRound.untracked.join(', ')}; instrument() ${t.cpuPerRound.instrument.join(', ')}; `
    + `track() ${t.cpuPerRound.track.join(', ')}.`, '');
  return out;
}

const HEAP_LABELS = {
  none: 'no tracker',
  seed: "the seed's ConnectionTracker, `trackConnection(res.socket)` per response",
  'registry-track': '`SocketRegistry`, `track(res.socket)` per response',
  'registry-instrument': '`SocketRegistry`, `instrument(agent)`',
};

function heapMarkdown(heap) {
  const out = [`### Heap after ${thousands(heap.requests)} requests over ${heap.sockets} keep-alive sockets`, ''];
  const [first] = heap.runs;
  out.push(`${heap.machine}; ${heap.date}; \`${heap.command}\`. Each tracker in a process of its own (\`bench/runtime-heap.mjs\`,`,
    `\`--expose-gc\`), ${heap.sockets} requests in flight over an agent with \`keepAlive: true, maxSockets: ${heap.sockets}\` to the bench's`,
    'server in another process, so only the client\'s heap is measured. `heapUsed` after two full collections: after 1,000',
    `warm-up requests, after all ${thousands(heap.requests)}, and once the agent is destroyed, every socket has emitted \`'close'\` and the`,
    'client has let go of them.', '');
  out.push('| client | heapUsed after 1,000 (MiB) | after ' + thousands(heap.requests) + ' (MiB) | growth (MiB) | after close (MiB) '
    + '| records held | close / error / data listeners on one socket | MaxListenersExceededWarning | sockets used | ms for the requests after warm-up |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
  for (const run of heap.runs) {
    const { close, error, data } = run.listeners;
    out.push(`| ${HEAP_LABELS[run.variant] ?? run.variant} | ${mib(run.heapAfterWarmUp)} | ${mib(run.heapAfterRequests)} `
      + `| ${mib(run.heapAfterRequests - run.heapAfterWarmUp)} | ${mib(run.heapAfterClose)} `
      + `| ${run.recordsAfterRequests === null ? 'n/a' : thousands(run.recordsAfterRequests)} | ${thousands(close)} / ${thousands(error)} / ${thousands(data)} `
      + `| ${run.warnings} | ${run.sockets} | ${thousands(run.msForRequestsAfterWarmUp)} |`);
  }
  out.push('');
  const seed = heap.runs.find((run) => run.variant === 'seed');
  const registry = heap.runs.find((run) => run.variant === 'registry-track');
  if (seed && registry && first) {
    out.push(`The seed's tracker grows by ${mib(seed.heapAfterRequests - seed.heapAfterWarmUp)} MiB over ${thousands(heap.requests - 1000)} requests `
      + `(about ${thousands(Math.round((seed.heapAfterRequests - seed.heapAfterWarmUp) / (heap.requests - 1000)))} bytes each: a record, a UUID and three `
      + `closures on the socket) and gets it back only when the sockets close. The registry holds one record per socket: `
      + `${mib(registry.heapAfterRequests - registry.heapAfterWarmUp)} MiB of growth, as without a tracker `
      + `(${mib(first.heapAfterRequests - first.heapAfterWarmUp)} MiB). The seed's run also took `
      + `${Math.round(seed.msForRequestsAfterWarmUp / first.msForRequestsAfterWarmUp)} times as long as the untracked one: every chunk of `
      + 'every response calls each of the `\'data\'` listeners piled up on its socket, so the cost of a request grows with the number '
      + 'of requests before it. (The milliseconds are one run per client, one after another on a shared machine: a scale, '
      + 'not a comparison of the registry with no tracker; the throughput table above makes that one.)', '');
  }
  return out;
}
