// What the codemod fixture tests check of every output, shared by registry and teardown: a lint with the rule,
// TypeScript's diagnostics for one file, and the input/output naming of the fixture pairs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import ts from 'typescript';
import plugin from '../../rules/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const caseName = (input: string): string => input.slice(0, input.indexOf('.input.'));
export const outputOf = (input: string): string => input.replace('.input.', '.output.');

/** no-per-request-listener's messages for a file, parsed by typescript-eslint (JS, TS, JSX, TSX alike). */
export function lint(file: string, text: string): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    text,
    [
      {
        files: ['**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}'],
        languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
        plugins: { 'listener-leak': plugin as never },
        rules: { 'listener-leak/no-per-request-listener': 'error' },
      },
    ],
    file,
  );
}

/** TypeScript's diagnostics for one file (with @types/node), as `code message` lines without positions. */
export function typeErrors(temp: string, file: string, text: string): string[] {
  const dir = mkdtempSync(join(temp, 'tsc-'));
  const path = join(dir, file);
  writeFileSync(path, text);
  const program = ts.createProgram([path], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    jsx: ts.JsxEmit.Preserve,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === path)
    .map((diagnostic) => `TS${String(diagnostic.code)} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
    .sort();
}
