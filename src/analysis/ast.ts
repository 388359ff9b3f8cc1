// Small questions about ESTree nodes that every analysis module asks: unwrapping TS and parentheses,
// static names and strings, member paths. Pure functions, no state.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

export type FunctionNode =
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression
  | TSESTree.ArrowFunctionExpression;

export type LoopNode =
  | TSESTree.ForStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement
  | TSESTree.WhileStatement
  | TSESTree.DoWhileStatement;

/** The types isFunctionNode is true of. */
export const FUNCTION_NODE_TYPES = [AST_NODE_TYPES.FunctionDeclaration, AST_NODE_TYPES.FunctionExpression, AST_NODE_TYPES.ArrowFunctionExpression] as const;

export function isFunctionNode(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.FunctionDeclaration ||
    node?.type === AST_NODE_TYPES.FunctionExpression ||
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression
  );
}

export function isLoopNode(node: TSESTree.Node | null | undefined): node is LoopNode {
  switch (node?.type) {
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return true;
    default:
      return false;
  }
}

/** Strips what does not change which object an expression denotes: parens (already gone), TS casts, `!`, `?.`, `await`. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (let inner = wrappedExpression(current); inner !== null; inner = wrappedExpression(current)) current = inner;
  return current;
}

/** The expression inside one of the wrappers unwrap strips (`x` of `x as T`, `x!`, `x?.y`'s chain, `await x`), else null. */
export function wrappedExpression(node: TSESTree.Node): TSESTree.Node | null {
  switch (node.type) {
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSTypeAssertion:
    case AST_NODE_TYPES.TSInstantiationExpression:
    case AST_NODE_TYPES.ChainExpression:
      return node.expression;
    case AST_NODE_TYPES.AwaitExpression:
      return node.argument;
    default:
      return null;
  }
}

/** The value of a string literal or a template literal without expressions. */
export function staticString(node: TSESTree.Node | null | undefined): string | null {
  if (!node) return null;
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.Literal && typeof inner.value === 'string') return inner.value;
  if (inner.type === AST_NODE_TYPES.TemplateLiteral && inner.expressions.length === 0) {
    return inner.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

/** The name of a member's property when it is known statically: `a.b`, `a['b']`, `a.#b` (as `#b`). */
export function memberName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed) {
    return node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : node.property.name;
  }
  return staticString(node.property);
}

/** The name a property or method key denotes statically. */
export function keyName(key: TSESTree.Node, computed: boolean): string | null {
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  return staticString(key) ?? (computed ? symbolKey(key) : null);
}

/** `[kHandler]() {}` and `this[kHandler]()` name the same method: the constant's name in brackets. */
export function symbolKey(key: TSESTree.Node): string | null {
  const inner = unwrap(key);
  return inner.type === AST_NODE_TYPES.Identifier ? `[${inner.name}]` : null;
}

/** The method called by `x.m(...)`, or the function called by `f(...)`. */
export function calleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  return nameOfCallee(unwrap(call.callee));
}

/** calleeName of a call whose callee the caller has unwrapped already: `f` of `f`, `m` of `x.m`, else null. */
export function nameOfCallee(callee: TSESTree.Node): string | null {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression) return memberName(callee);
  return null;
}

/** The object of `x.m(...)`, unwrapped. */
export function calleeObject(call: TSESTree.CallExpression | TSESTree.NewExpression): TSESTree.Node | null {
  const callee = unwrap(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression ? unwrap(callee.object) : null;
}

/**
 * A dotted path for an identifier/`this`/member chain with static names (`this.tracker.socket`), or null
 * when the chain holds a call or a computed key.
 */
export function memberPath(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  switch (inner.type) {
    case AST_NODE_TYPES.Identifier:
      return inner.name;
    case AST_NODE_TYPES.ThisExpression:
      return 'this';
    case AST_NODE_TYPES.Super:
      return 'super';
    case AST_NODE_TYPES.MemberExpression: {
      const name = memberName(inner);
      if (name === null) {
        const objectPath = memberPath(inner.object);
        const keyPath = memberPath(inner.property);
        return objectPath !== null && keyPath !== null ? `${objectPath}[${keyPath}]` : null;
      }
      const objectPath = memberPath(inner.object);
      return objectPath === null ? null : `${objectPath}.${name}`;
    }
    default:
      return null;
  }
}

/** The identifier or `this` at the root of a member chain. */
export function rootOf(node: TSESTree.Node): TSESTree.Node {
  let current = unwrap(node);
  while (current.type === AST_NODE_TYPES.MemberExpression) current = unwrap(current.object);
  return current;
}

export function isInside(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/** A function called where it is written: `(() => { ... })()`, `new Promise((resolve) => { ... })`. */
export function runsAtOnce(fn: FunctionNode): boolean {
  const parent = fn.parent;
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === fn) return true;
  return parent.type === AST_NODE_TYPES.NewExpression && memberPath(parent.callee) === 'Promise' && parent.arguments[0] === fn;
}

export function isFunctionLike(node: TSESTree.Node | null | undefined): boolean {
  return isFunctionNode(node ? unwrap(node) : node);
}

/** A short, single-line rendering of an expression for messages; whitespace runs become `whitespace`. */
export function describeNode(text: string, node: TSESTree.Node, whitespace = ' '): string {
  const source = text.slice(node.range[0], node.range[1]).replace(/\s+/g, whitespace);
  return source.length > 40 ? `${source.slice(0, 37)}...` : source;
}

/**
 * Is this identifier a use of a binding, rather than a name (`x.name`, `{ name: 1 }`, a method's or label's name)?
 * The variable resolver goes by name, so callers walking raw subtrees ask this first.
 */
export function isReference(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent as TSESTree.Node | undefined;
  if (!parent) return true;
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression:
      return parent.object === identifier || parent.computed;
    case AST_NODE_TYPES.Property:
      return parent.value === identifier || (parent.computed && parent.key === identifier);
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition:
    case AST_NODE_TYPES.AccessorProperty:
    case AST_NODE_TYPES.TSPropertySignature:
    case AST_NODE_TYPES.TSMethodSignature:
      return parent.computed && parent.key === identifier;
    case AST_NODE_TYPES.LabeledStatement:
    case AST_NODE_TYPES.BreakStatement:
    case AST_NODE_TYPES.ContinueStatement:
    case AST_NODE_TYPES.MetaProperty:
      return false;
    case AST_NODE_TYPES.ImportSpecifier:
      return parent.local === identifier;
    case AST_NODE_TYPES.ExportSpecifier:
      return parent.local === identifier;
    default:
      return true;
  }
}

export function line(node: TSESTree.Node): number {
  return node.loc.start.line;
}

/** Appends the child nodes of a node to `out`, in source order (without an array per node: the walks are hot). */
export function pushChildNodes(out: TSESTree.Node[], node: TSESTree.Node): void {
  const keys = visitorKeys[node.type];
  if (!keys) return;
  for (let k = 0; k < keys.length; k++) {
    const child = (node as unknown as Record<string, unknown>)[keys[k]!];
    if (Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) {
        const item: unknown = child[i];
        if (isNode(item)) out.push(item);
      }
    } else if (isNode(child)) out.push(child);
  }
}

/**
 * The first node under `root` (root included) that passes `test`, without looking inside nested functions:
 * what one run of the code around `root` executes. Depth first, iteratively.
 */
export function findInRun(root: TSESTree.Node, test: (node: TSESTree.Node) => boolean): TSESTree.Node | undefined {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isFunctionNode(node)) continue;
    if (test(node)) return node;
    pushChildNodes(stack, node);
  }
  return undefined;
}

/** Every node under `root` that passes `test`, without looking inside nested functions. */
export function filterInRun(root: TSESTree.Node, test: (node: TSESTree.Node) => boolean): TSESTree.Node[] {
  const found: TSESTree.Node[] = [];
  findInRun(root, (node) => {
    if (test(node)) found.push(node);
    return false;
  });
  return found;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** A TS-only array field (`decorators`, `implements`), which espree leaves out of plain-JS ASTs. */
export function tsOnlyArray<T>(value: readonly T[] | undefined): readonly T[] {
  return value ?? [];
}
