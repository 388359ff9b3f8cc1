// Runs everything listener-leak has on one program and says what went wrong: the three rules through ESLint's
// Linter (espree and typescript-eslint for JavaScript, typescript-eslint for TypeScript), each suggestion they
// offer applied, the standalone detector (analyzeFile, analyzeProject), and both codemods (registry, also with
// --unsafe, and teardown), whose output must parse and be left alone by a second run.
//
// The project's modules come in as `deps`, so vitest passes the TypeScript sources and bench/fuzz.mjs the build in
// dist/; the test also passes broken ones to prove a crash is reported. Generation is in fuzz-generate.mjs and
// fuzz-mutate.mjs; `programFor(seed)` here picks, from the seed alone, which of them makes program `seed`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { parse as parseTypeScript } from '@typescript-eslint/typescript-estree';
import { Linter } from 'eslint';
import * as espree from 'espree';
import { EXTENSIONS, generateProgram, hasJsx, isScript, isTypeScript, languageOf } from './fuzz-generate.mjs';
import { mutateProgram, parseForMutation, walkNodes } from './fuzz-mutate.mjs';
import { createRandom } from './fuzz-random.mjs';

export const RULE_IDS = ['no-per-request-listener', 'no-socket-remove-all-listeners', 'no-max-listeners-suppression'];

/** Where the detector and codemods are told the program lives (analyzeProject wants an absolute path). */
const DETECTOR_DIR = '/fuzz';

/** The parsers a program of this language is linted with: espree too for JavaScript. */
function languageOptionsFor(language) {
  const sourceType = isScript(language) ? 'commonjs' : 'module';
  const out = [];
  if (!isTypeScript(language)) {
    out.push({ parser: 'espree', options: { ecmaVersion: 'latest', sourceType, parserOptions: { ecmaFeatures: { jsx: hasJsx(language) } } } });
  }
  // typescript-eslint reads JSX in every JavaScript file and in .tsx, as the detector's own parse does.
  out.push({ parser: 'typescript-eslint', options: { parser: tsParser, sourceType, parserOptions: { ecmaFeatures: { jsx: !isTypeScript(language) || hasJsx(language) } } } });
  return out;
}

// Every extension the programs use. ESLint's flat config never counts the universal pattern (two stars, a slash,
// a star) as matching a file, so a config with only that lints .js files through the defaults and silently skips
// .ts, .tsx and .jsx.
const FILES = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];

/** Linter.verify, refusing the "No matching configuration" warning: a file it skips would pass every check. */
function verify(linter, code, config, filename) {
  const messages = linter.verify(code, [{ files: FILES, ...config }], filename);
  const skipped = messages.find((m) => !m.fatal && m.ruleId === null && /No matching configuration/.test(m.message));
  if (skipped) throw new Error(`fuzz harness: ESLint did not lint ${filename}: ${skipped.message}`);
  return messages;
}

/** An error's message on one line (ESLint adds the file and the rule on lines of their own). */
const firstLine = (error) => String(error?.message ?? error).split('\n').map((part) => part.trim()).filter(Boolean).join(' ').slice(0, 500);
const stackOf = (error) => String(error?.stack ?? error).split('\n').slice(0, 12).join('\n');

/** Suggestions applied and parsed per program: each costs a parse per parser, and they repeat one another. */
const MAX_SUGGESTIONS_CHECKED = 2;

/** Rule options a program may be linted with, picked by its seed: the defaults, or every option set. */
function ruleOptionsFor(seed) {
  const random = createRandom(seed ^ 0x51ed27);
  if (random.chance(0.6)) return [];
  return [{
    perRequestFunctions: random.shuffle(['handle', 'serve', 'onMessage', 'process']).slice(0, random.between(0, 3)),
    setupFunctions: random.shuffle(['boot', 'start', 'wire']).slice(0, random.between(0, 2)),
    longLivedReceivers: random.shuffle(['bus', 'this.ws', 'emitter', 'socket']).slice(0, random.between(0, 3)),
    ignoreEvents: random.shuffle(['error', 'data', 'SIGINT']).slice(0, random.between(0, 2)),
  }];
}

/**
 * The checks for one program. deps: { plugin, analyzeFile, analyzeProject, parseFile, rewriteTrackers, rewriteTeardowns }
 * (the modules of rules/index.ts, src/analysis/index.ts, src/analysis/project.ts, src/analysis/parse.ts,
 * codemods/registry.ts, codemods/teardown.ts).
 */
export function createChecker(deps) {
  const linter = new Linter({ configType: 'flat' });

  /**
   * Parse errors of each parser for this language ([] when every one parses it): espree (JavaScript only) and
   * typescript-estree, called directly with the options ESLint gives them. Through Linter.verify each check would
   * also pay for config normalisation and scope analysis, twice the time, and these checks run several times per
   * program (mutation steps, suggestions, codemod outputs); the lint itself still goes through Linter.verify.
   * `typescript: false` leaves typescript-estree out, for text that something else parses with it anyway.
   */
  function parseErrors(code, filename, language, { typescript = true } = {}) {
    const errors = [];
    if (!isTypeScript(language)) {
      try {
        espree.parse(code, { ecmaVersion: 'latest', sourceType: isScript(language) ? 'commonjs' : 'module', ecmaFeatures: { jsx: hasJsx(language) } });
      } catch (error) {
        errors.push({ parser: 'espree', message: firstLine(error), line: error.lineNumber ?? 0, column: error.column ?? 0 });
      }
    }
    if (!typescript) return errors;
    try {
      parseTypeScript(code, { jsx: !isTypeScript(language) || hasJsx(language), sourceType: isScript(language) ? 'script' : 'module', filePath: filename });
    } catch (error) {
      errors.push({ parser: 'typescript-eslint', message: firstLine(error), line: error.location?.start.line ?? 0, column: error.location?.start.column ?? 0 });
    }
    return errors;
  }

  function lint(program, stats, failures) {
    const rules = Object.fromEntries(RULE_IDS.map((id) => [`listener-leak/${id}`, 'error']));
    const options = ruleOptionsFor(program.seed);
    if (options.length) rules['listener-leak/no-per-request-listener'] = ['error', ...options];
    const plugins = { 'listener-leak': deps.plugin };
    const checkedFixes = new Set();
    // A JavaScript program goes through espree, and through typescript-eslint too for every other seed (the rules see
    // typescript-eslint's trees in every TypeScript program anyway; this halves what JavaScript programs cost).
    const parsers = languageOptionsFor(program.language).filter(({ parser }) => parser === 'espree' || isTypeScript(program.language) || program.seed % 2 === 0);
    for (const { parser, options: languageOptions } of parsers) {
      let messages;
      try {
        messages = verify(linter, program.code, { languageOptions, plugins, rules }, program.filename);
      } catch (error) {
        if (String(error?.message).startsWith('fuzz harness:')) throw error;
        // Linter.verify rethrows a rule's exception, naming the rule and the node it was at.
        failures.push({ stage: 'rule', parser, message: firstLine(error), stack: stackOf(error) });
        continue;
      }
      const fatal = messages.find((m) => m.fatal);
      if (fatal) return { parser, message: fatal.message, line: fatal.line, column: fatal.column };
      for (const message of messages) {
        // Only ours: a corpus file's disable comment for a rule not loaded here is reported too, under its name.
        if (!String(message.ruleId).startsWith('listener-leak/')) continue;
        stats.reports[message.ruleId] = (stats.reports[message.ruleId] ?? 0) + 1;
        for (const suggestion of message.suggestions ?? []) {
          const { range, text } = suggestion.fix;
          const key = `${range[0]}:${range[1]}:${text}`;
          // The same edit from the other parser's run, or past the few checked per program, is not parsed again.
          if (checkedFixes.has(key) || checkedFixes.size >= MAX_SUGGESTIONS_CHECKED) continue;
          checkedFixes.add(key);
          stats.suggestions++;
          const fixed = program.code.slice(0, range[0]) + text + program.code.slice(range[1]);
          const broken = parseErrors(fixed, program.filename, program.language);
          if (broken.length) {
            failures.push({
              stage: 'suggestion',
              parser: broken[0].parser,
              message: `${message.ruleId} suggestion "${suggestion.desc}" gives code that does not parse: ${broken[0].message}`,
              output: fixed,
            });
          }
        }
      }
    }
    return null;
  }

  function detect(program, stats, failures) {
    const file = `${DETECTOR_DIR}/${program.filename}`;
    let input;
    try {
      input = deps.parseFile(file, program.code);
    } catch (error) {
      failures.push({ stage: 'detector', message: `parseFile: ${firstLine(error)}`, stack: stackOf(error) });
      return;
    }
    const runs = [
      ['analyzeFile', () => deps.analyzeFile(input)],
      ['analyzeFile (options)', () => deps.analyzeFile(input, { perRequestFunctions: ['handle'], longLivedReceivers: ['bus', 'this.ws'], ignoreEvents: ['data'], setupFunctions: ['boot'] })],
      ['analyzeFile (every file)', () => deps.analyzeFile(input, {}, true)],
    ];
    for (const [name, run] of runs) {
      try {
        const { findings } = run();
        // Read what the rules and the scan read of each finding.
        for (const finding of findings) void [finding.kind, finding.data, finding.evidence.length, finding.suggestions.length, finding.node.range];
        if (name === 'analyzeFile') stats.findings += findings.length;
      } catch (error) {
        failures.push({ stage: 'detector', message: `${name}: ${firstLine(error)}`, stack: stackOf(error) });
      }
    }
    try {
      const project = deps.analyzeProject([{ path: file, text: program.code }]);
      if (project.errors.length) failures.push({ stage: 'detector', message: `analyzeProject says the file does not parse: ${project.errors[0].message}` });
    } catch (error) {
      failures.push({ stage: 'detector', message: `analyzeProject: ${firstLine(error)}`, stack: stackOf(error) });
    }
  }

  function codemods(program, stats, failures) {
    const file = `${DETECTOR_DIR}/${program.filename}`;
    const transforms = [
      ['registry', (code) => deps.rewriteTrackers(file, code), 'trackers'],
      ['registry --unsafe', (code) => deps.rewriteTrackers(file, code, { unsafe: true }), 'trackers'],
      ['teardown', (code) => deps.rewriteTeardowns(file, code), 'listeners'],
    ];
    // --unsafe differs only where the plain run left a tracker alone for a per-call value (its reason names --unsafe).
    let needsUnsafe = true;
    for (const [name, transform, list] of transforms) {
      if (name === 'registry --unsafe' && !needsUnsafe) continue;
      let first;
      try {
        first = transform(program.code);
      } catch (error) {
        failures.push({ stage: `codemod ${name}`, message: firstLine(error), stack: stackOf(error) });
        continue;
      }
      const rewritten = first[list].filter((outcome) => outcome.status === 'rewritten').length;
      if (name === 'registry') needsUnsafe = first.trackers.some((outcome) => outcome.status === 'left-alone' && /--unsafe/.test(outcome.reason ?? ''));
      if (first.output === null) {
        if (rewritten > 0) failures.push({ stage: `codemod ${name}`, message: `reports ${rewritten} rewritten but returns no output` });
        continue;
      }
      stats.rewrites[name] = (stats.rewrites[name] ?? 0) + rewritten;
      stats.outputs++;
      // espree here; typescript-estree in the second run, which parses the output first (as the detector does).
      const broken = parseErrors(first.output, program.filename, program.language, { typescript: false });
      if (broken.length) {
        failures.push({ stage: `codemod ${name}`, parser: broken[0].parser, message: `output does not parse: ${broken[0].message} (line ${broken[0].line})`, output: first.output });
        continue;
      }
      let second;
      try {
        second = transform(first.output);
      } catch (error) {
        const unparsed = error?.name === 'ParseError' || parseErrors(first.output, program.filename, program.language).length > 0;
        failures.push(unparsed
          ? { stage: `codemod ${name}`, parser: 'typescript-eslint', message: `output does not parse: ${firstLine(error)}`, output: first.output }
          : { stage: `codemod ${name}`, message: `second run throws: ${firstLine(error)}`, stack: stackOf(error), output: first.output });
        continue;
      }
      if (second.output !== null) {
        failures.push({ stage: `codemod ${name}`, message: 'a second run changes the output again', output: first.output, secondOutput: second.output });
      }
    }
  }

  /**
   * Every check on one program: `{ invalid, failures, stats }`. `invalid` (a parse error of espree or
   * typescript-eslint) means the generator made a program that is not valid: a bug of the generator, not of
   * listener-leak, and nothing else is run on it. `only` ('lint', 'detector' or 'codemods') runs one part.
   */
  function check(program, { only = null } = {}) {
    const stats = { reports: {}, suggestions: 0, findings: 0, rewrites: {}, outputs: 0 };
    const failures = [];
    if (only === null || only === 'lint') {
      const invalid = lint(program, stats, failures);
      if (invalid) return { invalid, failures: [], stats };
    }
    if (only === null || only === 'detector') detect(program, stats, failures);
    if (only === null || only === 'codemods') codemods(program, stats, failures);
    return { invalid: null, failures, stats };
  }

  return { check, parseErrors };
}

/** What makes two failures the same bug: where, which parser, and the message without its numbers and names. */
export function signatureOf(failure) {
  const message = failure.message.replace(/\d+/g, 'N').replace(/(['"`]).*?\1/g, '$1…$1');
  return `${failure.stage}|${failure.parser ?? ''}|${message}`;
}

// ---- where programs come from ----

/** The repository's own inputs that mutations start from: the codemod fixtures and the example service. */
export function builtinSeeds(root) {
  const seeds = [];
  const add = (file) => {
    const name = path.basename(file);
    if (!/\.[cm]?[jt]sx?$/.test(name) || name.endsWith('.d.ts')) return;
    seeds.push({ name: path.relative(root, file), language: languageOf(name), code: readFileSync(file, 'utf8') });
  };
  const walkDir = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walkDir(full);
      else if (entry.name.includes('.input.') || dir.includes(`examples${path.sep}`)) add(full);
    }
  };
  walkDir(path.join(root, 'test', 'codemods', 'fixtures'));
  walkDir(path.join(root, 'examples', 'rpc-service', 'src'));
  return seeds;
}

/**
 * Program `seed`: generated from the grammar (half of them), a generated program mutated, a repository fixture
 * mutated, or a corpus file mutated. The choice depends on the seed alone; when the corpus is not given (in CI)
 * the corpus share falls back to fixtures, so only those seeds differ between a machine with the corpus and one
 * without. `corpus` entries: `{ name, language, load() }`. `valid(code, filename, language)` says whether every parser
 * takes a text; `validOther`, whether the parsers other than typescript-estree do (each mutation step is parsed with
 * it already).
 */
export function programFor(seed, { seeds, corpus = [], valid, validOther = valid }) {
  const random = createRandom(seed ^ 0x2d1b5a49);
  let origin = random.weighted([[5, 'grammar'], [2.5, 'mutated grammar'], [1.5, 'mutated fixture'], [1, 'mutated corpus']]);
  if (origin === 'grammar') return generateProgram(seed);
  let base;
  if (origin === 'mutated grammar') base = generateProgram(seed);
  if (origin === 'mutated corpus' && corpus.length === 0) origin = 'mutated fixture';
  if (origin === 'mutated corpus') {
    // A corpus file that does not parse as it is (a few use syntax one parser lacks) is passed over for the next one.
    const startAt = random.int(corpus.length);
    for (let i = 0; i < 5 && !base; i++) {
      const entry = corpus[(startAt + i) % corpus.length];
      const code = entry.load();
      if (valid(code, `program${EXTENSIONS[entry.language]}`, entry.language)) base = { language: entry.language, code, name: entry.name };
    }
    if (!base) origin = 'mutated fixture';
  }
  if (origin === 'mutated fixture') {
    const entry = seeds[random.int(seeds.length)];
    base = { language: entry.language, code: entry.code, name: entry.name };
  }
  const mutated = mutateProgram({ seed, language: base.language, code: base.code }, random, { valid: validOther });
  return { ...mutated, origin, base: base.name ?? `grammar seed ${seed}` };
}

// ---- minimising a failing program ----

/** Ranges that can go from a program without breaking its syntax: statements, class members, object properties. */
function removableRanges(code, language) {
  const parsed = parseForMutation(code, language);
  if (!parsed) return [];
  const ranges = [];
  for (const node of walkNodes(parsed.ast).nodes) {
    const list = node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock' || node.type === 'ClassBody' || node.type === 'TSModuleBlock' ? node.body
      : node.type === 'SwitchCase' ? node.consequent
        : node.type === 'ObjectExpression' ? node.properties
          : node.type === 'ArrayExpression' ? node.elements.filter(Boolean)
            : null;
    if (!list) continue;
    for (const item of list) {
      let end = item.range[1];
      const comma = /^\s*,/.exec(code.slice(end));
      if ((node.type === 'ObjectExpression' || node.type === 'ArrayExpression') && comma) end += comma[0].length;
      ranges.push([item.range[0], end]);
    }
  }
  return ranges.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
}

/** The part of the checks a failure comes from, which is all the minimiser needs to run again. */
const partOf = (stage) => (stage === 'rule' || stage === 'suggestion' ? 'lint' : stage === 'detector' ? 'detector' : 'codemods');

/**
 * The smallest program this finds that still fails the same way: drops statements, members and properties one at
 * a time, biggest first, keeping each removal after which the program still parses and still fails alike.
 */
export function minimize(program, failure, checker, { maxChecks = 300, maxMs = 30_000 } = {}) {
  const wanted = signatureOf(failure);
  const started = Date.now();
  let code = program.code;
  let checks = 0;
  let progress = true;
  while (progress && checks < maxChecks && Date.now() - started < maxMs) {
    progress = false;
    for (const [start, end] of removableRanges(code, program.language)) {
      if (checks >= maxChecks || Date.now() - started >= maxMs) break;
      const candidate = code.slice(0, start) + code.slice(end);
      if (checker.parseErrors(candidate, program.filename, program.language).length) continue;
      checks++;
      const result = checker.check({ ...program, code: candidate }, { only: partOf(failure.stage) });
      if (result.failures.some((f) => signatureOf(f) === wanted)) {
        code = candidate;
        progress = true;
        break;
      }
    }
  }
  // Without the blank lines the removals left, if it still fails so (a template literal may span them).
  const tidy = code.split('\n').filter((line) => line.trim() !== '').join('\n').concat('\n');
  if (tidy === code || checker.parseErrors(tidy, program.filename, program.language).length) return code;
  const again = checker.check({ ...program, code: tidy }, { only: partOf(failure.stage) });
  return again.failures.some((f) => signatureOf(f) === wanted) ? tidy : code;
}

// ---- a run ----

/**
 * Checks programs seed .. seed + count - 1. Returns the figures of the run and every distinct failure (by
 * signatureOf) with the first seed that showed it, how many programs did, the program and, when `minimise` is
 * on, a smaller program that fails the same way. `invalid` lists programs that did not parse: generator bugs.
 */
export function runFuzz({ checker, seed = 1, count = 100, seeds, corpus = [], minimise = true, minimiseLimits, onProgress }) {
  const started = performance.now();
  const valid = (code, filename, language) => checker.parseErrors(code, filename, language).length === 0;
  const validOther = (code, filename, language) => checker.parseErrors(code, filename, language, { typescript: false }).length === 0;
  const failures = new Map();
  const invalid = [];
  const origins = {};
  const languages = {};
  const totals = { reports: {}, suggestions: 0, findings: 0, programsWithFindings: 0, crashedPrograms: 0, rewrites: {}, outputs: 0, bytes: 0, lines: 0, mutations: 0, rejectedMutations: 0 };
  for (let i = 0; i < count; i++) {
    const programSeed = seed + i;
    const program = programFor(programSeed, { seeds, corpus, valid, validOther });
    origins[program.origin] = (origins[program.origin] ?? 0) + 1;
    languages[program.language] = (languages[program.language] ?? 0) + 1;
    totals.bytes += program.code.length;
    totals.lines += program.code.split('\n').length;
    totals.mutations += program.mutations?.length ?? 0;
    totals.rejectedMutations += program.rejected?.length ?? 0;
    const result = checker.check(program);
    if (result.invalid) {
      invalid.push({ seed: programSeed, origin: program.origin, language: program.language, ...result.invalid, program: program.code });
    }
    for (const [id, n] of Object.entries(result.stats.reports)) totals.reports[id] = (totals.reports[id] ?? 0) + n;
    for (const [id, n] of Object.entries(result.stats.rewrites)) totals.rewrites[id] = (totals.rewrites[id] ?? 0) + n;
    totals.suggestions += result.stats.suggestions;
    totals.findings += result.stats.findings;
    totals.outputs += result.stats.outputs;
    if (result.stats.findings > 0) totals.programsWithFindings++;
    if (result.failures.length > 0) totals.crashedPrograms++;
    const counted = new Set();
    for (const failure of result.failures) {
      const signature = signatureOf(failure);
      // One program failing one way twice (two suggestions, say) is counted once.
      if (counted.has(signature)) continue;
      counted.add(signature);
      const known = failures.get(signature);
      if (known) {
        known.programs++;
        if (known.seeds.length < 10) known.seeds.push(programSeed);
        continue;
      }
      failures.set(signature, {
        ...failure,
        signature,
        seed: programSeed,
        seeds: [programSeed],
        programs: 1,
        origin: program.origin,
        base: program.base,
        mutations: program.mutations,
        language: program.language,
        filename: program.filename,
        program: program.code,
        minimal: minimise ? minimize(program, failure, checker, minimiseLimits) : null,
      });
    }
    onProgress?.(i + 1, failures.size, invalid.length);
  }
  const elapsedMs = performance.now() - started;
  return {
    seed,
    count,
    elapsedMs,
    programsPerSecond: count / (elapsedMs / 1000),
    origins,
    languages,
    totals,
    crashes: [...failures.values()],
    invalid,
  };
}
