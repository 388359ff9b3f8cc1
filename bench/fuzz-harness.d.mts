// Types of fuzz-harness.mjs for the TypeScript test (test/fuzz/fuzz.test.ts); bench/fuzz.mjs uses the module as plain JavaScript.
import type { Language, Program } from './fuzz-generate.mjs';

export declare const RULE_IDS: readonly string[];

/**
 * The project's modules the checks run. Methods (not function properties) so that the real ones, whose
 * parameters are narrower than these, are accepted.
 */
export interface FuzzDeps {
  /** An ESLint plugin whose rules include RULE_IDS. */
  readonly plugin: object;
  parseFile(path: string, text: string): unknown;
  analyzeFile(input: never, options?: object, everyFile?: boolean): { readonly findings: readonly object[] };
  analyzeProject(files: readonly { readonly path: string; readonly text: string }[]): { readonly errors: readonly { readonly message: string }[] };
  rewriteTrackers(path: string, source: string, options?: { readonly unsafe?: boolean }): { readonly output: string | null; readonly trackers: readonly { readonly status: string }[] };
  rewriteTeardowns(path: string, source: string): { readonly output: string | null; readonly listeners: readonly { readonly status: string }[] };
}

export interface ParseProblem {
  readonly parser: 'espree' | 'typescript-eslint';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface Failure {
  /** `rule`, `suggestion`, `detector`, `codemod registry`, `codemod registry --unsafe`, `codemod teardown`. */
  readonly stage: string;
  readonly parser?: string;
  readonly message: string;
  readonly stack?: string;
  /** A codemod's or suggestion's output that fails. */
  readonly output?: string;
  readonly secondOutput?: string;
}

export interface CheckStats {
  readonly reports: Readonly<Record<string, number>>;
  readonly suggestions: number;
  readonly findings: number;
  readonly rewrites: Readonly<Record<string, number>>;
  readonly outputs: number;
}

export interface CheckResult {
  readonly invalid: ParseProblem | null;
  readonly failures: readonly Failure[];
  readonly stats: CheckStats;
}

export interface Checker {
  /** Every check, or one part of them. */
  check(program: Program, options?: { readonly only?: 'lint' | 'detector' | 'codemods' | null }): CheckResult;
  /** `typescript: false` leaves typescript-estree out (espree alone, for JavaScript). */
  parseErrors(code: string, filename: string, language: Language, options?: { readonly typescript?: boolean }): ParseProblem[];
}

export declare function createChecker(deps: FuzzDeps): Checker;
export declare function signatureOf(failure: Failure): string;

export interface Seed {
  readonly name: string;
  readonly language: Language;
  readonly code: string;
}
export interface CorpusEntry {
  readonly name: string;
  readonly language: Language;
  load(): string;
}

export declare function builtinSeeds(root: string): Seed[];

export declare function programFor(
  seed: number,
  sources: {
    readonly seeds: readonly Seed[];
    readonly corpus?: readonly CorpusEntry[];
    valid(code: string, filename: string, language: Language): boolean;
    validOther?(code: string, filename: string, language: Language): boolean;
  },
): Program;

export declare function minimize(program: Program, failure: Failure, checker: Checker, limits?: { readonly maxChecks?: number; readonly maxMs?: number }): string;

export interface Crash extends Failure {
  readonly signature: string;
  /** The first program that failed this way; `node bench/fuzz.mjs --seed <seed> --count 1` makes it again. */
  readonly seed: number;
  /** Up to 10 of the programs that failed this way. */
  readonly seeds: readonly number[];
  readonly programs: number;
  readonly origin: Program['origin'];
  readonly base?: string;
  readonly mutations?: readonly string[];
  readonly language: Language;
  readonly filename: string;
  readonly program: string;
  /** A smaller program that fails the same way (null when minimising was off). */
  readonly minimal: string | null;
}

export interface InvalidProgram extends ParseProblem {
  readonly seed: number;
  readonly origin: Program['origin'];
  readonly language: Language;
  readonly program: string;
}

export interface FuzzTotals {
  readonly reports: Readonly<Record<string, number>>;
  readonly suggestions: number;
  readonly findings: number;
  readonly programsWithFindings: number;
  /** Programs with at least one failure (a program can fail in several ways: several crashes count it). */
  readonly crashedPrograms: number;
  readonly rewrites: Readonly<Record<string, number>>;
  readonly outputs: number;
  readonly bytes: number;
  readonly lines: number;
  readonly mutations: number;
  readonly rejectedMutations: number;
}

export interface FuzzResult {
  readonly seed: number;
  readonly count: number;
  readonly elapsedMs: number;
  readonly programsPerSecond: number;
  readonly origins: Readonly<Partial<Record<Program['origin'], number>>>;
  readonly languages: Readonly<Partial<Record<Language, number>>>;
  readonly totals: FuzzTotals;
  readonly crashes: readonly Crash[];
  readonly invalid: readonly InvalidProgram[];
}

export declare function runFuzz(options: {
  readonly checker: Checker;
  readonly seed?: number;
  readonly count?: number;
  readonly seeds: readonly Seed[];
  readonly corpus?: readonly CorpusEntry[];
  readonly minimise?: boolean;
  readonly minimiseLimits?: { readonly maxChecks?: number; readonly maxMs?: number };
  onProgress?(done: number, crashes: number, invalid: number): void;
}): FuzzResult;
