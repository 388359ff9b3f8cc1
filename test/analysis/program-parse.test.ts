// The project pass of the type-checked rule converts the trees a TypeScript program already holds instead of parsing
// the files again, without the tokens, comments and node maps only ESLint needs. The detector must not see the
// difference: the same tree, the same scopes and the same findings as a plain parse of the same text.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError, parseFile } from '../../src/analysis/parse.js';
import { analyzeProgram, analyzeProject } from '../../src/analysis/project.js';

const FILES: Record<string, string> = {
  'src/tracker.ts': `
/** Tracks sockets (a JSDoc comment, which the converter reads past). */
export class SocketTracker {
  #open = 0;
  track(socket: import('node:net').Socket, meta?: { url: string }): void {
    this.#open++;
    socket.on('close', () => { this.#open--; });
    void meta?.url;
  }
}
`,
  'src/client.ts': `
import https from 'node:https';
import { SocketTracker } from './tracker.js';
function logged(_target: object, _key: string, descriptor: PropertyDescriptor) { return descriptor; }
export class Client {
  private readonly tracker: SocketTracker;
  constructor({ tracker }: { tracker: SocketTracker }) { this.tracker = tracker; }
  @logged
  get(url: string) {
    return https.get(url, (res) => {
      this.tracker.track(res.socket, { url });
      res.resume();
    });
  }
}
`,
  'src/view.tsx': `
export const View = ({ name }: { name: string }) => <div title={name as string}>{name}</div>;
`,
  'src/legacy.cts': `
const events = require('node:events');
module.exports = function wait(emitter: unknown) { return events.once(emitter, 'ready'); };
`,
};

const root = mkdtempSync(join(tmpdir(), 'listener-leak-program-parse-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});
const paths = Object.entries(FILES).map(([name, text]) => {
  const path = join(root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
});
writeFileSync(join(root, 'tsconfig.json'), '{}');

/** A program as the parser's project service would hold one: nothing asked of its checker yet. */
function programOf(): ts.Program {
  return ts.createProgram(paths, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    jsx: ts.JsxEmit.Preserve,
    experimentalDecorators: true,
    strict: true,
    noEmit: true,
    configFilePath: join(root, 'tsconfig.json'),
  });
}

/** The tree as JSON, without parent links and the token and comment lists only ESLint reads. */
function shape(ast: unknown): string {
  return JSON.stringify(ast, (key, value: unknown) => (key === 'parent' || key === 'tokens' || key === 'comments' ? undefined : value));
}

describe('a file of a TypeScript program, converted from the program', () => {
  it('has the tree and the scopes of a plain parse of its text, for .ts, .tsx and .cts', () => {
    // Which library globals the global scope declares depends on the compiler options, and nothing the detector asks.
    const program = programOf();
    for (const path of paths) {
      const text = program.getSourceFile(path)!.text;
      const converted = parseFile(path, text, program);
      const parsed = parseFile(path, text);
      expect(converted.ast.tokens).toBeUndefined();
      expect(shape(converted.ast), path).toBe(shape(parsed.ast));
      const scopes = (input: typeof parsed) => input.scopeManager.scopes.filter((scope) => scope.type !== 'global').map((scope) => `${scope.type}:${scope.variables.map((v) => v.name).join(',')}:${String(scope.references.length)}`);
      expect(scopes(converted), path).toEqual(scopes(parsed));
    }
  });

  it('locates a syntax error where a plain parse does', () => {
    const path = join(root, 'src', 'broken.ts');
    const text = 'export function track(socket) {\n  socket.on("close", () => {\n}\n';
    writeFileSync(path, text);
    const program = ts.createProgram([path], { noEmit: true });
    const located = (parse: () => unknown) => {
      try {
        parse();
      } catch (error) {
        return error instanceof ParseError ? `${String(error.line)}:${String(error.column)} ${error.message}` : `not a ParseError: ${String(error)}`;
      }
      return 'parsed';
    };
    const fromProgram = located(() => parseFile(path, text, program));
    expect(fromProgram).toMatch(/^4:1 /);
    expect(fromProgram).toBe(located(() => parseFile(path, text)));
  });

  it('gives the project pass the findings and the calls across files of the same files parsed plainly', () => {
    const fromProgram = analyzeProgram(programOf(), { root });
    const plain = analyzeProject(paths.map((path) => ({ path, text: FILES[path.slice(root.length + 1)]! })), { root });
    const described = (analysis: typeof plain) => ({
      findings: analysis.findings.map((f) => `${f.path}:${String(f.finding.node.loc.start.line)} ${f.finding.kind} ${f.chain.map((s) => s.name).join(' -> ')}`),
      callers: [...analysis.callers].map(([path, callers]) => `${path}: ${callers.map((c) => c.what).join('; ')}`),
    });
    expect(described(fromProgram)).toEqual(described(plain));
    expect(fromProgram.findings).toHaveLength(1);
  });

  it('reads the linted file from the parse it is given, when the pass runs for a new program', () => {
    const path = paths.find((p) => p.endsWith('tracker.ts'))!;
    const program = programOf();
    const linted = parseFile(path, program.getSourceFile(path)!.text);
    const [finding] = analyzeProgram(program, { root }, { linted: { path, input: linted } }).findings;
    let top: TSESTree.Node = finding!.finding.node;
    while (top.parent) top = top.parent;
    expect(top).toBe(linted.ast);
  });

  it('is analysed once per program and options: the rule on demand, the whole program when asked', () => {
    const program = programOf();
    const onDemand = analyzeProgram(program, { root });
    expect(analyzeProgram(program, { root })).toBe(onDemand);
    // The tracker and the client can repeat by themselves; the view and the CommonJS helper are not needed.
    expect(onDemand.files).toEqual({ parsed: 2, analysed: 2 });
    expect(analyzeProgram(program, { root, relevantOnly: false }).files).toEqual({ parsed: 4, analysed: 4 });
  });
});
