// configs['recommended-type-checked'] parses with typescript-eslint's parser through a wrapper: the project pass,
// run while ESLint lints the first file, parses the other files it needs as ESLint will, and ESLint then lints them
// from those parses instead of converting the same trees again. Tested with the real parser, project service and
// ESLint on the typed fixture project.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../rules/index.js';
import { sharedParseFor, typedParser } from '../../rules/utils/shared-parser.js';

const project = join(import.meta.dirname, 'fixtures', 'typed');
const client = join(project, 'src', 'client.ts');
const tracker = join(project, 'src', 'tracker.ts');
const read = (path: string): string => readFileSync(path, 'utf8');
/** Stands for the program of each test's lint: a new one drops what an earlier test left unused. */
const program = {};
/** What ESLint passes for a file: the config's parserOptions and its own keys, and the file's path. */
const optionsFor = (filePath: string) => ({
  ecmaVersion: 'latest',
  sourceType: 'module',
  projectService: true,
  tsconfigRootDir: project,
  loc: true,
  range: true,
  tokens: true,
  comment: true,
  filePath,
});

describe('the parser of recommended-type-checked', () => {
  it('is the config\'s parser', () => {
    expect(plugin.configs['recommended-type-checked'].languageOptions?.parser).toBe(typedParser);
  });

  it('hands a parse the project pass made to ESLint once, for the same text and options', () => {
    typedParser.parseForESLint(read(client), optionsFor(client));
    const parse = sharedParseFor(typedParser, client, program)!;
    expect(parse).not.toBeNull();

    const made = parse(tracker, read(tracker))!;
    expect(typedParser.parseForESLint(read(tracker), optionsFor(tracker)).ast).toBe(made.ast);
    // Taken once: a second lint of the file (after a fix) parses again.
    expect(typedParser.parseForESLint(read(tracker), optionsFor(tracker)).ast).not.toBe(made.ast);

    // Another text (an edit since) or other options (another config for the file) parse again.
    typedParser.parseForESLint(read(client), optionsFor(client));
    const edited = sharedParseFor(typedParser, client, program)!(tracker, read(tracker))!;
    expect(typedParser.parseForESLint(`${read(tracker)}\n`, optionsFor(tracker)).ast).not.toBe(edited.ast);
    typedParser.parseForESLint(read(client), optionsFor(client));
    const other = sharedParseFor(typedParser, client, program)!(tracker, read(tracker))!;
    expect(typedParser.parseForESLint(read(tracker), { ...optionsFor(tracker), sourceType: 'script' }).ast).not.toBe(other.ast);
  });

  it('leaves a file the project service will not take to the pass, and passes a syntax error on', () => {
    typedParser.parseForESLint(read(client), optionsFor(client));
    const parse = sharedParseFor(typedParser, client, program)!;
    expect(parse(join(project, '..', 'outside-the-project.ts'), 'export const x = 1;\n')).toBeNull();
    expect(() => parse(join(project, 'src', 'file.ts'), 'export function (')).toThrow(expect.objectContaining({ lineNumber: 1 }));
  });

  it('drops the parses made for a program once a lint runs on a new one', () => {
    typedParser.parseForESLint(read(client), optionsFor(client));
    const made = sharedParseFor(typedParser, client, program)!(tracker, read(tracker))!;
    sharedParseFor(typedParser, client, {});
    expect(typedParser.parseForESLint(read(tracker), optionsFor(tracker)).ast).not.toBe(made.ast);
  });

  it('lets the pass parse on its own when another parser parsed the file, or another file was parsed last', () => {
    typedParser.parseForESLint(read(client), optionsFor(client));
    expect(sharedParseFor(tsParser, client, program)).toBeNull();
    expect(sharedParseFor(typedParser, tracker, program)).toBeNull();
  });

  it('gives ESLint the same messages as typescript-eslint\'s parser itself, the cross-file finding included', async () => {
    const lint = async (parser: unknown) => {
      const config = plugin.configs['recommended-type-checked'];
      const eslint = new ESLint({
        cwd: project,
        overrideConfigFile: true,
        overrideConfig: [
          { ...config, files: ['**/*.ts'] },
          { files: ['**/*.ts'], languageOptions: { ...(parser ? { parser } : {}), parserOptions: { projectService: true, tsconfigRootDir: project } } },
        ] as never,
      });
      const results = await eslint.lintFiles(['src/**/*.ts']);
      return results.flatMap((result) => result.messages.map((m) => `${result.filePath.slice(project.length + 1)}:${String(m.line)}:${String(m.column)} ${m.ruleId ?? ''} ${m.message}`));
    };
    const shared = await lint(null);
    const plain = await lint(tsParser);
    expect(shared).toEqual(plain);
    expect(shared.some((message) => message.startsWith(join('src', 'tracker.ts')) && message.includes('called from Client.get'))).toBe(true);
  });
});
