// The rule must never throw on valid code. Real code no one here wrote is at hand: the packages this
// project installs from its lockfile. Each sampled file is linted with both parsers a user may have
// (espree for plain JS, typescript-eslint for everything); a thrown rule error fails the test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import tsParser, { parseForESLint } from '@typescript-eslint/parser';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../rules/index.js';
import { indexedNodeCollector } from '../../rules/utils/detector-rule.js';
import { calleeName, isFunctionNode, keyName, rootOf, unwrap } from '../../src/analysis/ast.js';
import { collectIndexedNodes, type IndexedNodes, type NodeTables } from '../../src/analysis/file-index.js';
import { requiredModule } from '../../src/analysis/modules.js';
import { mayRegisterText } from '../../src/analysis/index.js';
import { mayRegister } from '../../src/analysis/registrations.js';

const root = join(import.meta.dirname, '..', '..');
const MAX_FILE_BYTES = 400_000;
/** Packages whose source is Node code with emitters, sockets, servers and streams. */
const SAMPLED = ['eslint/lib', 'vite/dist/node', 'vitest/dist', '@typescript-eslint/typescript-estree/dist', 'undici-types', 'tinypool/dist', 'picomatch/lib'];

function listFiles(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return; // a package that this lockfile does not carry is skipped, not an error
  }
  for (const entry of entries) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) listFiles(path, out);
    else if (/\.(c|m)?js$/.test(entry) && !entry.endsWith('.min.js') && stat.size <= MAX_FILE_BYTES) out.push(path);
  }
}

const files: string[] = [];
for (const dir of SAMPLED) listFiles(join(root, 'node_modules', dir), files);

const rule = { 'listener-leak/no-per-request-listener': 'error' } as const;
const plugins = { 'listener-leak': plugin as never };

function lintBoth(code: string, filename: string): { espree: Linter.LintMessage[]; typescript: Linter.LintMessage[] } {
  const linter = new Linter({ configType: 'flat' });
  const sourceType = filename.endsWith('.cjs') ? 'commonjs' : 'module';
  const espree = linter.verify(code, [{ files: ['**/*'], languageOptions: { ecmaVersion: 'latest', sourceType }, plugins, rules: rule }], filename);
  const typescript = linter.verify(
    code,
    [{ files: ['**/*'], languageOptions: { parser: tsParser, sourceType, parserOptions: { ecmaFeatures: { jsx: true } } }, plugins, rules: rule }],
    filename,
  );
  return { espree, typescript };
}

describe('no-per-request-listener on real installed code', () => {
  it('samples enough files to mean something', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  it('never throws, with espree or with the TypeScript parser', () => {
    let parsed = 0;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      // Flat config ignores node_modules/ by default, so the file is linted under a neutral name.
      const name = relative(join(root, 'node_modules'), file).replace(/^@/, '');
      // Linter.verify rethrows a rule's exception with the file and rule named; that fails this test.
      const { espree, typescript } = lintBoth(code, name);
      expect([...espree, ...typescript].filter((m) => m.message.startsWith('File ignored'))).toEqual([]);
      if (!espree.some((m) => m.fatal) || !typescript.some((m) => m.fatal)) parsed++;
    }
    console.log(`linted ${files.length} files, ${parsed} parsed`);
    expect(parsed).toBeGreaterThan(files.length * 0.9);
  });
});

describe('the text check that spares files without registrations', () => {
  it('is true for every real file in which the detector sees a possible registration', () => {
    let skipped = 0;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      let ast: TSESTree.Program;
      try {
        ({ ast } = parseForESLint(code, { range: true, loc: true, sourceType: 'module', jsx: true }));
      } catch {
        continue;
      }
      if (!mayRegisterText(code)) {
        skipped++;
        expect(collectIndexedNodes(ast).mayRegister, `${file}: a registration the text check misses`).toBe(false);
      }
    }
    // It must also spare something: most files of these packages never add a listener.
    expect(skipped).toBeGreaterThan(files.length * 0.3);
  });

  it('sees the registration forms of the rule tests, written any way', () => {
    for (const code of [
      "s.on('close', f)",
      "s?.once('x', f)",
      "s['addListener']('x', f)",
      's.on<string>("x", f)',
      "const { finished } = require('stream');\nfinished(s, cb)",
      'const { once: w } = require(`node:events`)',
      "import { once as w } from 'node:events'",
      's\n  .prependListener("x", f)',
      "(s.on)('x', f)",
      "s.on!('x', f)",
      "s.once?.('x', f)",
      "s.on\n  ('x', f)",
      "s.on<(e: Event) => void>('x', f)",
      "import { finished } from \"stream/promises\";\nawait finished(s)",
      "const { once } = require ( 'node:events' )",
    ]) {
      expect(mayRegisterText(code), code).toBe(true);
    }
    expect(mayRegisterText('// based on the once-only setup\nconst onion = 1;')).toBe(false);
    // A plain call of a registration's name registers only through an import, whose text is checked instead.
    for (const code of ['setTimeout(tick, 10)', 'class Bus { on(event, fn) { this.add(event, fn); } }', 'finished(s, cb)']) {
      expect(mayRegisterText(code), code).toBe(false);
    }
    // Nor a registering module's name in quotes that no import or require reads (a table of command groups).
    for (const code of ["const GROUPS = { xadd: 'stream', subscribe: 'events' };", "log('events', n)"]) {
      expect(mayRegisterText(code), code).toBe(false);
    }
    // Nor does a name that is read or written but not called.
    for (const code of ['options.once = true; run(options)', 'get connect() { return this.connect; }', "const on = opts['on'];\nstart()"]) {
      expect(mayRegisterText(code), code).toBe(false);
    }
  });
});

const SYNTAX: Record<string, string> = {
  'decorators.ts': `
    function Get(path: string) { return (target: object, key: string) => {}; }
    @Reflect.metadata('k', 1)
    export class Controller {
      #clients = new Map<string, unknown>();
      static #count = 0;
      static { Controller.#count = 1; }
      @Get('/x') async list(req: { socket: NodeJS.EventEmitter }, @Inject() res?: unknown) {
        req.socket?.on?.('close', () => this.#clients.clear());
        return res satisfies unknown;
      }
    }
    declare function Inject(): ParameterDecorator;`,
  'using.ts': `
    import http from 'node:http';
    await using server = http.createServer(async (req, res) => {
      using stack = new DisposableStack();
      for await (const chunk of req) res.write(chunk);
      res.socket!['on' as const]('close', () => stack.dispose());
    }) as unknown as AsyncDisposable;
    export {};`,
  'computed.js': `
    const events = ['close', 'error'];
    const kOn = Symbol('on');
    export default {
      [kOn](socket) { for (const e of events) socket[\`on\`](e, () => {}); },
      ['handle' + 'Request'](req, res) { req.socket[kOn]?.(); },
      get value() { return this; },
      async *gen() { yield* []; },
    };`,
  'component.tsx': `
    import { useEffect } from 'react';
    export function Ticker({ bus }: { bus: { on(e: string, f: () => void): void; off(e: string, f: () => void): void } }) {
      useEffect(() => { const f = () => {}; bus.on('tick', f); return () => bus.off('tick', f); }, [bus]);
      return <div onClick={() => setInterval(() => bus.on('tick', () => {}), 1000)}>{<span />}</div>;
    }`,
  'weird.ts': `
    namespace N { export const x = 1; }
    enum E { A = 1 }
    abstract class Base<T extends object = {}> { abstract run(t: T): void; }
    export = class extends Base { run = (t: object) => { (t as any)?.on?.('x', () => N.x + E.A); } };`,
  'generated.js': `${'(function(){'.repeat(120)}process.on('x', () => {});${'})();'.repeat(120)}`,
  'deep-nesting.js': `setInterval(() => { ${'if (a) { '.repeat(200)}process.on('exit', () => {});${' }'.repeat(200)} }, 10);`,
};

describe('no-per-request-listener on unusual syntax', () => {
  it.each(Object.entries(SYNTAX))('does not throw on %s', (filename, code) => {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(
      code,
      // `**/*` alone matches no file in flat config (it would answer "No matching configuration" and run nothing).
      [{ files: ['**/*.*'], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } }, plugins, rules: rule }],
      filename,
    );
    // No fatal parse or rule error, and no message from ESLint itself (an unmatched file would be one).
    expect(messages.filter((m) => m.fatal || m.ruleId === null)).toEqual([]);
  });
});

describe("the nodes the rules gather from ESLint's traversal", () => {
  // The rules hand the index what ESLint's traversal met, and the function around each node as ESLint left it; the
  // codemod and the CLI walk the tree themselves. Both must give the index the same tables, and the tables must hold
  // what a rule listening to the nodes itself sees.
  const gathered: { ast: TSESTree.Program; nodes: IndexedNodes }[] = [];
  const seen = { functions: [] as TSESTree.Node[], calls: [] as TSESTree.Node[], assignments: [] as TSESTree.Node[], imports: [] as TSESTree.Node[], importNames: new Set<string>(), requires: 0 };
  const addFunction = (node: TSESTree.Node): void => void seen.functions.push(node);
  const capture = {
    rules: {
      capture: {
        create(context: { sourceCode: object }) {
          const { listeners, nodes } = indexedNodeCollector(context.sourceCode);
          return { ...listeners, 'Program:exit': (ast: TSESTree.Program) => void gathered.push({ ast, nodes }) };
        },
      },
      // What the tables should hold, from ESLint's traversal: every function, call and assignment, and every name an
      // import or a require binds (`const x = require('m')`, `const { a: b } = require('m').y`).
      oracle: {
        create: () => ({
          FunctionDeclaration: addFunction,
          FunctionExpression: addFunction,
          ArrowFunctionExpression: addFunction,
          CallExpression: (node: TSESTree.Node) => void seen.calls.push(node),
          AssignmentExpression: (node: TSESTree.Node) => void seen.assignments.push(node),
          ImportDeclaration(node: TSESTree.ImportDeclaration) {
            seen.imports.push(node);
            for (const specifier of node.specifiers) seen.importNames.add(specifier.local.name);
          },
          VariableDeclarator(node: TSESTree.VariableDeclarator) {
            if (requiredModule(node.init) === null) return;
            seen.requires++;
            if (node.id.type === AST_NODE_TYPES.Identifier) seen.importNames.add(node.id.name);
            if (node.id.type !== AST_NODE_TYPES.ObjectPattern) return;
            for (const property of node.id.properties) {
              if (property.type === AST_NODE_TYPES.Property && property.value.type === AST_NODE_TYPES.Identifier && keyName(property.key, property.computed) !== null) {
                seen.importNames.add(property.value.name);
              }
            }
          },
        }),
      },
    },
  };
  /** Everything the tables hold, with functions by their nodes, for comparing two sets of tables. */
  const contents = (tables: NodeTables) => ({
    functions: tables.functions.map((fn) => [fn.node, fn.name, fn.displayName, fn.parent?.id ?? -1, fn.calls, fn.news]),
    calls: tables.calls,
    callFunctions: tables.callFunctions.map((fn) => fn?.id ?? -1),
    callNames: tables.callNames,
    callRoots: tables.callRoots,
    news: tables.news,
    assignments: tables.assignments,
    imports: [...tables.imports],
    fieldWrites: [...tables.fieldWrites].map(([owner, fields]) => [owner, [...fields]]),
    classesByName: [...tables.classesByName],
    assignedProperties: [...tables.assignedProperties],
  });

  it('are the tables of the walk, and give each function and call the nearest function around it', () => {
    const linter = new Linter({ configType: 'flat' });
    let compared = 0;
    let withFunctions = 0;
    let registering = 0;
    let requiring = 0;
    // A quarter of the files, and every file whose text may register (those the rules go on to index).
    for (const [i, file] of files.entries()) {
      const code = readFileSync(file, 'utf8');
      if (i % 4 !== 0 && !mayRegisterText(code)) continue;
      gathered.length = 0;
      for (const list of [seen.functions, seen.calls, seen.assignments, seen.imports]) list.length = 0;
      seen.importNames.clear();
      seen.requires = 0;
      const sourceType = file.endsWith('.cjs') ? 'commonjs' : 'module';
      linter.verify(
        code,
        [
          {
            files: ['**/*'],
            languageOptions: { parser: tsParser, sourceType },
            plugins: { probe: capture },
            rules: { 'probe/capture': 'error', 'probe/oracle': 'error' },
          },
        ],
        'sample.js',
      );
      const last = gathered.pop();
      if (!last) continue;
      const { ast, nodes } = last;
      const { tables } = nodes;
      const walked = collectIndexedNodes(ast);
      expect(contents(walked.tables), file).toEqual(contents(tables));
      expect(walked.mayRegister, file).toBe(nodes.mayRegister);
      expect(nodes.mayRegister, file).toBe([...seen.calls, ...seen.imports].some(mayRegister));
      expect(tables.functions.map((fn) => fn.node), file).toEqual(seen.functions);
      expect(tables.calls, file).toEqual(seen.calls);
      expect(tables.callNames, file).toEqual(tables.calls.map(calleeName));
      expect(tables.callRoots, file).toEqual(
        tables.calls.map((call) => {
          const callee = unwrap(call.callee);
          if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
          const root = rootOf(callee);
          return root.type === AST_NODE_TYPES.Identifier ? root.name : '';
        }),
      );
      expect(tables.assignments, file).toEqual(seen.assignments);
      expect(new Set(tables.imports.keys()), file).toEqual(seen.importNames);
      // The function around each function and each call, as the tables have it (by id: -1 at module level) ...
      const { functions, calls, callFunctions } = tables;
      const around = {
        functions: functions.map((fn) => fn.parent?.id ?? -1),
        calls: callFunctions.map((fn) => fn?.id ?? -1),
      };
      // ... is the nearest one up the parents.
      const idOf = new Map(functions.map((fn) => [fn.node as TSESTree.Node, fn.id]));
      const nearest = (node: TSESTree.Node): number => {
        let up = node.parent;
        while (up && !isFunctionNode(up)) up = up.parent;
        return up ? idOf.get(up)! : -1;
      };
      expect(around, file).toEqual({ functions: functions.map((fn) => nearest(fn.node)), calls: calls.map(nearest) });
      compared++;
      if (around.calls.some((id) => id !== -1)) withFunctions++;
      if (nodes.mayRegister) registering++;
      if (seen.requires > 0) requiring++;
    }
    expect(compared).toBeGreaterThan(30);
    expect(registering).toBeGreaterThan(5);
    expect(withFunctions).toBeGreaterThan(30);
    expect(requiring).toBeGreaterThan(10);
  });
});

describe('the rules of one lint', () => {
  // The first rule to ask for a file's nodes gets the listeners that gather them; the others read the same list.
  const code = [
    "import https from 'node:https';",
    "import { EventEmitter } from 'node:events';",
    'const jobs = new EventEmitter();',
    'jobs.setMaxListeners(0);',
    'export function get(agent, url) {',
    '  https.get(url, { agent }, (res) => {',
    "    res.socket.on('close', () => {});",
    '    res.socket.removeAllListeners();',
    '  });',
    '}',
  ].join('\n');
  const ruleIds = Object.keys(plugin.configs.recommended.rules ?? {});
  const lint = (rules: string[]) =>
    new Linter({ configType: 'flat' })
      .verify(code, [{ files: ['**/*.js'], plugins: plugin.configs.recommended.plugins, rules: Object.fromEntries(rules.map((id) => [id, 'error'])) }], 'service.js')
      .map((m) => `${m.ruleId}:${m.line}:${m.column} ${m.message}`);

  it('report together what each reports alone, in either order', () => {
    const alone = ruleIds.map((id) => lint([id]));
    for (const messages of alone) expect(messages).toHaveLength(1);
    expect(lint(ruleIds).sort()).toEqual(alone.flat().sort());
    expect(lint([...ruleIds].reverse()).sort()).toEqual(alone.flat().sort());
  });

  it('gather the nodes once, through the first rule that asks', () => {
    const sourceCode = {};
    const first = indexedNodeCollector(sourceCode);
    const second = indexedNodeCollector(sourceCode);
    expect(Object.keys(first.listeners).length).toBeGreaterThan(0);
    expect(second.listeners).toEqual({});
    expect(second.nodes).toBe(first.nodes);
    expect(indexedNodeCollector({}).nodes).not.toBe(first.nodes);
  });
});
