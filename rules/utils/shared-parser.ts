// The parser of configs['recommended-type-checked']: typescript-eslint's, through a wrapper that lets the type-checked
// rule's project pass and ESLint share their parses. The pass, run while ESLint lints the first file, parses other
// files of the program the way ESLint is about to (the same parser, the same options, the file's own path); ESLint
// then gets that very result when it lints the file, instead of converting the same syntax tree a second time.
// With any other parser in place (a config later in the array may set one), the pass parses on its own, as before.
import { resolve } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { packageInfo } from '../../src/package-info.js';
import type { AnalysisInput } from '../../src/analysis/index.js';
import { isLocatedParseError } from '../../src/analysis/parse.js';

type ParserOptions = Record<string, unknown> & { filePath?: string };
type ParseResult = ReturnType<typeof tsParser.parseForESLint>;

/** The options ESLint passed for the file it parsed last: the pass parses other files with these. */
let last: { readonly path: string; readonly options: ParserOptions } | null = null;
/** Parses made by the pass, waiting for ESLint to lint their file: by path, with the text and options they were made for. */
const handedOver = new Map<string, { readonly text: string; readonly options: ParserOptions; readonly result: ParseResult }>();
/** The program the parses waiting in handedOver belong to. */
let madeFor: object | null = null;

/** The same options but for the file they name (ESLint builds a new object per file, from the same config). */
function sameOptions(a: ParserOptions, b: ParserOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('filePath');
  return [...keys].every((key) => Object.is(a[key], b[key]));
}

export const typedParser = {
  meta: { name: `${packageInfo.name}/typescript-eslint-parser`, version: packageInfo.version },
  parseForESLint(text: string, options: ParserOptions = {}): ParseResult {
    const path = options.filePath;
    if (path !== undefined) {
      last = { path, options };
      const made = handedOver.get(path);
      if (made) {
        handedOver.delete(path);
        if (made.text === text && sameOptions(made.options, options)) return made.result;
      }
    }
    return tsParser.parseForESLint(text, options);
  },
};

/**
 * For the file being linted, when typedParser parsed it: a parse of another file of the program, made as ESLint will
 * make it and kept for ESLint. Null when another parser parsed the file. A new program drops what was made for the
 * last one and not used (an editor lints one file of many): those parses would keep the old program in memory.
 */
export function sharedParseFor(parser: unknown, path: string, program: object): ((path: string, text: string) => AnalysisInput | null) | null {
  if (program !== madeFor) {
    handedOver.clear();
    madeFor = program;
  }
  if (parser !== typedParser || last === null || resolve(last.path) !== path) return null;
  const { options } = last;
  return (otherPath, text) => {
    const parsed = { ...options, filePath: otherPath };
    let result: ParseResult;
    try {
      result = tsParser.parseForESLint(text, parsed);
    } catch (error) {
      // A syntax error is the file's own (the pass reports it); anything else (a file the project service will not
      // take) leaves this file to the pass's own parse.
      if (isLocatedParseError(error)) throw error;
      return null;
    }
    handedOver.set(otherPath, { text, options: parsed, result });
    return { ast: result.ast, scopeManager: result.scopeManager, text };
  };
}
