// The type oracle's nominal question (is this parameter one of Node's types?) is answered from the names in a written
// type where they can tell, and by the type the checker builds where they cannot. The two must agree: each answer here
// is checked against the structural question, which always builds the type.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAndGenerateServices } from '@typescript-eslint/typescript-estree';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createTypeOracle, type ReceiverType } from '../../src/analysis/types.js';

/** Parameter name -> its written type, and what it is by Node's types (null: none of them). */
const CASES: readonly { readonly type: string; readonly expected: ReceiverType | null }[] = [
  { type: 'ServerResponse', expected: 'server-response' },
  { type: 'http.ServerResponse | undefined', expected: 'server-response' },
  { type: 'Reply', expected: 'server-response' },
  { type: 'Body<string>', expected: 'server-response' },
  { type: 'Traced | null', expected: 'server-response' },
  { type: 'Maybe<ServerResponse>', expected: 'server-response' },
  { type: 'ServerResponse | never', expected: 'server-response' },
  { type: 'ServerResponse | Nothing', expected: 'server-response' },
  { type: 'ServerResponse | (string & number)', expected: 'server-response' },
  { type: 'ServerResponse & {}', expected: 'server-response' },
  { type: 'InstanceType<typeof ServerResponse>', expected: 'server-response' },
  { type: 'Socket | null | undefined', expected: 'socket' },
  { type: 'ServerResponse | Socket', expected: null },
  { type: 'ServerResponse | Local', expected: null },
  { type: 'ServerResponse & { locals: string }', expected: null },
  { type: 'Local', expected: null },
  { type: 'Status', expected: null },
  { type: 'Callback<ServerResponse>', expected: null },
  { type: 'ServerResponse[]', expected: null },
  { type: 'Options', expected: null },
];

const SOURCE = `
import * as http from 'node:http';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
type Reply = ServerResponse;
interface Body<B> extends http.ServerResponse { body?: B }
class Traced extends http.ServerResponse { traceId = ''; }
type Maybe<T> = T | undefined;
type Nothing = never;
type Callback<T> = (value: T) => void;
type Options = { timeout: number } & { retries: number };
class Local { on(): void {} }
enum Status { Open, Closed }
${CASES.map(({ type }, i) => `export function f${i}(p: ${type}): void { void p; }`).join('\n')}
`;

const dir = mkdtempSync(join(tmpdir(), 'listener-leak-types-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the type oracle on written parameter types', () => {
  const file = join(dir, 'handlers.ts');
  writeFileSync(file, SOURCE);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    typeRoots: [join(import.meta.dirname, '..', '..', 'node_modules', '@types')],
  });
  const { ast, services } = parseAndGenerateServices(SOURCE, { filePath: file, programs: [program] });
  const map = services.esTreeNodeToTSNodeMap;
  const oracle = createTypeOracle(program, (node) => map.get(node as never));
  const parameters = ast.body.flatMap((statement) =>
    statement.type === AST_NODE_TYPES.ExportNamedDeclaration && statement.declaration?.type === AST_NODE_TYPES.FunctionDeclaration ? [statement.declaration.params[0]!] : [],
  );

  it('compiles without errors, so every name in the cases resolves', () => {
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(parameters).toHaveLength(CASES.length);
  });

  it.each(CASES.map((c, i) => [c.type, c.expected, i] as const))('%s is %s', (_type, expected, i) => {
    const parameter = parameters[i] as TSESTree.Parameter;
    expect(oracle.nodeType(parameter)).toBe(expected);
    // The structural question builds the type: for Node's types it must give the same kind, and otherwise none of them.
    const built = oracle.receiverType(parameter);
    if (expected === null) expect(['emitter', 'event-target', 'non-emitter', null]).toContain(built);
    else expect(built).toBe(expected);
  });
});
