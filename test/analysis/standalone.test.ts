// The detector runs outside ESLint too (the codemod and the scan command parse files themselves): from a bare
// parse, with no parent links and no pre-collected nodes, it must find exactly what the rule reports.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseForESLint } from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../rules/index.js';
import { analyzeFile } from '../../src/analysis/index.js';
import { collectIndexedNodes, fileIndexOf, indexedNodesOf } from '../../src/analysis/file-index.js';
import { analyzeProject } from '../../src/analysis/project.js';

const exampleDir = join(import.meta.dirname, '..', '..', 'examples', 'rpc-service', 'src');
const files = readdirSync(exampleDir).filter((file) => file.endsWith('.js'));

describe('analyzeFile without ESLint', () => {
  it.each(files)('finds in %s what the rule reports', (file) => {
    const text = readFileSync(join(exampleDir, file), 'utf8');
    const { ast, scopeManager } = parseForESLint(text, { sourceType: 'module', range: true, loc: true });
    const standalone = analyzeFile({ ast, scopeManager, text }).findings.map((f) => `${f.node.loc.start.line}:${f.node.loc.start.column + 1} ${f.kind}`);

    const viaEslint = new Linter({ configType: 'flat' })
      .verify(text, [{ files: ['**/*.js'], plugins: { 'listener-leak': plugin as never }, rules: { 'listener-leak/no-per-request-listener': 'error' } }], file)
      .map((m) => `${m.line}:${m.column} ${m.messageId ?? m.message}`);

    expect(standalone).toEqual(viaEslint);
  });

  it('reports the seed tracker in the example, across its files', () => {
    const project = files.map((file) => ({ path: join(exampleDir, file), text: readFileSync(join(exampleDir, file), 'utf8') }));
    const found = analyzeProject(project, { root: exampleDir }).findings.map((f) => `${relative(exampleDir, f.path)}:${String(f.finding.node.loc.start.line)} ${f.finding.registration.event.text}`);
    expect(found).toEqual(['connection-tracker.js:27 close', 'connection-tracker.js:31 error', 'connection-tracker.js:35 data', 'websocket-client.js:40 SIGINT']);
  });
});

describe('fileIndexOf', () => {
  const text = readFileSync(join(exampleDir, files[0]!), 'utf8');

  it('lends the tables of a tree indexed without types to the same tree with a type oracle, with that oracle', () => {
    const { ast, scopeManager } = parseForESLint(text, { sourceType: 'module', range: true, loc: true });
    const types = { receiverType: () => null, nodeType: () => null };
    const untyped = fileIndexOf({ ast, scopeManager, text });
    const typed = fileIndexOf({ ast, scopeManager, text, types });
    expect(typed.functions).toBe(untyped.functions);
    expect(typed.input.types).toBe(types);
    expect(untyped.input.types).toBeUndefined();
    expect(fileIndexOf({ ast, scopeManager, text, types })).toBe(typed);
  });

  it('indexes the tree again for another scope manager', () => {
    const { ast } = parseForESLint(text, { sourceType: 'module', range: true, loc: true });
    const first = fileIndexOf({ ast, scopeManager: parseForESLint(text, { sourceType: 'module' }).scopeManager, text });
    const types = { receiverType: () => null, nodeType: () => null };
    const second = fileIndexOf({ ast, scopeManager: parseForESLint(text, { sourceType: 'module' }).scopeManager, text, types });
    expect(second.functions).not.toBe(first.functions);
  });
});

describe('indexedNodesOf', () => {
  const text = readFileSync(join(exampleDir, files[0]!), 'utf8');

  it('walks a tree once for its scope manager, however often it is analysed, and again for another', () => {
    const { ast, scopeManager } = parseForESLint(text, { sourceType: 'module', range: true, loc: true });
    const walked = indexedNodesOf({ ast, scopeManager, text });
    expect(walked.tables.functions.length).toBeGreaterThan(0);
    analyzeFile({ ast, scopeManager, text }, {}, true);
    analyzeFile({ ast, scopeManager, text }, { perRequestFunctions: ['handle'] }, true);
    expect(indexedNodesOf({ ast, scopeManager, text })).toBe(walked);
    expect(fileIndexOf({ ast, scopeManager, text }).functions).toBe(walked.tables.functions);
    expect(indexedNodesOf({ ast, scopeManager: parseForESLint(text, { sourceType: 'module' }).scopeManager, text })).not.toBe(walked);
    // Nodes a caller gathered itself (a rule, from ESLint's traversal) are used as they are.
    const gathered = collectIndexedNodes(ast);
    expect(indexedNodesOf({ ast, scopeManager, text, indexedNodes: gathered })).toBe(gathered);
  });
});
