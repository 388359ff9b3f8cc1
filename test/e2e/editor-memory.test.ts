// An editor lints one file after another for hours with the type-checked config, each lint on a new program. The
// analysis caches its work per syntax tree, and keeps the trees of files that did not change: nothing it keeps may
// hold on to the program (and type checker) of the lint that made it, or an editor would keep one per file visited.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from '../../rules/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FILES = 6;
/** File i calls into file i+1 and registers on a Socket parameter; `version` is the edit. */
const source = (i: number, version: number): string => {
  const next = (i + 1) % FILES;
  return [
    "import type { Socket } from 'node:net';",
    `import { helper${String(next)} } from './f${String(next)}.js';`,
    `export function helper${String(i)}(socket: Socket): number {`,
    "  socket.on('close', () => undefined);",
    `  return ${String(version)} + helper${String(next)}.length;`,
    '}',
    '',
  ].join('\n');
};

const root = mkdtempSync(join(tmpdir(), 'listener-leak-editor-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('an editor session with recommended-type-checked', () => {
  it('keeps no program of an earlier lint alive', async () => {
    mkdirSync(join(root, 'src'));
    symlinkSync(join(import.meta.dirname, '..', '..', 'node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: true }, include: ['src'] }));
    for (let i = 0; i < FILES; i++) writeFileSync(join(root, 'src', `f${String(i)}.ts`), source(i, 0));

    // A rule next to ours that notes every program it sees, without keeping it.
    const programs: WeakRef<object>[] = [];
    const spy = {
      rules: {
        programs: {
          create(context: { sourceCode: { parserServices?: { program?: object | null } } }) {
            const program = context.sourceCode.parserServices?.program;
            if (program && !programs.some((ref) => ref.deref() === program)) programs.push(new WeakRef(program));
            return {};
          },
        },
      },
    };
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        plugin.configs['recommended-type-checked'],
        { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } } },
        { files: ['**/*.ts'], plugins: { spy: spy as never }, rules: { 'spy/programs': 'error' } },
      ],
    });
    // Each file in turn, a few edits each, as someone moving through a project.
    let reports = 0;
    for (let edit = 0; edit < 4 * FILES; edit++) {
      const i = edit % FILES;
      const [result] = await eslint.lintText(source(i, edit + 1), { filePath: join(root, 'src', `f${String(i)}.ts`) });
      reports += result?.messages.filter((message) => message.ruleId?.startsWith('listener-leak/')).length ?? 0;
      expect(result?.messages.filter((message) => message.fatal)).toEqual([]);
    }
    for (let round = 0; round < 5; round++) {
      gc();
      await new Promise((done) => setTimeout(done, 10));
    }

    expect(programs.length).toBeGreaterThanOrEqual(2 * FILES);
    // The program of the last lint is still the project service's; every earlier one is gone.
    expect(programs.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(1);
    // Nothing here repeats: the listener of each helper is registered once.
    expect(reports).toBe(0);
  }, 60_000);
});
