// The registry codemod over the real-code corpus, in --dry mode (nothing is written):
// 1. correctness: 0 crashes; every changed file's output parses and a second pass changes nothing; every
//    file it would change, with its trackers, goes to codemod-results.json for a verdict in RESULTS.md;
// 2. speed: the codemod against jscodeshift running an identity transform (parse and print: its floor) on
//    the same files, side by side in one process, alternating which goes first, median of rounds.
//
//   node bench/codemod.mjs [--rounds N]      (npm run build first; bench/run.mjs does both)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jscodeshift from 'jscodeshift';
import { CodemodParseError, rewriteTrackers } from '../dist/codemods/registry.js';
import { listCorpusFiles } from './corpus-files.mjs';
import { machineSummary, median } from './measure.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const roundsIndex = args.indexOf('--rounds');
const rounds = roundsIndex >= 0 ? Number(args[roundsIndex + 1]) : 5;

/** The parser jscodeshift would use for the file with `--parser` chosen by extension, as the codemod does. */
const parserFor = (file) => (/\.tsx$/.test(file) ? 'tsx' : /\.(?:m|c)?ts$/.test(file) ? 'ts' : 'babel');

const files = listCorpusFiles().map((f) => ({ ...f, text: readFileSync(f.path, 'utf8') }));
const key = (f) => `${f.package}/${f.file}`;

// 1. Correctness, as users run it and with --unsafe (which rewrites more, so exercises more of the printer).
function correctness(unsafe) {
  const changed = [];
  const parseErrors = [];
  const crashes = [];
  const leftAlone = [];
  let parsed = 0;
  for (const f of files) {
    let result;
    try {
      result = rewriteTrackers(f.path, f.text, { unsafe });
    } catch (error) {
      if (error instanceof CodemodParseError) parseErrors.push({ file: key(f), line: error.line, column: error.column, message: error.message });
      else crashes.push({ file: key(f), error: String(error?.stack ?? error) });
      continue;
    }
    if (result.parsed) parsed++;
    for (const t of result.trackers) if (t.status === 'left-alone') leftAlone.push({ file: key(f), line: t.line, name: t.name, reason: t.reason });
    if (result.output === null) continue;
    const problems = [];
    try {
      jscodeshift.withParser(parserFor(f.path))(result.output);
    } catch (error) {
      problems.push(`output does not parse: ${error.message}`);
    }
    try {
      const again = rewriteTrackers(f.path, result.output, { unsafe });
      if (again.output !== null) problems.push('a second pass changes it again');
    } catch (error) {
      problems.push(`second pass failed: ${error.message}`);
    }
    changed.push({
      file: key(f),
      trackers: result.trackers.filter((t) => t.status === 'rewritten').map((t) => ({ name: t.name, line: t.line })),
      problems,
    });
  }
  return { changed, parseErrors, crashes, leftAlone, parsed };
}
const { changed, parseErrors, crashes, leftAlone, parsed } = correctness(false);
const unsafe = correctness(true);

// 2. Speed.
const identity = (f) => jscodeshift.withParser(parserFor(f.path))(f.text).toSource();
const codemod = (f) => {
  try {
    rewriteTrackers(f.path, f.text);
  } catch {
    // counted above
  }
};
const identityFiles = files.filter((f) => {
  try {
    identity(f);
    return true;
  } catch {
    return false;
  }
});
const timeAll = (fn) => {
  globalThis.gc?.();
  const start = performance.now();
  for (const f of identityFiles) fn(f);
  return performance.now() - start;
};
timeAll(codemod); // warm-up, both
timeAll(identity);
const codemodMs = [];
const identityMs = [];
for (let round = 0; round < rounds; round++) {
  if (round % 2 === 0) {
    codemodMs.push(timeAll(codemod));
    identityMs.push(timeAll(identity));
  } else {
    identityMs.push(timeAll(identity));
    codemodMs.push(timeAll(codemod));
  }
}

const results = {
  date: new Date().toISOString().slice(0, 10),
  machine: machineSummary(),
  command: `node --expose-gc bench/codemod.mjs --rounds ${rounds}`,
  files: files.length,
  parsed,
  timedFiles: identityFiles.length,
  rounds,
  codemodMs: codemodMs.map(Math.round),
  identityMs: identityMs.map(Math.round),
  ratio: median(codemodMs) / median(identityMs),
  crashes,
  parseErrors,
  changed,
  leftAlone,
  unsafe: { changed: unsafe.changed, crashes: unsafe.crashes, leftAlone: unsafe.leftAlone.length },
};
writeFileSync(path.join(BENCH_DIR, 'codemod-results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`${files.length} files: ${parsed} parsed, ${changed.length} would change, ${leftAlone.length} trackers left alone, ` +
  `${parseErrors.length} parse errors, ${crashes.length} crashes`);
for (const c of changed) console.log(`  would change ${c.file}: ${c.trackers.map((t) => `${t.name}:${t.line}`).join(', ')}${c.problems.length ? ` PROBLEMS: ${c.problems.join('; ')}` : ''}`);
for (const c of crashes) console.log(`  CRASH ${c.file}: ${c.error}`);
console.log(`with --unsafe: ${unsafe.changed.length} would change, ${unsafe.crashes.length} crashes`);
for (const c of [...unsafe.changed, ...unsafe.crashes]) console.log(`  ${c.file}: ${c.problems ? c.problems.join('; ') || 'output parses, second pass changes nothing' : c.error}`);
console.log(`codemod ${median(codemodMs).toFixed(0)} ms vs identity ${median(identityMs).toFixed(0)} ms over ${identityFiles.length} files: ` +
  `ratio ${results.ratio.toFixed(3)} (${machineSummary()})`);
