// Where no-per-request-listener's cost over the corpus goes, against eslint-plugin-listeners': issue 2's second cost
// target (our rule costs no more than their recommended config) in parts. In one process, interleaved file by file:
//  - the files our text filter lets through (`mayRegisterText`) are linted with parse only, a rule whose one
//    CallExpression listener does nothing (what any rule pays for ESLint to call it), our rule's node collectors alone
//    (the listeners that gather the nodes the detector indexes and fill its tables, with no analysis), our rule, and
//    eslint-plugin-listeners;
//  - the other files with parse only, our rule (the text filter, then nothing) and eslint-plugin-listeners;
//  - and the detector's phases on the filtered files, by what the file turns out to hold.
// Costs are sums of per-file minimums over the rounds (the least noisy figure on a shared machine).
//
//   npm run build && node --expose-gc bench/rule-cost-breakdown.mjs [--rounds N]
import { readFileSync, writeFileSync } from 'node:fs';
import { Linter } from 'eslint';
import { CORPUS_DIR, listCorpusFiles } from './corpus-files.mjs';
import { benchConfigs, competitorVersion, CONFIGS_NORMALIZED_ONCE, prepareConfigs, VERIFY_OPTIONS } from './lint-config.mjs';
import { machineSummary } from './measure.mjs';
import { PHASES, ruleCostBreakdownMarkdown } from './rule-cost-breakdown-markdown.mjs';
import { indexedNodeCollector } from '../dist/rules/utils/detector-rule.js';
import { mayRegisterText } from '../dist/src/analysis/index.js';
import { fileIndexOf } from '../dist/src/analysis/file-index.js';
import { callGraphOf } from '../dist/src/analysis/call-graph.js';
import { buildRepeatingContexts } from '../dist/src/analysis/repeating-contexts.js';
import { buildReceivers } from '../dist/src/analysis/receivers.js';
import { buildPairingFinder } from '../dist/src/analysis/pairing.js';
import { findReconnectsAfterTeardown } from '../dist/src/analysis/teardown-reconnects.js';
import { DEFAULT_SETUP_FUNCTIONS } from '../dist/src/analysis/vocabulary.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 4;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds takes a positive integer');

/** The nodes a lint hands to the collectors, and the tree, for the phase timing: kept by the `capture` rule. */
let captured = null;
const probes = {
  rules: {
    'call-listener': { create: () => ({ CallExpression() {} }) },
    collectors: {
      create(context) {
        const { listeners } = indexedNodeCollector(context.sourceCode);
        return { ...listeners, 'Program:exit'() {} };
      },
    },
    capture: {
      create(context) {
        const { listeners, nodes } = indexedNodeCollector(context.sourceCode);
        return { ...listeners, 'Program:exit': (ast) => { captured = { ast, scopeManager: context.sourceCode.scopeManager, text: context.sourceCode.text, indexedNodes: nodes }; } };
      },
    },
  },
};
const configsBySourceType = new Map();
/**
 * perf.mjs's configurations (parse only, ours, eslint-plugin-listeners), and the probes on the same language options,
 * each normalized once as perf.mjs does: normalizing on every verify call would charge each configuration for
 * validating its own rules' options, more for the competitor's three rules than for our one.
 */
function configsFor(sourceType) {
  if (!configsBySourceType.has(sourceType)) {
    const configs = benchConfigs(sourceType);
    const [base, ...rest] = configs.parse;
    const probe = (rule) => [{ ...base, plugins: { probe: probes }, rules: { [`probe/${rule}`]: 'error' } }, ...rest];
    const plain = { ...configs, 'call-listener': probe('call-listener'), collectors: probe('collectors'), capture: probe('capture') };
    configsBySourceType.set(sourceType, prepareConfigs(plain));
  }
  return configsBySourceType.get(sourceType);
}
const FILTERED_KEYS = ['parse', 'call-listener', 'collectors', 'ours', 'competitor'];
const OTHER_KEYS = ['parse', 'ours', 'competitor'];

const files = listCorpusFiles().map((file) => ({ ...file, text: readFileSync(file.path, 'utf8') }));
for (const file of files) file.filtered = mayRegisterText(file.text);
const linter = new Linter({ configType: 'flat', cwd: CORPUS_DIR });
const lint = (file, key) => linter.verify(file.text, configsFor(file.sourceType)[key], { ...VERIFY_OPTIONS, filename: file.path });

// 1. Lint time per configuration, interleaved file by file in rotating order; round 0 warms up.
const minimums = files.map((file) => Object.fromEntries((file.filtered ? FILTERED_KEYS : OTHER_KEYS).map((key) => [key, Infinity])));
for (let round = 0; round <= ROUNDS; round++) {
  globalThis.gc?.();
  files.forEach((file, i) => {
    const keys = file.filtered ? FILTERED_KEYS : OTHER_KEYS;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[(k + i + round) % keys.length];
      const start = performance.now();
      lint(file, key);
      const ms = performance.now() - start;
      if (round > 0 && ms < minimums[i][key]) minimums[i][key] = ms;
    }
  });
}
const sumOf = (filtered, key) => minimums.reduce((sum, m, i) => sum + (files[i].filtered === filtered ? m[key] : 0), 0);
const added = (filtered, keys) => Object.fromEntries(keys.filter((key) => key !== 'parse').map((key) => [key, sumOf(filtered, key) - sumOf(filtered, 'parse')]));

// 2. The detector's phases on the filtered files, each timed right after that file's lint, by what the file holds.
const options = { perRequestFunctions: new Set(), externalCallers: [], setupFunctions: new Set(DEFAULT_SETUP_FUNCTIONS) };
const filtered = files.filter((file) => file.filtered);
const phaseMinimums = filtered.map(() => Object.fromEntries(PHASES.map((phase) => [phase, Infinity])));
const kinds = new Array(filtered.length).fill('no registration-like call');
for (let round = 0; round < ROUNDS; round++) {
  globalThis.gc?.();
  filtered.forEach((file, i) => {
    // Timed right after the file's own lint, as the rule runs them: its tree is as fresh in memory as the rule finds it.
    captured = null;
    lint(file, 'capture');
    const input = captured;
    if (!input || !input.indexedNodes.mayRegister) return;
    let last = performance.now();
    const lap = (phase) => {
      const now = performance.now();
      phaseMinimums[i][phase] = Math.min(phaseMinimums[i][phase], now - last);
      last = now;
    };
    const index = fileIndexOf(input);
    lap('index');
    if (index.registrations.length === 0) {
      kinds[i] = 'no registration';
      return;
    }
    const graph = callGraphOf(index);
    lap('graph');
    const contexts = buildRepeatingContexts(index, graph, options);
    lap('contexts');
    const receivers = buildReceivers(index, graph, contexts, { longLivedReceivers: new Set(), externalCallers: [] });
    lap('receivers');
    // As runAnalysis does: the finder is built for the first registration that repeats on a long-lived receiver, and
    // that build is the pairing phase; the rest of the loop is the findings phase.
    let pairing = null;
    let pairingMs = 0;
    let repeats = false;
    for (const registration of index.registrations) {
      const frame = contexts.frameOf(registration.call);
      if (!frame) continue;
      repeats = true;
      if (receivers.lifetimeOf(registration.receiver, frame, registration.call).kind !== 'long-lived') continue;
      if (!pairing) {
        const start = performance.now();
        pairing = buildPairingFinder(index, graph, contexts, receivers);
        pairingMs = performance.now() - start;
      }
      pairing.pairingOf(registration, frame);
    }
    last += pairingMs;
    lap('findings');
    phaseMinimums[i].pairing = Math.min(phaseMinimums[i].pairing, pairingMs);
    findReconnectsAfterTeardown(index, graph, contexts);
    lap('reconnects');
    kinds[i] = repeats ? 'a registration that repeats' : 'no registration that repeats';
  });
}
const phases = {};
for (const kind of new Set(kinds)) {
  const members = kinds.flatMap((k, i) => (k === kind ? [i] : []));
  const row = { files: members.length };
  for (const phase of PHASES) {
    const sum = members.reduce((total, i) => total + (Number.isFinite(phaseMinimums[i][phase]) ? phaseMinimums[i][phase] : 0), 0);
    if (sum > 0) row[phase] = Math.round(sum * 10) / 10;
  }
  row.total = Math.round(PHASES.reduce((total, phase) => total + (row[phase] ?? 0), 0) * 10) / 10;
  phases[kind] = row;
}

const round = (values) => Object.fromEntries(Object.entries(values).map(([key, ms]) => [key, Math.round(ms)]));
const result = {
  date: new Date().toISOString(),
  machine: machineSummary(),
  command: 'npm run build && node --expose-gc bench/rule-cost-breakdown.mjs',
  rounds: ROUNDS,
  configsNormalizedOnce: CONFIGS_NORMALIZED_ONCE,
  competitor: `eslint-plugin-listeners@${competitorVersion}`,
  filteredFiles: filtered.length,
  otherFiles: files.length - filtered.length,
  addedOverParseFiltered: round(added(true, FILTERED_KEYS)),
  addedOverParseOther: round(added(false, OTHER_KEYS)),
  phases,
};
writeFileSync(new URL('./rule-cost-breakdown-results.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);

console.log(ruleCostBreakdownMarkdown(result).join('\n'));
