// Scale: the two ways listener-leak uses more than one core, on the whole real-code corpus, as a user runs them.
// (a) The ESLint CLI with `configs.recommended` over every corpus file, `--concurrency=off`, `2` and `auto`: wall time,
//     CPU time (the process's own, all threads), peak RSS, the workers ESLint started (its debug log says), and whether
//     the findings are the very same in every mode.
// (b) `listener-leak codemod registry|teardown --dry` over the same files, `--cpus 1` (in one process) against
//     `--cpus 2` (two worker threads): the same measures, and whether the output is byte for byte the same.
// Every run is a fresh process; rounds alternate the order of the modes. The machine's load is recorded around each
// run (load average, and the cores other processes used while it ran, from /proc/stat).
//
//   node bench/scale.mjs [--rounds N] [--only eslint|codemod]      (npm run build first; ~10 min for 1 round)
//   node bench/scale.mjs --limit 100 --rounds 1                    (a smoke test on the first 100 files; writes nothing)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORPUS_DIR, listCorpusFiles } from './corpus-files.mjs';
import { machineSummary, median } from './measure.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const CLI = path.join(ROOT, 'dist/src/cli/index.js');
const ESLINT_BIN = path.join(ROOT, 'node_modules/eslint/bin/eslint.js');
const RESULTS_PATH = path.join(BENCH_DIR, 'scale-results.json');

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rounds = Number(option('--rounds', '3'));
const only = option('--only', null);
const limit = args.includes('--limit') ? Number(option('--limit', '0')) : null;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a whole number, 1 or more');
if (only !== null && only !== 'eslint' && only !== 'codemod') throw new Error('--only takes eslint or codemod');
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);

// Loaded before the CLI in the child, main thread only: at exit, the process's resource usage (all its threads).
const USAGE_PRELOAD = 'data:text/javascript,'
  + encodeURIComponent('import { writeFileSync } from "node:fs"; import { isMainThread } from "node:worker_threads";'
    + 'if (isMainThread) process.on("exit", () => writeFileSync(process.env.LISTENER_LEAK_BENCH_USAGE, JSON.stringify(process.resourceUsage())));');

/** Busy and total CPU time of the whole machine so far, in ms (from /proc/stat; null elsewhere). */
function machineCpu() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busyMs: (total - idle) * tick, totalMs: total * tick };
  } catch {
    return null;
  }
}

/** One command in a fresh process: wall, CPU and peak RSS of the child, and the load around it. */
function measure(command, commandArgs, { cwd, env }) {
  const usageFile = path.join(os.tmpdir(), `listener-leak-scale-usage-${process.pid}.json`);
  rmSync(usageFile, { force: true });
  const loadAtStart = os.loadavg()[0];
  const cpuBefore = machineCpu();
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', USAGE_PRELOAD, command, ...commandArgs], {
    cwd,
    env: { ...process.env, ...env, LISTENER_LEAK_BENCH_USAGE: usageFile },
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  const cpuAfter = machineCpu();
  if (result.error) throw result.error;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  rmSync(usageFile, { force: true });
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const othersCores = cpuBefore && cpuAfter ? Math.max(0, (cpuAfter.busyMs - cpuBefore.busyMs - cpuMs) / ms) : null;
  return {
    result,
    run: {
      ms: Math.round(ms),
      cpuMs: Math.round(cpuMs),
      maxRssMiB: Math.round(usage.maxRSS / 1024),
      loadAverage: Number(loadAtStart.toFixed(2)),
      othersCores: othersCores === null ? null : Number(othersCores.toFixed(2)),
    },
  };
}

const files = listCorpusFiles().slice(0, limit ?? undefined);
const relativePaths = files.map((f) => path.relative(CORPUS_DIR, f.path));

// (a) ESLint. The config lives in a temporary folder and names each file's sourceType by its path (relative to the
// corpus folder, the cwd, which is the base path of a config given with --config), with the parser the other
// benchmarks use; then listener-leak's recommended config; node_modules un-ignored, since the corpus is installed there.
function eslintConfig() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'listener-leak-scale-'));
  const byType = {};
  for (const [i, f] of files.entries()) (byType[f.sourceType] ??= []).push(relativePaths[i]);
  writeFileSync(path.join(dir, 'files-by-type.json'), JSON.stringify(byType));
  const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));
  const parserUrl = pathToFileURL(requireFromRoot.resolve('@typescript-eslint/parser')).href;
  const pluginUrl = pathToFileURL(path.join(ROOT, 'dist/rules/index.js')).href;
  writeFileSync(path.join(dir, 'eslint.config.mjs'), `import { readFileSync } from 'node:fs';
import * as parser from ${JSON.stringify(parserUrl)};
import listenerLeak from ${JSON.stringify(pluginUrl)};

const byType = JSON.parse(readFileSync(new URL('./files-by-type.json', import.meta.url), 'utf8'));

export default [
  ...Object.entries(byType).map(([sourceType, files]) => ({ files, languageOptions: { parser, ecmaVersion: 'latest', sourceType } })),
  listenerLeak.configs.recommended,
  { ignores: ['!**/node_modules/'] },
];
`);
  return dir;
}

const ESLINT_MODES = ['off', '2', 'auto'];

function lintCorpus(configDir, concurrency) {
  const { result, run } = measure(
    ESLINT_BIN,
    ['--config', path.join(configDir, 'eslint.config.mjs'), '--no-inline-config', '--no-warn-ignored', `--concurrency=${concurrency}`, '--format', 'json', ...relativePaths],
    { cwd: CORPUS_DIR, env: { DEBUG: 'eslint:eslint' } },
  );
  // 0: no errors, 1: lint errors (the corpus has some); 2 would be a crash or a bad config.
  if (result.status !== 0 && result.status !== 1) throw new Error(`eslint --concurrency=${concurrency} exited with ${result.status}:\n${result.stderr.slice(-4000)}`);
  const report = JSON.parse(result.stdout);
  const findings = report
    .flatMap((file) => file.messages.map((m) => `${path.relative(CORPUS_DIR, file.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'fatal'} ${m.message}`))
    .sort();
  const used = /Linting using (\d+) worker thread/.exec(result.stderr);
  const warnings = [...result.stderr.matchAll(/^\(node:\d+\) ESLint\w*Warning: (.+)$/gm)].map((m) => m[1]);
  return {
    run: { ...run, workers: used ? Number(used[1]) : 0 },
    files: report.length,
    findings,
    fatal: report.reduce((n, file) => n + file.fatalErrorCount, 0),
    warnings,
  };
}

function eslintScale() {
  const configDir = eslintConfig();
  try {
    const runs = Object.fromEntries(ESLINT_MODES.map((m) => [m, []]));
    let reference = null;
    let identical = true;
    const warnings = new Set();
    let linted = 0;
    let fatal = 0;
    for (let r = 0; r < rounds; r++) {
      const order = ESLINT_MODES.map((_, i) => ESLINT_MODES[(i + r) % ESLINT_MODES.length]);
      for (const mode of order) {
        const lint = lintCorpus(configDir, mode);
        runs[mode].push(lint.run);
        for (const w of lint.warnings) warnings.add(`--concurrency=${mode}: ${w}`);
        if (reference === null) {
          reference = lint.findings;
          linted = lint.files;
          fatal = lint.fatal;
        } else if (JSON.stringify(lint.findings) !== JSON.stringify(reference)) {
          identical = false;
          console.error(`  --concurrency=${mode} reported different findings (${lint.findings.length} against ${reference.length})`);
        }
      }
      console.error(`  eslint round ${r + 1}/${rounds}: ${order.map((m) => `${m} ${runs[m].at(-1).ms} ms (cpu ${runs[m].at(-1).cpuMs}, ${runs[m].at(-1).workers} workers, load ${runs[m].at(-1).loadAverage}, others ${runs[m].at(-1).othersCores} cores)`).join('; ')}`);
    }
    const medians = Object.fromEntries(ESLINT_MODES.map((m) => [m, {
      ms: median(runs[m].map((x) => x.ms)),
      cpuMs: median(runs[m].map((x) => x.cpuMs)),
      maxRssMiB: median(runs[m].map((x) => x.maxRssMiB)),
      workers: runs[m][0].workers,
    }]));
    return {
      command: `node bench/scale.mjs --rounds ${rounds} --only eslint`,
      files: linted,
      findings: reference.length - fatal,
      parseErrors: fatal,
      identical,
      runs,
      medians,
      speedup: { '2': Number((medians.off.ms / medians['2'].ms).toFixed(2)), auto: Number((medians.off.ms / medians.auto.ms).toFixed(2)) },
      warnings: [...warnings],
    };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

// (b) The codemod, --dry so nothing is written, the corpus files named one by one (as the ESLint runs do).
const CPUS = ['1', '2'];

function codemodOnce(transform, cpus) {
  const { result, run } = measure(CLI, ['codemod', transform, '--dry', '--cpus', cpus, ...relativePaths], {
    cwd: CORPUS_DIR,
    env: { DEBUG: 'listener-leak:codemod', NO_COLOR: '1' },
  });
  // 1: some files do not parse; 2 or anything else is a failure.
  if (result.status !== 0 && result.status !== 1) throw new Error(`codemod ${transform} --cpus ${cpus} exited with ${result.status}:\n${result.stderr.slice(-4000)}`);
  const ran = /^listener-leak:codemod \w+: \d+ files (.+)$/m.exec(result.stderr)?.[1] ?? 'unknown';
  const summary = /^(\d+) errors \/ (\d+) unmodified \/ (\d+) skipped \/ (\d+) ok$/m.exec(result.stdout);
  return {
    run: { ...run, threads: /on (\d+) worker threads/.exec(ran) ? Number(/on (\d+) worker threads/.exec(ran)[1]) : 1 },
    output: result.stdout,
    summary: summary ? { errors: Number(summary[1]), unmodified: Number(summary[2]), skipped: Number(summary[3]), ok: Number(summary[4]) } : null,
  };
}

function codemodScale(transform) {
  const runs = Object.fromEntries(CPUS.map((c) => [c, []]));
  let reference = null;
  let summary = null;
  let identical = true;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? CPUS : [...CPUS].reverse();
    for (const cpus of order) {
      const once = codemodOnce(transform, cpus);
      runs[cpus].push(once.run);
      if (reference === null) {
        reference = once.output;
        summary = once.summary;
      } else if (once.output !== reference) {
        identical = false;
        console.error(`  codemod ${transform} --cpus ${cpus} printed a different report`);
      }
    }
    console.error(`  codemod ${transform} round ${r + 1}/${rounds}: ${order.map((c) => `--cpus ${c} ${runs[c].at(-1).ms} ms (cpu ${runs[c].at(-1).cpuMs}, load ${runs[c].at(-1).loadAverage}, others ${runs[c].at(-1).othersCores} cores)`).join('; ')}`);
  }
  const medians = Object.fromEntries(CPUS.map((c) => [c, {
    ms: median(runs[c].map((x) => x.ms)),
    cpuMs: median(runs[c].map((x) => x.cpuMs)),
    maxRssMiB: median(runs[c].map((x) => x.maxRssMiB)),
    threads: runs[c][0].threads,
  }]));
  return { transform, summary, identical, runs, medians, speedup: Number((medians['1'].ms / medians['2'].ms).toFixed(2)) };
}

const previous = existsSync(RESULTS_PATH) ? JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) : {};
const loadAverage = () => os.loadavg().map((n) => Number(n.toFixed(2)));
const results = {
  ...previous,
  date: new Date().toISOString().slice(0, 10),
  machine: machineSummary(),
  cores: os.availableParallelism(),
  command: `node bench/scale.mjs --rounds ${rounds}${only ? ` --only ${only}` : ''}`,
  corpusFiles: files.length,
  rounds,
};
if (only !== 'codemod') {
  console.error(`ESLint CLI over ${files.length} corpus files, --concurrency ${ESLINT_MODES.join(' / ')}, ${rounds} round(s)`);
  const loadAverageAtStart = loadAverage();
  const eslint = eslintScale();
  results.eslint = { date: results.date, machine: results.machine, rounds, ...eslint, load: { loadAverageAtStart, loadAverageAtEnd: loadAverage() } };
}
if (only !== 'eslint') {
  console.error(`listener-leak codemod --dry over ${files.length} corpus files, --cpus ${CPUS.join(' / ')}, ${rounds} round(s)`);
  const loadAverageAtStart = loadAverage();
  const transforms = [codemodScale('registry'), codemodScale('teardown')];
  results.codemod = {
    date: results.date,
    machine: results.machine,
    rounds,
    command: `node bench/scale.mjs --rounds ${rounds} --only codemod`,
    transforms,
    load: { loadAverageAtStart, loadAverageAtEnd: loadAverage() },
  };
}
if (limit === null) writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);

if (results.eslint) {
  const e = results.eslint;
  console.log(`ESLint over ${e.files} files: off ${e.medians.off.ms} ms, 2 ${e.medians['2'].ms} ms (${e.medians['2'].workers} workers), `
    + `auto ${e.medians.auto.ms} ms (${e.medians.auto.workers} workers); speed-up 2: ${e.speedup['2']}x, auto: ${e.speedup.auto}x; `
    + `findings ${e.identical ? 'identical' : 'DIFFERENT'} (${e.findings}, ${e.parseErrors} parse errors)`);
}
for (const t of results.codemod?.transforms ?? []) {
  console.log(`codemod ${t.transform} --dry: --cpus 1 ${t.medians['1'].ms} ms, --cpus 2 ${t.medians['2'].ms} ms; speed-up ${t.speedup}x; `
    + `output ${t.identical ? 'identical' : 'DIFFERENT'}`);
}
for (const section of [results.eslint, results.codemod].filter(Boolean)) {
  console.log(`${section.machine}; load average ${section.load.loadAverageAtStart.join(' ')} -> ${section.load.loadAverageAtEnd.join(' ')}`);
}
