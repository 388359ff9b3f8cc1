// The fuzz run: at least 10,000 random valid programs through the three rules (espree and typescript-eslint),
// their suggestions, the detector (analyzeFile, analyzeProject) and both codemods (output parses, a second run
// changes nothing), from dist/. Programs are generated from a grammar (bench/fuzz-generate.mjs) or are mutations
// (bench/fuzz-mutate.mjs) of generated programs, of the repository's fixtures and, when bench/corpus is installed, of
// the corpus's real files. 0 crashes expected; writes bench/fuzz-results.json (bench/fuzz-markdown.mjs renders it).
//
//   node bench/fuzz.mjs                         10,000 programs from seed 1 (npm run build first)
//   node bench/fuzz.mjs --seed N --count 1      program N alone: prints it and every failure, with a smaller program
//   node bench/fuzz.mjs --count 50000 --seed 7  more; --no-corpus leaves the corpus out; --no-minimise is faster
//
// Exits 1 when a program crashed something or a generated program did not parse (a generator bug).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { machineSummary } from './measure.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const RESULTS = path.join(BENCH_DIR, 'fuzz-results.json');
/** Corpus files above this size are not mutated: a 1 MB bundle would take the run's time from the thousands of others. */
const MAX_CORPUS_BYTES = 40_000;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const seed = option('--seed', 1);
const count = option('--count', 10_000);
const useCorpus = !args.includes('--no-corpus');
const minimise = !args.includes('--no-minimise');
const single = count === 1;

if (!existsSync(path.join(ROOT, 'dist', 'rules', 'index.js'))) {
  console.error('bench/fuzz.mjs runs the build in dist/: run `npm run build` first');
  process.exit(2);
}

const [{ default: plugin }, { analyzeFile }, { analyzeProject }, { parseFile }, { rewriteTrackers }, { rewriteTeardowns }, harness] = await Promise.all([
  import('../dist/rules/index.js'),
  import('../dist/src/analysis/index.js'),
  import('../dist/src/analysis/project.js'),
  import('../dist/src/analysis/parse.js'),
  import('../dist/codemods/registry.js'),
  import('../dist/codemods/teardown.js'),
  import('./fuzz-harness.mjs'),
]);
const { builtinSeeds, createChecker, runFuzz, programFor } = harness;

/** The corpus's files (bench/corpus-files.mjs) as mutation seeds, or none when it is not installed. */
async function corpusEntries() {
  if (!useCorpus || !existsSync(path.join(BENCH_DIR, 'corpus', 'node_modules'))) return [];
  const { listCorpusFiles } = await import('./corpus-files.mjs');
  let files;
  try {
    files = listCorpusFiles();
  } catch (error) {
    console.error(`corpus not used: ${error.message}`);
    return [];
  }
  return files
    .filter((f) => f.bytes <= MAX_CORPUS_BYTES)
    .map((f) => ({
      name: `${f.package}/${f.file}`,
      language: /\.[cm]?ts$/.test(f.file) ? f.file.match(/\.([cm]?ts)$/)[1] : f.file.endsWith('.mjs') ? 'mjs' : f.sourceType === 'commonjs' ? 'cjs' : 'js',
      load: () => readFileSync(f.path, 'utf8'),
    }));
}

const corpus = await corpusEntries();
const seeds = builtinSeeds(ROOT);
const checker = createChecker({ plugin, analyzeFile, analyzeProject, parseFile, rewriteTrackers, rewriteTeardowns });

if (single) {
  const valid = (code, filename, language) => checker.parseErrors(code, filename, language).length === 0;
  const program = programFor(seed, { seeds, corpus, valid });
  console.log(`// seed ${seed}: ${program.filename}, ${program.origin}${program.base ? ` of ${program.base}` : ''}`
    + `${program.mutations?.length ? `; mutations: ${program.mutations.join('; ')}` : ''}`);
  console.log(program.code);
}

let lastReport = performance.now();
const result = runFuzz({
  checker,
  seed,
  count,
  seeds,
  corpus,
  minimise,
  onProgress(done, crashes, invalid) {
    if (single || (done % 250 !== 0 && done !== count)) return;
    const now = performance.now();
    process.stderr.write(`fuzz: ${done}/${count} programs, ${crashes} distinct crashes, ${invalid} invalid (${((now - lastReport) / 250).toFixed(0)} ms/program lately)\n`);
    lastReport = now;
  },
});

for (const crash of result.crashes) {
  console.log(`\n=== ${crash.stage}${crash.parser ? ` (${crash.parser})` : ''}: ${crash.message}`);
  console.log(`first at seed ${crash.seed}, ${crash.programs} program(s) in all (${crash.seeds.join(', ')}); ${crash.origin}, ${crash.filename}`
    + `${crash.base ? ` from ${crash.base}` : ''}; rerun: node bench/fuzz.mjs --seed ${crash.seed} --count 1${corpus.length ? '' : ' --no-corpus'}`);
  if (crash.stack) console.log(crash.stack);
  if (crash.minimal !== null) console.log(`--- smallest program found (${crash.filename}):\n${crash.minimal}`);
  if (single && crash.output !== undefined) console.log(`--- output:\n${crash.output}`);
  if (single && crash.secondOutput !== undefined) console.log(`--- output of the second run:\n${crash.secondOutput}`);
}
for (const program of result.invalid.slice(0, 20)) {
  console.log(`\n=== generator bug: seed ${program.seed} (${program.origin}, ${program.language}) does not parse with ${program.parser}: ${program.message} at line ${program.line}`);
}

const summary = `${result.count} programs from seed ${seed} in ${(result.elapsedMs / 1000).toFixed(1)} s, ${result.programsPerSecond.toFixed(1)} programs/s: `
  + `${result.totals.crashedPrograms} programs crashed something, ${result.crashes.length} distinct crashes, ${result.invalid.length} invalid programs`;
console.log(`\n${summary}`);

// A run of a few programs (a reproduction) leaves the results of the last full run in place.
if (count >= 1000) {
  const flag = (on, name) => (on ? '' : ` ${name}`);
  const command = `npm run build && node bench/fuzz.mjs${seed === 1 ? '' : ` --seed ${seed}`}${count === 10_000 ? '' : ` --count ${count}`}`
    + `${flag(useCorpus, '--no-corpus')}${flag(minimise, '--no-minimise')}`;
  const keep = (text) => (text.length <= 20_000 ? text : `${text.slice(0, 20_000)}\n/* ... cut at 20,000 characters; rerun the seed for all of it */`);
  const results = {
    date: new Date().toISOString(),
    machine: `${machineSummary()}, ESLint ${ESLint.version}`,
    command,
    seed: result.seed,
    count: result.count,
    elapsedMs: Math.round(result.elapsedMs),
    programsPerSecond: Number(result.programsPerSecond.toFixed(2)),
    corpusFiles: corpus.length,
    fixtureSeeds: seeds.length,
    origins: result.origins,
    languages: result.languages,
    totals: result.totals,
    crashes: result.crashes.map((c) => ({ ...c, program: keep(c.program), output: c.output === undefined ? undefined : keep(c.output), secondOutput: undefined })),
    invalid: result.invalid.map((p) => ({ ...p, program: keep(p.program) })),
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
}

process.exit(result.crashes.length || result.invalid.length ? 1 : 0);
