// Measures ESLint over the corpus in one process, three configurations side by side, interleaved file by
// file within each round: (a) parse only, (b) listener-leak/no-per-request-listener alone, (c) eslint-plugin-listeners'
// flat/recommended alone. Sources are read into memory first and linted with Linter#verify, so no file
// I/O is timed. Prints a Markdown table and writes bench/perf-results.json.
//
//   npm run build && node --expose-gc bench/perf.mjs [--rounds N]
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import { CORPUS_DIR, listCorpusFiles } from './corpus-files.mjs';
import { median } from './measure.mjs';
import { benchConfigs, CONFIG_LABELS, CONFIGS_NORMALIZED_ONCE, plugin, competitorVersion, prepareConfigs, VERIFY_OPTIONS } from './lint-config.mjs';
import { perfMarkdown } from './perf-markdown.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_PATH = path.join(BENCH_DIR, 'perf-results.json');
const KEYS = ['parse', 'ours', 'competitor'];
const FALLBACKS = { module: ['commonjs', 'script'], commonjs: ['module', 'script'], script: ['module'] };

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds takes a positive integer');

const linter = new Linter({ configType: 'flat', cwd: CORPUS_DIR });
const configsBySourceType = new Map();
const configsFor = (sourceType) => {
  if (!configsBySourceType.has(sourceType)) {
    configsBySourceType.set(sourceType, prepareConfigs(benchConfigs(sourceType)));
  }
  return configsBySourceType.get(sourceType);
};

/**
 * One round: every file is linted by every configuration back to back, in an order that rotates with the
 * file and the round, so a burst of load from elsewhere on the machine (a shared 2-core box) lands on all
 * configurations alike instead of on whichever one happened to be running. Returns, per configuration, the
 * summed time of its verify calls and what ESLint reported.
 */
function round(files, keys, roundIndex, fileMinimums) {
  globalThis.gc?.();
  const totals = Object.fromEntries(keys.map((key) => [key, { ms: 0, reports: 0, fatal: 0 }]));
  files.forEach((f, fileIndex) => {
    const configs = configsFor(f.sourceType);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[(i + fileIndex + roundIndex) % keys.length];
      const start = performance.now();
      const messages = linter.verify(f.text, configs[key], { ...VERIFY_OPTIONS, filename: f.path });
      const elapsed = performance.now() - start;
      const total = totals[key];
      total.ms += elapsed;
      if (fileMinimums && elapsed < fileMinimums[key][fileIndex]) fileMinimums[key][fileIndex] = elapsed;
      for (const m of messages) {
        if (m.fatal) total.fatal += 1;
        else if (m.ruleId) total.reports += 1;
        else throw new Error(`${f.path}: ${m.message}`); // e.g. "No matching configuration": the file was not linted
      }
    }
  });
  return totals;
}


function main() {
  const loadAtStart = os.loadavg().map((l) => Number(l.toFixed(2)));
  const all = listCorpusFiles().map((f) => ({ ...f, text: readFileSync(f.path, 'utf8') }));

  // Warm-up, part one: find a sourceType each file parses as (the same fallbacks as corpus-report.mjs);
  // files that parse as none are left out of the timing, and counted.
  const files = [];
  let unparsable = 0;
  for (const f of all) {
    const sourceType = [f.sourceType, ...FALLBACKS[f.sourceType]].find((candidate) =>
      !linter.verify(f.text, configsFor(candidate).parse, { ...VERIFY_OPTIONS, filename: f.path }).some((m) => m.fatal));
    if (sourceType) files.push({ ...f, sourceType });
    else unparsable += 1;
  }
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  console.error(`perf: ${files.length} files (${(bytes / 1e6).toFixed(1)} MB), ${unparsable} unparsable left out; `
    + `1 warm-up round + ${ROUNDS} rounds of ${KEYS.length} configurations`);

  // Warm-up, part two: one full round, untimed.
  round(files, KEYS, 0);

  const runs = Object.fromEntries(KEYS.map((key) => [key, []]));
  // Each file's fastest time per configuration over the rounds: noise from elsewhere only ever adds time,
  // so the sum of these minimums is the figure least disturbed by a busy machine.
  const fileMinimums = Object.fromEntries(KEYS.map((key) => [key, new Float64Array(files.length).fill(Infinity)]));
  for (let r = 0; r < ROUNDS; r += 1) {
    const totals = round(files, KEYS, r + 1, fileMinimums);
    for (const key of KEYS) runs[key].push(totals[key]);
    console.error(`  round ${r + 1}/${ROUNDS}: ${KEYS.map((key) => `${key} ${totals[key].ms.toFixed(0)} ms`).join(', ')}`);
  }

  const configs = Object.fromEntries(KEYS.map((key) => {
    const times = runs[key].map((r) => r.ms);
    return [key, {
      label: CONFIG_LABELS[key],
      medianMs: Number(median(times).toFixed(1)),
      minMs: Number(Math.min(...times).toFixed(1)),
      maxMs: Number(Math.max(...times).toFixed(1)),
      timesMs: times.map((t) => Number(t.toFixed(1))),
      sumOfFileMinimumsMs: Number(fileMinimums[key].reduce((sum, t) => sum + t, 0).toFixed(1)),
      reports: runs[key][0].reports,
      fatal: runs[key][0].fatal,
    }];
  }));
  const ratio = (x, y) => Number((configs[x].medianMs / configs[y].medianMs).toFixed(3));
  const minimumsRatio = (x, y) => Number((configs[x].sumOfFileMinimumsMs / configs[y].sumOfFileMinimumsMs).toFixed(3));
  // The same ratio within each round.
  const pairedRatios = (x, y) => runs[x].map((r, i) => Number((r.ms / runs[y][i].ms).toFixed(3)));
  const cpus = os.cpus();
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      eslint: Linter.version,
      gcBetweenRounds: typeof globalThis.gc === 'function',
      configsNormalizedOnce: CONFIGS_NORMALIZED_ONCE,
      loadAverageAtStart: loadAtStart,
    },
    command: 'npm run build && node --expose-gc bench/perf.mjs',
    plugin: `${plugin.meta.name}@${plugin.meta.version}`,
    competitor: `eslint-plugin-listeners@${competitorVersion}`,
    corpus: { files: files.length, bytes, unparsable },
    rounds: ROUNDS,
    warmupRounds: 1,
    configs,
    ratios: {
      oursOverParse: ratio('ours', 'parse'),
      competitorOverParse: ratio('competitor', 'parse'),
      oursOverCompetitor: ratio('ours', 'competitor'),
    },
    fileMinimumRatios: {
      oursOverParse: minimumsRatio('ours', 'parse'),
      competitorOverParse: minimumsRatio('competitor', 'parse'),
      oursOverCompetitor: minimumsRatio('ours', 'competitor'),
    },
    pairedRatios: {
      oursOverParse: pairedRatios('ours', 'parse'),
      competitorOverParse: pairedRatios('competitor', 'parse'),
      oursOverCompetitor: pairedRatios('ours', 'competitor'),
    },
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  console.log(perfMarkdown(results));
  console.log(`\nwrote ${path.relative(process.cwd(), RESULTS_PATH)}`);
}

main();
