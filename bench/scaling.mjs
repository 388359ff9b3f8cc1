// Is the rule's cost linear in file size? Lints generated service files of growing size (request handlers,
// trackers, clients, routes, loops: everything the detector indexes) and clocks the time spent inside the
// rule (as ESLint's TIMING does), best of several rounds. Flat time per 1,000 lines = linear.
import { writeFileSync } from 'node:fs';
import { Linter } from 'eslint';
import { languageOptions, plugin, RULE_ID } from './lint-config.mjs';
import { machineSummary, timedPlugin } from './measure.mjs';

const SIZES = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];
const ROUNDS = 7;

/** One block of ~45 lines of realistic service code; names are suffixed so blocks do not collide. */
function block(i) {
  return `
class Tracker${i} {
  constructor() { this.records = new Map(); this.seen = new WeakSet(); }
  track(socket, meta) {
    if (this.seen.has(socket)) return this.records.get(socket);
    this.seen.add(socket);
    const record = { id: ${i}, meta, at: Date.now() };
    this.records.set(socket, record);
    socket.on('close', () => this.records.delete(socket));
    return record;
  }
  leaky(socket) { socket.on('data', () => this.touch(socket)); }
  touch(socket) { const r = this.records.get(socket); if (r) r.at = Date.now(); }
}
const tracker${i} = new Tracker${i}();
export class Client${i} {
  constructor(agent) { this.agent = agent; this.pending = 0; }
  request(url) {
    return new Promise((resolve, reject) => {
      const req = https.request(url, { agent: this.agent }, (res) => {
        tracker${i}.track(res.socket, { url });
        tracker${i}.leaky(res.socket);
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
      req.end();
    });
  }
}
app.get('/r${i}', async (req, res) => {
  const onClose = () => {};
  req.socket.on('close', onClose);
  try { res.json(await new Client${i}(agent).request('https://x/${i}')); }
  finally { req.socket.off('close', onClose); }
});
for (let k = 0; k < 3; k++) { emitter.emit('tick', k); }
`;
}

function generate(lines) {
  let text = "import https from 'node:https';\nimport express from 'express';\nimport { EventEmitter } from 'node:events';\n"
    + 'const app = express();\nconst agent = new https.Agent({ keepAlive: true });\nconst emitter = new EventEmitter();\n';
  for (let i = 0; text.split('\n').length < lines; i++) text += block(i);
  return text;
}

const clock = { ms: 0 };
const config = [{ files: ['**/*.js'], languageOptions: languageOptions('module'), plugins: { 'listener-leak': timedPlugin(plugin, clock) }, rules: { [RULE_ID]: 'error' } }];
const linter = new Linter({ configType: 'flat' });
const rows = [];
for (const size of SIZES) {
  const text = generate(size);
  const lines = text.split('\n').length;
  const times = [];
  let reports = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    clock.ms = 0;
    globalThis.gc?.();
    reports = linter.verify(text, config, 'service.js').length;
    if (round > 0) times.push(clock.ms);
  }
  const best = Math.min(...times);
  rows.push({ lines, ruleMs: best, msPer1000Lines: (best / lines) * 1000, reports });
}

const machine = `${machineSummary()}, ${new Date().toISOString().slice(0, 10)}`;
console.log(`Machine: ${machine}. Command: \`node --expose-gc bench/scaling.mjs\` (after \`npm run build\`). Best of ${ROUNDS} rounds.\n`);
console.log('| lines | time in the rule (ms) | per 1,000 lines (ms) | vs. smallest | reports |\n| ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.lines} | ${row.ruleMs.toFixed(1)} | ${row.msPer1000Lines.toFixed(2)} | ${(row.msPer1000Lines / rows[0].msPer1000Lines).toFixed(2)}x | ${row.reports} |`);
}
writeFileSync(new URL('./scaling-results.json', import.meta.url), `${JSON.stringify({ machine, rounds: ROUNDS, rows }, null, 2)}\n`);
