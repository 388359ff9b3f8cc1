// The fuzz test: random valid programs (generated from a grammar of what the detector reads, or mutations of
// generated programs and of this repository's fixtures) through every rule, the detector and both codemods. A
// seeded run of a few hundred programs here; `node bench/fuzz.mjs` runs 10,000 and more, with the corpus.
//
// The second half proves the harness can fail: broken rules, detectors and codemods put in the place of the real
// ones must each be reported with the program's seed and a smaller program that fails the same way.
import { fileURLToPath } from 'node:url';
import type { Rule } from 'eslint';
import { describe, expect, it } from 'vitest';
import { rewriteTrackers } from '../../codemods/registry.js';
import { rewriteTeardowns } from '../../codemods/teardown.js';
import plugin from '../../rules/index.js';
import { analyzeFile, type AnalysisInput } from '../../src/analysis/index.js';
import { parseFile } from '../../src/analysis/parse.js';
import { analyzeProject } from '../../src/analysis/project.js';
import { generateProgram, LANGUAGES, type Program } from '../../bench/fuzz-generate.mjs';
import { builtinSeeds, createChecker, programFor, runFuzz, signatureOf, type Crash, type FuzzDeps } from '../../bench/fuzz-harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const seeds = builtinSeeds(root);
const deps: FuzzDeps = { plugin, analyzeFile, analyzeProject, parseFile, rewriteTrackers, rewriteTeardowns };

/** The seeded run of npm test: programs SEED .. SEED + COUNT - 1. */
const SEED = 1;
const COUNT = 300;

/** A crash as the failure message shows it: enough to reproduce and to read without the JSON. */
const shown = (crash: Crash): string =>
  `${crash.stage}: ${crash.message}\n  seed ${crash.seed} (${crash.programs} programs; node bench/fuzz.mjs --seed ${crash.seed} --count 1)\n${crash.stack ?? ''}\n--- smallest program found:\n${crash.minimal ?? crash.program}`;

describe(`fuzz: ${COUNT} seeded programs through every rule, the detector and both codemods`, () => {
  it('finds every program valid, no crash, and codemod outputs that parse and stay put', () => {
    const result = runFuzz({ checker: createChecker(deps), seed: SEED, count: COUNT, seeds, minimiseLimits: { maxMs: 5_000 } });
    console.log(`fuzz: ${COUNT} programs in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.programsPerSecond.toFixed(1)}/s), `
      + `${result.totals.findings} findings, rewrites ${JSON.stringify(result.totals.rewrites)}, ${result.crashes.length} distinct crashes`);
    // A program that does not parse is a generator bug: it would test nothing.
    expect(result.invalid.map((p) => `seed ${p.seed} (${p.origin}, ${p.language}): ${p.parser}: ${p.message} at line ${p.line}`)).toEqual([]);
    expect(result.crashes.map(shown)).toEqual([]);

    // The run reaches what it is for: findings, suggestions, and both codemods rewriting, in every language.
    expect(Object.keys(result.languages).sort()).toEqual([...LANGUAGES].sort());
    expect(Object.keys(result.origins).sort()).toEqual(['grammar', 'mutated fixture', 'mutated grammar']);
    expect(result.totals.programsWithFindings).toBeGreaterThan(COUNT * 0.5);
    for (const id of ['no-per-request-listener', 'no-socket-remove-all-listeners', 'no-max-listeners-suppression']) {
      expect(result.totals.reports[`listener-leak/${id}`], id).toBeGreaterThan(10);
    }
    expect(result.totals.suggestions).toBeGreaterThan(20);
    expect(result.totals.rewrites.registry).toBeGreaterThan(10);
    expect(result.totals.rewrites.teardown).toBeGreaterThan(10);
    expect(result.totals.mutations).toBeGreaterThan(COUNT * 0.5);
    // About 30 s alone on the 2-core machine; far more when every test file runs at once, hence the limit.
  }, 300_000);

  it('writes every construct it is meant to, across 300 generated programs', () => {
    const text = Array.from({ length: 300 }, (_, i) => generateProgram(SEED + i).code).join('\n');
    const constructs: Record<string, RegExp> = {
      'http server': /\.createServer\(/,
      'net server': /net\d*\.createServer\(/,
      'https client with an agent': /\.(get|request)\([^)]*agent/,
      express: /from '(node:)?express'|require\('express'\)|from "express"/,
      koa: /new Koa\d*\(\)/,
      fastify: /\.addHook\(|\.route\(\{/,
      hapi: /\.server\(\{ port/,
      'NestJS decorators': /@(Get|Post|Put|Delete|Patch|All|Sse|MessagePattern|EventPattern|SubscribeMessage)\d*\(/,
      'parameter decorators': /@Req\d*\(\) /,
      setInterval: /setInterval\(/,
      'for...of': /for \(const \w+ of /,
      'tracker called with res.socket': /\w+\(\w*\.socket[,)]/,
      prependListener: /\.prependListener\(/,
      'off / removeListener': /\.(off|removeListener)\(/,
      removeAllListeners: /\.removeAllListeners\(/,
      setMaxListeners: /\.setMaxListeners\(/,
      addEventListener: /\.addEventListener\(/,
      'socket.setTimeout(ms, cb)': /\.setTimeout\(\d+, /,
      'connect(..., cb)': /\.(connect|createConnection)\([^)]*, (\(|function|async)/,
      WeakMap: /new WeakMap/,
      WeakSet: /new WeakSet/,
      'connect/disconnect class': /\n {0,4}(connect|reconnect|start|subscribe)\(\)[^\n]*\{[\s\S]*?\n {0,4}(disconnect|close|stop|destroy|dispose|unsubscribe)\(/,
      'private fields': /#\w+/,
      'optional chaining': /\?\.\w+\(|\?\.\(/,
      'computed member': /\[['"]on['"]\]\(|\[k\w+\]\(/,
      destructuring: /const \{ socket(: \w+)?(, \.\.\.\w+)? \} = /,
      'async/await': /await /,
      generators: /function\* |\*gen\(|yield /,
      using: /\busing \w+/,
      'await using': /await using /,
      JSX: /<(div|section|span|button|ul)[ >/]/,
      'TS generics': /<T( extends [^>]+)?( = [^>]+)?>/,
      'TS enum': /\benum \w+ \{/,
      'TS namespace': /\bnamespace \w+ \{/,
      'TS interface': /\binterface \w+/,
      'TS satisfies / as': /\bsatisfies\b|\bas unknown as\b/,
      'static block': /static \{/,
      'deep nesting': /(\{\n(?:[ \t]*[^\n]*\{\n){30})/,
    };
    const missing = Object.entries(constructs).filter(([, pattern]) => !pattern.test(text)).map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('makes the same program from the same seed, and a different one from the next', () => {
    const valid = () => true;
    for (const seed of [1, 77, 4096]) {
      expect(programFor(seed, { seeds, valid }).code).toBe(programFor(seed, { seeds, valid }).code);
      expect(generateProgram(seed).code).toBe(generateProgram(seed).code);
      expect(generateProgram(seed).code).not.toBe(generateProgram(seed + 1).code);
    }
  });
});

describe('the fuzz harness reports what goes wrong', () => {
  /** A copy of the plugin with one rule replaced. */
  const pluginWith = (id: string, rule: Rule.RuleModule): object => ({ ...plugin, rules: { ...plugin.rules, [id]: rule } });

  /** The first crash of a short run, which must exist and must come back from its seed. */
  function firstCrash(faulty: Partial<FuzzDeps>, count = 4, minimise = false): Crash {
    const checker = createChecker({ ...deps, ...faulty });
    const result = runFuzz({ checker, seed: 500, count, seeds, minimise, minimiseLimits: { maxMs: 15_000 } });
    const crash = result.crashes[0];
    if (!crash) throw new Error('no crash reported');
    expect(crash.seed).toBeGreaterThanOrEqual(500);
    expect(programFor(crash.seed, { seeds, valid: (code, filename, language) => checker.parseErrors(code, filename, language).length === 0 }).code).toBe(crash.program);
    return crash;
  }

  it('a rule that throws: the seed, the rule, and a smaller program that still makes it throw', () => {
    const throwsOnSetTimeout: Rule.RuleModule = {
      meta: { type: 'problem', schema: [] },
      create: () => ({
        'CallExpression[callee.property.name="on"]'() {
          throw new Error('fuzz self-test: a rule that throws on .on()');
        },
      }),
    };
    const crash = firstCrash({ plugin: pluginWith('no-max-listeners-suppression', throwsOnSetTimeout) }, 2, true);
    expect(crash.stage).toBe('rule');
    expect(crash.message).toContain('fuzz self-test');
    expect(crash.message).toContain('no-max-listeners-suppression');
    expect(crash.minimal).not.toBeNull();
    const minimal = crash.minimal ?? '';
    expect(minimal.length).toBeLessThan(crash.program.length / 2);
    expect(minimal).toMatch(/\.on\(/);
    // The smaller program fails the same way on its own.
    const again = createChecker({ ...deps, plugin: pluginWith('no-max-listeners-suppression', throwsOnSetTimeout) }).check({ ...programOf(crash), code: minimal });
    expect(again.failures.map(signatureOf)).toContain(crash.signature);
  });

  it('a suggestion whose edit does not parse', () => {
    const badSuggestion: Rule.RuleModule = {
      meta: { type: 'problem', schema: [], hasSuggestions: true, messages: { m: 'm', s: 's' } },
      create: (context) => ({
        'CallExpression[callee.property.name="on"]'(node: Rule.Node) {
          context.report({ node, messageId: 'm', suggest: [{ messageId: 's', fix: (fixer) => fixer.insertTextBefore(node, '(((') }] });
        },
      }),
    };
    const crash = firstCrash({ plugin: pluginWith('no-socket-remove-all-listeners', badSuggestion) });
    expect(crash.stage).toBe('suggestion');
    expect(crash.message).toMatch(/does not parse/);
  });

  it('a detector that throws', () => {
    const crash = firstCrash({
      analyzeFile: (input: AnalysisInput) => {
        if (input.text.includes('.on(')) throw new TypeError('fuzz self-test: analyzeFile');
        return analyzeFile(input);
      },
    });
    expect(crash.stage).toBe('detector');
    expect(crash.message).toContain('fuzz self-test: analyzeFile');
    expect(crash.stack).toContain('TypeError');
  });

  it('a codemod whose output does not parse', () => {
    const crash = firstCrash({ rewriteTrackers: (_path: string, source: string) => ({ output: `${source}\n}{`, trackers: [] }) });
    expect(crash.stage).toBe('codemod registry');
    expect(crash.message).toMatch(/^output does not parse/);
  });

  it('a codemod that changes its own output again', () => {
    const crash = firstCrash({ rewriteTeardowns: (_path: string, source: string) => ({ output: `${source}// again\n`, listeners: [] }) });
    expect(crash.stage).toBe('codemod teardown');
    expect(crash.message).toBe('a second run changes the output again');
  });

  it('a program that does not parse, as a generator bug, with the parser that refuses it', () => {
    const checker = createChecker(deps);
    const broken = { seed: 0, language: 'js', filename: 'program.js', origin: 'grammar', code: 'let a = 1;\nlet a = 2;\n' } as const;
    // espree refuses the redeclaration; typescript-estree leaves it to the type checker.
    expect(checker.check(broken).invalid).toMatchObject({ parser: 'espree', line: 2 });
    expect(checker.check({ ...broken, language: 'ts', filename: 'program.ts', code: 'const x = <T>(;' }).invalid).toMatchObject({ parser: 'typescript-eslint' });
  });
});

/** The program a crash came from, as the checker takes it. */
function programOf(crash: Crash): Program {
  return { seed: crash.seed, language: crash.language, filename: crash.filename, code: crash.program, origin: crash.origin };
}
