// Time spent inside the rules themselves (what ESLint's TIMING=1 reports), ours against
// eslint-plugin-listeners', over the whole corpus in one process. Whole-lint ratios (perf.mjs) carry
// parse and traversal noise of a few percent; this isolates the part each plugin adds. Every listener and
// create() call of each rule is wrapped with a clock; rounds alternate the two plugins. Besides each round's total, it
// keeps each file's least time over the rounds, by part (create(), the listeners called during the traversal,
// Program:exit): the sum of those minimums is the nearest the rounds come to the plugin's CPU cost without garbage
// collection or other noise inside it.
//   npm run build && node --expose-gc bench/rule-time.mjs [--rounds N]
import { readFileSync, writeFileSync } from 'node:fs';
import { Linter } from 'eslint';
import { listCorpusFiles } from './corpus-files.mjs';
import { competitor, competitorRecommended, competitorVersion, languageOptions, plugin, RULE_ID, SOURCE_FILES } from './lint-config.mjs';
import { machineSummary, median, timedPlugin } from './measure.mjs';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;

const PARTS = ['create', 'nodes', 'exit'];
const newParts = () => Object.fromEntries(PARTS.map((part) => [part, 0]));
const oursClock = { ms: 0, parts: newParts() };
const theirsClock = { ms: 0, parts: newParts() };
const ours = timedPlugin(plugin, oursClock);
const theirs = timedPlugin(competitor, theirsClock);
const competitorRules = Object.assign({}, ...competitorRecommended.map((config) => config.rules ?? {}));
const unignore = { ignores: ['!**/node_modules/'] };

function configsFor(sourceType) {
  const base = { files: SOURCE_FILES, languageOptions: languageOptions(sourceType) };
  return {
    ours: [{ ...base, plugins: { 'listener-leak': ours }, rules: { [RULE_ID]: 'error' } }, unignore],
    theirs: [{ ...base, plugins: { listeners: theirs }, rules: competitorRules }, unignore],
  };
}

const files = listCorpusFiles().map((file) => ({ ...file, text: readFileSync(file.path, 'utf8') }));
const configs = { module: configsFor('module'), commonjs: configsFor('commonjs'), script: configsFor('script') };
const linter = new Linter({ configType: 'flat' });
const rounds = { ours: [], theirs: [] };
/** Each file's least time by part over the rounds, by plugin. */
const unmeasured = () => Object.fromEntries(PARTS.map((part) => [part, Infinity]));
const fileMinimums = { ours: files.map(unmeasured), theirs: files.map(unmeasured) };
for (let round = 0; round <= ROUNDS; round++) {
  for (const key of round % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours']) {
    const clock = key === 'ours' ? oursClock : theirsClock;
    clock.ms = 0;
    globalThis.gc?.();
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      clock.parts = newParts();
      linter.verify(file.text, configs[file.sourceType][key], file.path);
      if (round === 0) continue; // round 0 warms up
      const least = fileMinimums[key][i];
      for (const part of PARTS) least[part] = Math.min(least[part], clock.parts[part]);
    }
    if (round > 0) rounds[key].push(clock.ms);
  }
}
/** The sums of the files' least times, by part and in all. */
const minimumSums = (key) => {
  const sums = newParts();
  for (const least of fileMinimums[key]) for (const part of PARTS) sums[part] += least[part];
  const rounded = Object.fromEntries(PARTS.map((part) => [part, Math.round(sums[part] * 10) / 10]));
  return { ...rounded, total: Math.round(PARTS.reduce((sum, part) => sum + sums[part], 0) * 10) / 10 };
};
const result = {
  date: new Date().toISOString(),
  machine: machineSummary(),
  command: 'npm run build && node --expose-gc bench/rule-time.mjs',
  files: files.length,
  rounds: ROUNDS,
  oursMs: median(rounds.ours),
  theirsMs: median(rounds.theirs),
  oursRounds: rounds.ours.map((ms) => Math.round(ms)),
  theirsRounds: rounds.theirs.map((ms) => Math.round(ms)),
  competitor: `eslint-plugin-listeners@${competitorVersion}`,
  oursFileMinimums: minimumSums('ours'),
  theirsFileMinimums: minimumSums('theirs'),
};
result.ratio = result.oursMs / result.theirsMs;
result.fileMinimumsRatio = result.oursFileMinimums.total / result.theirsFileMinimums.total;
console.log(`rule time over ${files.length} files, median of ${ROUNDS} rounds: ours ${result.oursMs.toFixed(0)} ms, `
  + `${result.competitor} ${result.theirsMs.toFixed(0)} ms, ratio ${result.ratio.toFixed(2)}`);
console.log(`sums of per-file minimums: ours ${JSON.stringify(result.oursFileMinimums)}, theirs ${JSON.stringify(result.theirsFileMinimums)}, `
  + `ratio ${result.fileMinimumsRatio.toFixed(2)}`);
writeFileSync(new URL('./rule-time-results.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
