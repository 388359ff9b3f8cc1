// Is the rule's cost linear in file size? Lints generated service files of growing size (request handlers,
// trackers, clients, loops: everything the detector indexes) with the rule and with parse only, in one
// process, and reports the rule's added time per 1,000 lines at each size. Flat = linear.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Linter } from 'eslint';
import { benchConfigs } from './lint-config.mjs';

const configs = benchConfigs('module');

const SIZES = [1_000, 2_000, 4_000, 8_000, 16_000];
const ROUNDS = 5;

/** One block of ~40 lines of realistic service code; names are suffixed so blocks do not collide. */
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

function file(lines) {
  const header = "import https from 'node:https';\nimport express from 'express';\nconst app = express();\nconst agent = new https.Agent({ keepAlive: true });\nimport { EventEmitter } from 'node:events';\nconst emitter = new EventEmitter();\n";
  const one = block(0).split('\n').length;
  let text = header;
  for (let i = 0; text.split('\n').length < lines; i++) text += block(i);
  return { text, lines: text.split('\n').length, blockLines: one };
}

function time(linter, text, config) {
  const start = process.hrtime.bigint();
  const messages = linter.verify(text, config, 'service.js');
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (messages.some((m) => m.fatal)) throw new Error(`generated file did not parse: ${messages[0].message}`);
  return { ms, reports: messages.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const linter = new Linter({ configType: 'flat' });
const rows = [];
for (const size of SIZES) {
  const { text, lines } = file(size);
  time(linter, text, configs.parse);
  time(linter, text, configs.ours);
  const parse = [];
  const rule = [];
  let reports = 0;
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(time(linter, text, configs.parse).ms);
    const result = time(linter, text, configs.ours);
    rule.push(result.ms);
    reports = result.reports;
  }
  const parseMs = median(parse);
  const ruleMs = median(rule);
  rows.push({ lines, parseMs, ruleMs, addedMsPer1000Lines: ((ruleMs - parseMs) / lines) * 1000, reports });
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
const first = rows[0].addedMsPer1000Lines;
const lines = [
  `Machine: ${machine}. Command: \`node bench/scaling.mjs\` (after \`npm run build\`). Median of ${ROUNDS} rounds.`,
  '',
  '| lines | parse only (ms) | with the rule (ms) | rule adds per 1,000 lines (ms) | vs. smallest | reports |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.lines} | ${r.parseMs.toFixed(1)} | ${r.ruleMs.toFixed(1)} | ${r.addedMsPer1000Lines.toFixed(2)} | ${(r.addedMsPer1000Lines / first).toFixed(2)}x | ${r.reports} |`,
  ),
];
console.log(lines.join('\n'));
writeFileSync(new URL('./scaling-results.json', import.meta.url), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
