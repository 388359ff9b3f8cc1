// Per-keystroke latency in an editor: what the ESLint VS Code extension does on each change of a file, one ESLint
// instance kept for the session and `lintText(text, { filePath })` per change, timed on a ~2,000-line service module
// (bench/service-source.mjs). Four configurations, each with its own ESLint instance, side by side in one process,
// rounds alternating their order (forward, then backward):
//   (a) parse only: no config but ESLint's defaults, so espree, the parser configs.recommended uses (a .js file)
//   (b) configs.recommended (the same .js file)
//   (c) configs['recommended-type-checked'] on the module as .ts in a temporary TypeScript project (tsconfig.json,
//       @types/node linked from this package's node_modules), projectService
//   (d) (c)'s parser and parserOptions with no rules: the typed baseline
// Every lint gets a text no lint has seen before (one number edited, editLine), so neither ESLint, nor typescript-eslint's
// project service, nor listener-leak's caches can answer from an earlier run. Writes bench/editor-latency-results.json.
//
//   npm run build && node bench/editor-latency.mjs [--runs 50] [--warmup 10] [--lines 2000]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as parser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import plugin from '../dist/rules/index.js';
import { machineSummary } from './measure.mjs';
import { editLine, serviceSource } from './service-source.mjs';
import { editorLatencyMarkdown } from './editor-latency-markdown.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_ROOT = path.dirname(BENCH_DIR);
const RESULTS_PATH = path.join(BENCH_DIR, 'editor-latency-results.json');
const TARGET_P95_MS = 50;

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
// With --only the results are partial: printed, not written.
const RUNS = option('--runs', 50);
const WARMUP = option('--warmup', 10);
const LINES = option('--lines', 2000);
const COMMAND = `npm run build && node bench/editor-latency.mjs${args.length ? ` ${args.join(' ')}` : ''}`;

const require = createRequire(import.meta.url);
const versions = {
  eslint: ESLint.version,
  typescriptEslint: require('@typescript-eslint/parser/package.json').version,
  typescript: require('typescript/package.json').version,
};

/** The temporary project: service.js for (a)/(b), src/service.ts under a tsconfig.json for (c)/(d). Removed at exit. */
function makeProject() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'listener-leak-editor-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const js = serviceSource(LINES);
  const ts = serviceSource(LINES, { typescript: true });
  writeFileSync(path.join(root, 'service.js'), js);
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'service.ts'), ts);
  const compilerOptions = {
    strict: true, target: 'ES2023', lib: ['es2023'], module: 'node16', moduleResolution: 'node16', types: ['node'], skipLibCheck: true, noEmit: true,
  };
  writeFileSync(path.join(root, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, include: ['src'] }, null, 2)}\n`);
  mkdirSync(path.join(root, 'node_modules', '@types'), { recursive: true });
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules', '@types', 'node'), path.join(root, 'node_modules', '@types', 'node'), 'dir');
  return {
    root,
    js: { filePath: path.join(root, 'service.js'), text: js, lines: js.split('\n').length },
    ts: { filePath: path.join(root, 'src', 'service.ts'), text: ts, lines: ts.split('\n').length, compilerOptions },
  };
}

const project = makeProject();
const { root } = project;
const typedLanguage = {
  name: 'bench/typed-language',
  files: ['**/*.ts'],
  languageOptions: { parser, parserOptions: { projectService: true, tsconfigRootDir: root } },
};

const CONFIGS = {
  parse: { label: 'parse only (espree, no rules)', file: project.js, config: [] },
  untyped: { label: '`configs.recommended`', file: project.js, config: [plugin.configs.recommended] },
  typed: { label: "`configs['recommended-type-checked']`", file: project.ts, config: [plugin.configs['recommended-type-checked'], typedLanguage] },
  typedParse: { label: 'typed parse only (projectService, no rules)', file: project.ts, config: [typedLanguage] },
};
// --only untyped,parse: just those (for profiling one configuration with `node --cpu-prof`).
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const KEYS = Object.keys(CONFIGS).filter((k) => !ONLY || ONLY.includes(k));
const eslints = Object.fromEntries(KEYS.map((k) => [k, new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: CONFIGS[k].config })]));

// Each baseline parses exactly as the configuration it is the baseline of: checked on the resolved configs.
async function checkBaselines() {
  const resolved = async (k) => (await eslints[k].calculateConfigForFile(CONFIGS[k].file.filePath)).languageOptions;
  const sameParsing = async (a, b) => {
    const [x, y] = [await resolved(a), await resolved(b)];
    const keyOf = (o) => JSON.stringify({ ...o, parser: o.parser?.meta?.name ?? String(Boolean(o.parser)), globals: Object.keys(o.globals ?? {}).length });
    if (keyOf(x) !== keyOf(y)) throw new Error(`(${a}) and (${b}) parse with different language options: ${keyOf(x)} / ${keyOf(y)}`);
  };
  await sameParsing('parse', 'untyped');
  await sameParsing('typed', 'typedParse');
}

// The project service must lint the edited text, not the file on disk: a probe rule compares the program's source file
// with the text ESLint parsed, for two edits (through its own instance: the project service is one per process).
async function checkProjectServiceSeesEdits() {
  const seen = [];
  const probe = {
    rules: {
      text: {
        meta: { type: 'problem', schema: [] },
        create(context) {
          const { program } = context.sourceCode.parserServices;
          seen.push(program.getSourceFile(context.filename)?.text === context.sourceCode.text);
          return {};
        },
      },
    },
  };
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [typedLanguage, { files: ['**/*.ts'], plugins: { probe }, rules: { 'probe/text': 'error' } }] });
  for (const n of [1_000_001, 1_000_002]) await eslint.lintText(editLine(project.ts.text, n), { filePath: project.ts.filePath });
  if (seen.length !== 2 || !seen.every(Boolean)) throw new Error(`the project service's program did not hold the edited text: ${JSON.stringify(seen)}`);
}

/** Busy and total jiffies of every CPU of the machine (Linux), to tell how much of the machine others used meanwhile. */
function machineCpu() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((s, x) => s + x, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

let keystroke = 0;
async function lintOnce(k) {
  keystroke += 1;
  const { file } = CONFIGS[k];
  const text = editLine(file.text, keystroke);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const [result] = await eslints[k].lintText(text, { filePath: file.filePath });
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`(${k}) did not parse: ${fatal[0].message} at ${fatal[0].line}:${fatal[0].column}`);
  return { ms, cpuMs: (user + system) / 1000, reports: result.messages.length };
}

/** The nearest-rank percentile (p in 0..1). */
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
};
const round2 = (n) => Number(n.toFixed(2));

if (!ONLY) await checkBaselines();
const loadAverageAtStart = os.loadavg().map(round2);
const first = {};
for (const k of KEYS) first[k] = round2((await lintOnce(k)).ms);
if (KEYS.includes('typed') || KEYS.includes('typedParse')) await checkProjectServiceSeesEdits();
for (let r = 0; r < WARMUP; r += 1) for (const k of r % 2 ? [...KEYS].reverse() : KEYS) await lintOnce(k);

const runs = Object.fromEntries(KEYS.map((k) => [k, []]));
const machineBefore = machineCpu();
const ownBefore = process.cpuUsage();
const wallBefore = performance.now();
for (let r = 0; r < RUNS; r += 1) {
  for (const k of r % 2 ? [...KEYS].reverse() : KEYS) {
    const run = await lintOnce(k);
    if (runs[k].length && run.reports !== runs[k][0].reports) throw new Error(`(${k}) reported ${run.reports} messages, its first run ${runs[k][0].reports}`);
    runs[k].push(run);
  }
}
const wallMs = performance.now() - wallBefore;
const own = process.cpuUsage(ownBefore);
const machineAfter = machineCpu();
const loadAverageAtEnd = os.loadavg().map(round2);

// Of the machine's CPU time during the measured rounds, what other processes used, in cores: total busy minus ours.
let othersCores;
if (machineBefore && machineAfter) {
  const cores = os.cpus().length;
  const busyFraction = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
  othersCores = round2(Math.max(0, busyFraction * cores - (own.user + own.system) / 1000 / wallMs));
}

const stats = (k) => {
  const ms = runs[k].map((r) => r.ms);
  const cpu = runs[k].map((r) => r.cpuMs);
  return {
    label: CONFIGS[k].label,
    file: path.relative(root, CONFIGS[k].file.filePath),
    lines: CONFIGS[k].file.lines,
    p50Ms: round2(percentile(ms, 0.5)),
    p95Ms: round2(percentile(ms, 0.95)),
    minMs: round2(Math.min(...ms)),
    maxMs: round2(Math.max(...ms)),
    cpuP50Ms: round2(percentile(cpu, 0.5)),
    cpuP95Ms: round2(percentile(cpu, 0.95)),
    firstLintMs: first[k],
    reports: runs[k][0].reports,
    runsMs: ms.map(round2),
  };
};
const configs = Object.fromEntries(KEYS.map((k) => [k, stats(k)]));
const ratio = (a, b, field) => (configs[a] && configs[b] ? Number((configs[a][field] / configs[b][field]).toFixed(3)) : undefined);
const results = {
  date: new Date().toISOString(),
  machine: `${machineSummary()}, ESLint ${versions.eslint}, typescript-eslint ${versions.typescriptEslint}, TypeScript ${versions.typescript}`,
  command: COMMAND,
  runs: RUNS,
  warmup: WARMUP,
  order: KEYS,
  tsconfig: project.ts.compilerOptions,
  load: { loadAverageAtStart, loadAverageAtEnd, othersCores, cores: os.cpus().length },
  configs,
  ratios: {
    untypedOverParse: { p50: ratio('untyped', 'parse', 'p50Ms'), p95: ratio('untyped', 'parse', 'p95Ms') },
    typedOverTypedParse: { p50: ratio('typed', 'typedParse', 'p50Ms'), p95: ratio('typed', 'typedParse', 'p95Ms') },
  },
  target: { untypedP95Ms: TARGET_P95_MS, met: configs.untyped?.p95Ms < TARGET_P95_MS },
};
if (ONLY) {
  console.log(JSON.stringify({ load: results.load, configs: Object.fromEntries(KEYS.map((k) => [k, { ...configs[k], runsMs: undefined }])) }, null, 2));
} else {
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  console.log(editorLatencyMarkdown(results).join('\n'));
}
