// The flat configs the benchmark compares, built in one place so corpus-report.mjs and perf.mjs lint
// with exactly the same parser, language options and rule settings.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as parser from '@typescript-eslint/parser';
import plugin from '../dist/rules/index.js';
import { CORPUS_DIR } from './corpus-files.mjs';

export { parser, plugin };

export const RULE_ID = 'listener-leak/no-per-request-listener';

/** The language options every config uses; only sourceType differs per file. */
export function languageOptions(sourceType) {
  return { parser, ecmaVersion: 'latest', sourceType };
}

// eslint-plugin-listeners is CommonJS and installed in the corpus folder, not in the root package.
// Its `configs.recommended` is an eslintrc preset (`plugins: ['listeners']`, a string array) that flat
// config rejects; the flat preset is `configs['flat/recommended']`, an array of one config object
// `{ plugins: { listeners }, rules }` with no `files`. We spread that array after our base object, so its
// three rules apply to every file the base object matches (including .ts, which flat config's defaults
// would not match). Nothing else is changed.
const requireFromCorpus = createRequire(path.join(CORPUS_DIR, 'package.json'));
export const competitor = requireFromCorpus('eslint-plugin-listeners');
export const competitorVersion = requireFromCorpus('eslint-plugin-listeners/package.json').version;
export const competitorRecommended = competitor.configs['flat/recommended'];
if (!Array.isArray(competitorRecommended) || competitorRecommended.length === 0) {
  throw new Error("eslint-plugin-listeners no longer exports configs['flat/recommended'] as an array: adapt bench/lint-config.mjs");
}

// Flat config lints only files matched by a pattern more specific than `**/*` (that one alone matches
// nothing on its own), and its defaults cover only .js/.mjs/.cjs: list the TypeScript extensions too.
export const SOURCE_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.ts', '**/*.mts', '**/*.cts'];

// The corpus lives under node_modules/, which flat config ignores by default; a global ignores object
// that un-ignores it must come last.
const UNIGNORE_NODE_MODULES = { name: 'bench/unignore-corpus', ignores: ['!**/node_modules/'] };

/** The configurations measured side by side, by key, for one sourceType. */
export function benchConfigs(sourceType) {
  const base = { name: 'bench/language', files: SOURCE_FILES, languageOptions: languageOptions(sourceType) };
  return {
    parse: [base, UNIGNORE_NODE_MODULES],
    ours: [{ ...base, plugins: { 'listener-leak': plugin }, rules: { [RULE_ID]: 'error' } }, UNIGNORE_NODE_MODULES],
    competitor: [base, ...competitorRecommended, UNIGNORE_NODE_MODULES],
  };
}

// Linter#verify normalizes a plain config array on every call (0.3 ms or so, about 5% of parse-only time on
// this corpus, and more for a config with more rules to validate), which an ESLint run does once. So the benchmarks
// normalize each config once, up front, with ESLint's own FlatConfigArray (verify takes one as is). That class is
// internal and not exported: it is found by path, and if it has moved, plain arrays are used and the results say so.
const requireFromHere = createRequire(import.meta.url);
const flatConfigArrayPath = path.join(path.dirname(requireFromHere.resolve('eslint')), 'config', 'flat-config-array.js');
const FlatConfigArray = existsSync(flatConfigArrayPath) ? requireFromHere(flatConfigArrayPath).FlatConfigArray : undefined;

/** Whether prepareConfigs normalizes (false: ESLint moved FlatConfigArray, and every verify call normalizes again). */
export const CONFIGS_NORMALIZED_ONCE = Boolean(FlatConfigArray);

/** A config array normalized once, as an ESLint run would, for Linter#verify to take as is. */
function prepareConfig(config) {
  if (!FlatConfigArray) return config;
  const array = new FlatConfigArray(config, { basePath: CORPUS_DIR });
  array.normalizeSync();
  return array;
}

/** Configs by key (benchConfigs' shape), each normalized once by prepareConfig. */
export function prepareConfigs(configs) {
  return Object.fromEntries(Object.entries(configs).map(([key, config]) => [key, prepareConfig(config)]));
}

/** The verify options every benchmark lints with (the linter is made with `cwd: CORPUS_DIR`). */
export const VERIFY_OPTIONS = { allowInlineConfig: false };

export const CONFIG_LABELS = {
  parse: 'parse only (no rules)',
  ours: `${RULE_ID} alone`,
  competitor: `eslint-plugin-listeners@${competitorVersion} flat/recommended`,
};
