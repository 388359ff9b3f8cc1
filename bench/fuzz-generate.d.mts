// Types of fuzz-generate.mjs for the TypeScript test (test/fuzz/fuzz.test.ts).

export type Language = 'js' | 'mjs' | 'cjs' | 'jsx' | 'ts' | 'mts' | 'cts' | 'tsx';

export interface Program {
  /** The seed that makes this program again (programFor in fuzz-harness.mjs, or generateProgram here for grammar ones). */
  readonly seed: number;
  readonly language: Language;
  /** `program.<extension>`. */
  readonly filename: string;
  readonly code: string;
  readonly origin: 'grammar' | 'mutated grammar' | 'mutated fixture' | 'mutated corpus';
  /** The file a mutated program started from. */
  readonly base?: string;
  /** What each mutation did, in order. */
  readonly mutations?: readonly string[];
  /** Mutations whose result did not parse and were dropped. */
  readonly rejected?: readonly string[];
}

export declare const LANGUAGES: readonly Language[];
export declare const EXTENSIONS: Readonly<Record<Language, string>>;
export declare function languageOf(filename: string): Language;
export declare function isTypeScript(language: Language): boolean;
export declare function isScript(language: Language): boolean;
export declare function hasJsx(language: Language): boolean;
export declare function generateProgram(seed: number, options?: { readonly language?: Language }): Program;
