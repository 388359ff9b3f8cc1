// Parsing outside ESLint (the codemods and the project analysis): typescript-estree with its scope manager,
// TypeScript or JavaScript (with JSX) by extension. A file that does not parse throws a located ParseError.
import { extname } from 'node:path';
import { parseForESLint } from '@typescript-eslint/parser';
import { analyze, type AnalyzeOptions } from '@typescript-eslint/scope-manager';
import { astConverter, type ParseSettings } from '@typescript-eslint/typescript-estree/use-at-your-own-risk';
import type { Program, SourceFile } from 'typescript';
import type { AnalysisInput } from './file-index.js';

/** A file that does not parse: where, and what the parser said. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

const TS_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts', '.cts']);

export function isTypeScriptOnly(path: string): boolean {
  return TS_EXTENSIONS.has(extname(path).toLowerCase());
}

/**
 * Parses a file for the detector. Throws ParseError (1-based line and column) for a file that does not parse. With
 * the TypeScript program the file belongs to, the program's own syntax tree is converted instead (convertProgramFile).
 */
export function parseFile(path: string, text: string, program?: Program): AnalysisInput {
  const extension = extname(path).toLowerCase();
  const sourceType = extension === '.cjs' || extension === '.cts' ? 'script' : 'module';
  return locatingErrors(() => {
    const sourceFile = program?.getSourceFile(path);
    if (program && sourceFile?.text === text) return convertProgramFile(sourceFile, program, sourceType);
    const { ast, scopeManager } = parseForESLint(text, {
      sourceType,
      range: true,
      loc: true,
      jsx: !TS_EXTENSIONS.has(extension),
      filePath: path,
      ...(program ? { programs: [program] } : {}),
    });
    return { ast, scopeManager, text };
  });
}

/** Is this what typescript-estree throws for a file that does not parse: a message at a line and a column? */
export function isLocatedParseError(error: unknown): error is { lineNumber: number; column: number; message: unknown } {
  const located = error as { lineNumber?: unknown; column?: unknown } | null;
  return typeof located?.lineNumber === 'number' && typeof located.column === 'number';
}

/** Runs a typescript-estree parse, turning its located errors into ParseError (1-based line and column). */
function locatingErrors(parse: () => AnalysisInput): AnalysisInput {
  try {
    return parse();
  } catch (error) {
    if (isLocatedParseError(error)) throw new ParseError(String(error.message), error.lineNumber, error.column + 1);
    throw error;
  }
}

/**
 * What typescript-estree's converter reads of its settings (ast-converter.js): only the tree itself, with ranges and
 * locations. Tokens, comments and the maps between the two trees are what ESLint needs, not the detector: leaving
 * them out makes a program's files 35 to 45% cheaper to convert than parseForESLint with the program does. A file
 * the compiler parsed without an error is converted without typescript-estree's own syntax checks
 * (allowInvalidAST), which find nothing in such a file but the grammar errors the compiler reports itself, and cost
 * 10 to 15% of the conversion.
 */
const CONVERT_SETTINGS = {
  allowInvalidAST: false,
  errorOnUnknownASTType: false,
  suppressDeprecatedPropertyWarnings: true,
  range: true,
  loc: true,
  tokens: null,
  comment: false,
} as const satisfies Partial<ParseSettings>;

const LIB_FILE = /lib\.(.+)\.d\.[cm]?ts$/;

/**
 * A program's file converted from the tree the compiler already parsed, with its scopes: the same tree and scopes as
 * parseForESLint's (test/analysis/program-parse.test.ts), but for which library globals the global scope declares.
 */
function convertProgramFile(sourceFile: SourceFile, program: Program, sourceType: 'module' | 'script'): AnalysisInput {
  // The converter climbs the compiler's parent pointers, which binding sets: a typed lint binds the program anyway.
  if (sourceFile.statements[0] && !(sourceFile.statements[0] as { parent?: unknown }).parent) program.getTypeChecker();
  const clean = program.getSyntacticDiagnostics(sourceFile).length === 0;
  const { estree } = astConverter(sourceFile, { ...CONVERT_SETTINGS, allowInvalidAST: clean } as unknown as ParseSettings, false);
  const ast = Object.assign(estree, { sourceType });
  // The compiler's own libraries, as the parser resolves them; only which globals exist depends on it.
  const libs = program.getCompilerOptions().lib?.map((lib) => LIB_FILE.exec(lib.toLowerCase())?.[1]).filter((lib): lib is string => lib !== undefined);
  const scopeManager = analyze(ast, { sourceType, lib: (libs?.length ? libs : ['esnext.full']) as AnalyzeOptions['lib'] });
  return { ast, scopeManager, text: sourceFile.text };
}

/**
 * Parses kept by path while the text is the same: a project analysed again (an editor's next program) reparses only
 * what changed, and a codemod run over a project rewrites files from the parse the project pass made.
 */
const parsed = new Map<string, { text: string; input: AnalysisInput }>();

/**
 * parseFile, through the cache. With `parse` (the type-checked rule's: typescript-eslint's parser, whose parses ESLint
 * then reuses), that parses first, and parseFile only what it returns null for.
 */
export function parsedFile(path: string, text: string, program?: Program, parse?: (path: string, text: string) => AnalysisInput | null): AnalysisInput {
  const known = parsed.get(path);
  if (known?.text === text) return known.input;
  const input = locatingErrors(() => parse?.(path, text) ?? parseFile(path, text, program));
  parsed.set(path, { text, input });
  return input;
}

/**
 * Records a parse made elsewhere (ESLint's own, of the file being linted) so that the project analysis reads it
 * instead of parsing the same text again: in an editor, the file being typed in is the one that changed.
 */
export function rememberParse(path: string, input: AnalysisInput): void {
  parsed.set(path, { text: input.text, input });
}

/** Drops every cached parse but those of these paths: the cache holds one project at a time. */
export function keepParsesOf(paths: ReadonlySet<string>): void {
  for (const path of parsed.keys()) if (!paths.has(path)) parsed.delete(path);
}
