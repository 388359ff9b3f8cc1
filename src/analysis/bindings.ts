// Identity of receivers and handlers by binding, not by text: `socket` in two functions is two keys,
// `this.socket` in one class is one. Also where a binding was declared and what was written to it.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { memberPath, rootOf, unwrap } from './ast.js';
import type { FileIndex, ScopeVariable } from './file-index.js';

const ids = new WeakMap<object, number>();
let nextId = 0;
function idOf(object: object): number {
  let id = ids.get(object);
  if (id === undefined) ids.set(object, (id = nextId++));
  return id;
}

/**
 * A key equal for two expressions that denote the same object by binding: the root variable (or the class
 * of `this`) plus the member path. Null when the expression holds a call or a computed key.
 */
export function bindingKey(index: FileIndex, node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  const path = memberPath(inner);
  if (path === null) return null;
  const root = rootOf(inner);
  if (root.type === AST_NODE_TYPES.Identifier) {
    const variable = index.variableOf.get(root);
    const base = variable ? `v${idOf(variable)}` : `g:${root.name}`;
    return base + path.slice(root.name.length);
  }
  if (root.type === AST_NODE_TYPES.ThisExpression) {
    const fn = index.enclosingFunction(root);
    const owner: object | null = index.enclosingClass(fn) ?? fn?.node ?? null;
    return `this@${owner ? idOf(owner) : 'module'}${path.slice(4)}`;
  }
  return null;
}

export type DefinitionKind = 'parameter' | 'variable' | 'import' | 'function' | 'class' | 'catch' | 'other';

export interface Definition {
  readonly kind: DefinitionKind;
  readonly variable: ScopeVariable;
  /** The declaring node: the declarator, the function (for a parameter), the import. */
  readonly node: TSESTree.Node;
  /** The node whose range is the binding's scope (function, block, program). */
  readonly scopeBlock: TSESTree.Node;
  /** For a variable, its initializer; for a parameter, its index in the function's parameter list. */
  readonly init: TSESTree.Node | null;
  readonly parameterIndex: number;
  /** The parameter's name node (for destructured parameters, the identifier inside the pattern). */
  readonly name: TSESTree.Node;
}

const KIND_OF_DEF: Readonly<Record<string, DefinitionKind>> = {
  Parameter: 'parameter',
  Variable: 'variable',
  ImportBinding: 'import',
  FunctionName: 'function',
  ClassName: 'class',
  CatchClause: 'catch',
};

/** Definitions by variable: what a binding's first definition says never changes, and the analyses ask often. */
const definitions = new WeakMap<ScopeVariable, Definition | null>();

export function definitionOf(index: FileIndex, identifier: TSESTree.Node): Definition | null {
  const variable = index.variableOf.get(identifier);
  if (!variable) return null;
  let definition = definitions.get(variable);
  if (definition === undefined) definitions.set(variable, (definition = readDefinition(variable)));
  return definition;
}

function readDefinition(variable: ScopeVariable): Definition | null {
  const def = variable.defs[0];
  if (!def) return null;
  const kind = KIND_OF_DEF[def.type] ?? 'other';
  let init: TSESTree.Node | null = null;
  let parameterIndex = -1;
  if (kind === 'parameter') {
    const fn = def.node as TSESTree.FunctionLike;
    parameterIndex = fn.params.findIndex((p) => p.range[0] <= def.name.range[0] && def.name.range[1] <= p.range[1]);
  } else if (kind === 'variable') {
    const declarator = def.node as TSESTree.VariableDeclarator;
    init = declarator.id.type === AST_NODE_TYPES.Identifier ? declarator.init : null;
  }
  return { kind, variable, node: def.node, scopeBlock: variable.scope.block, init, parameterIndex, name: def.name };
}

/** Every expression assigned to a variable after its declaration (`x = new WebSocket()`). */
export function assignmentsOf(variable: ScopeVariable): TSESTree.Node[] {
  const writes: TSESTree.Node[] = [];
  for (const reference of variable.references) {
    if (reference.init) continue;
    if (reference.writeExpr && reference.isWrite()) writes.push(reference.writeExpr);
  }
  return writes;
}
