// The type-checked rule's project pass analyses files on demand (relevantOnly): those whose code may repeat by itself,
// then those its repeating calls land in. This checks, on every corpus package taken as one project, that it finds
// exactly the calls across files that a pass over every file finds, and counts the files each one parsed and analysed.
// Each pass starts from an empty parse cache, after an untimed warm-up, so the times compare. Writes
// bench/project-demand-results.json.
//
//   npm run build && node bench/project-demand.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { scanCorpus } from './corpus-files.mjs';
import { describeCallers, machineSummary } from './measure.mjs';

const { analyzeProject } = await import('../dist/src/analysis/project.js');
const { keepParsesOf } = await import('../dist/src/analysis/parse.js');

function timed(files, relevantOnly) {
  keepParsesOf(new Set());
  const start = performance.now();
  const analysis = analyzeProject(files, { relevantOnly });
  return { analysis, ms: performance.now() - start };
}

const byPackage = new Map();
for (const file of scanCorpus().files) {
  if (!byPackage.has(file.package)) byPackage.set(file.package, []);
  byPackage.get(file.package).push({ path: file.path, text: readFileSync(file.path, 'utf8') });
}

// Untimed, once: the first package's passes would otherwise also pay for compiling the analysis.
const [firstFiles] = byPackage.values();
timed(firstFiles, true);
timed(firstFiles, false);

const packages = [];
for (const [name, files] of byPackage) {
  // Alternate which pass runs first, so neither always runs right after the other's garbage.
  const first = packages.length % 2 === 0;
  const onDemand = first ? timed(files, true) : null;
  const whole = timed(files, false);
  const demand = onDemand ?? timed(files, true);
  const a = describeCallers(demand.analysis);
  const b = describeCallers(whole.analysis);
  const missing = b.filter((caller) => !a.includes(caller));
  const extra = a.filter((caller) => !b.includes(caller));
  packages.push({
    package: name,
    files: files.length,
    onDemand: { ...demand.analysis.files, ms: Math.round(demand.ms) },
    whole: { ...whole.analysis.files, ms: Math.round(whole.ms) },
    callers: b.length,
    missing,
    extra,
  });
  console.error(`${name}: ${files.length} files; on demand parsed ${demand.analysis.files.parsed}, analysed ${demand.analysis.files.analysed}; `
    + `${b.length} calls across files, ${missing.length} missing, ${extra.length} extra`);
}

const sum = (pick) => packages.reduce((total, p) => total + pick(p), 0);
const results = {
  date: new Date().toISOString(),
  machine: machineSummary(),
  command: 'npm run build && node bench/project-demand.mjs',
  packages,
  totals: {
    packages: packages.length,
    files: sum((p) => p.files),
    callers: sum((p) => p.callers),
    missing: sum((p) => p.missing.length),
    extra: sum((p) => p.extra.length),
    onDemand: { parsed: sum((p) => p.onDemand.parsed), analysed: sum((p) => p.onDemand.analysed), ms: sum((p) => p.onDemand.ms) },
    whole: { parsed: sum((p) => p.whole.parsed), analysed: sum((p) => p.whole.analysed), ms: sum((p) => p.whole.ms) },
  },
};
writeFileSync(new URL('./project-demand-results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const t = results.totals;
console.log(`${t.packages} packages, ${t.files} files: ${t.callers} calls across files, ${t.missing} missing and ${t.extra} extra on demand; `
  + `parsed ${t.onDemand.parsed} vs ${t.whole.parsed}, analysed ${t.onDemand.analysed} vs ${t.whole.analysed}, ${t.onDemand.ms} vs ${t.whole.ms} ms`);
if (t.missing || t.extra) process.exitCode = 1;
