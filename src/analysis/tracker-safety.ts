// Whether attaching a tracker's listeners once per emitter changes anything else: the values of a call its
// handlers would keep from the first call (PerCallValues), and uses of the emitter beyond listening to it
// (a write, a hand-over) that running the body once per emitter would skip. Asked by planTrackers.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { isFunctionNode, isInside, isReference, keyName, pushChildNodes, unwrap, type FunctionNode } from './ast.js';
import type { FileIndex, ScopeVariable } from './file-index.js';
import { REGISTRATION_METHODS, REMOVAL_METHODS } from './vocabulary.js';

/** Methods that only look at an emitter or manage its listeners and options: a tracker may call them. */
const LISTENING_METHODS: ReadonlySet<string> = new Set([
  ...REGISTRATION_METHODS.keys(), ...REMOVAL_METHODS, 'setTimeout', 'setKeepAlive', 'setNoDelay', 'setMaxListeners',
  'getMaxListeners', 'listenerCount', 'listeners', 'rawListeners', 'eventNames', 'address', 'ref', 'unref',
]);
/** Collections the tracker may keep the emitter in (`this.sockets.add(socket)`, `seen.has(socket)`). */
const BOOKKEEPING_METHODS: ReadonlySet<string> = new Set(['set', 'get', 'has', 'add', 'delete', 'push', 'includes', 'indexOf']);

/**
 * The first use of the emitter, outside its listeners, that is more than tracking it: a call that does work on
 * it (`output.write(...)`) or hands it to other code (`child.stream(output)`). Such a function is not a tracker:
 * running its body only for the first call per emitter would skip that work. Null when it only listens.
 */
export function useBeyondListening(index: FileIndex, fn: FunctionNode, emitter: ScopeVariable): TSESTree.Node | null {
  const handlers = index.registrations.filter((r) => r.handler && isInside(r.call, fn)).map((r) => r.handler!);
  for (const reference of emitter.references) {
    const identifier = reference.identifier;
    if (!isInside(identifier, fn.body) || handlers.some((handler) => isInside(identifier, handler))) continue;
    let child: TSESTree.Node = identifier;
    let parent = child.parent;
    while (parent && (parent.type === AST_NODE_TYPES.TSAsExpression || parent.type === AST_NODE_TYPES.TSNonNullExpression || parent.type === AST_NODE_TYPES.ChainExpression)) {
      child = parent;
      parent = child.parent;
    }
    if (!parent) continue;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === child) {
      const call = parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent ? parent.parent : null;
      const name = keyName(parent.property, parent.computed);
      if (call && (name === null || !LISTENING_METHODS.has(name))) return call;
      continue;
    }
    if ((parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression) && parent.arguments.includes(child as TSESTree.CallExpressionArgument)) {
      const callee = parent.callee.type === AST_NODE_TYPES.MemberExpression ? keyName(parent.callee.property, parent.callee.computed) : null;
      const registers = index.registrations.some((r) => r.call === parent);
      if (!registers && (callee === null || !BOOKKEEPING_METHODS.has(callee))) return parent;
    }
  }
  return null;
}

/** A local of fn assigned once, at its declaration. */
export function isOwnConstant(variable: ScopeVariable, fn: FunctionNode): boolean {
  const declared = variable.identifiers[0];
  return (
    declared !== undefined &&
    isInside(declared, fn.body) &&
    variable.defs[0]?.type === 'Variable' &&
    !variable.references.some((reference) => !reference.init && reference.isWrite())
  );
}

/**
 * The locals the returned value is made of (`session` in `return session.id`, `id` in `return { id }`). The
 * registry hands later calls the first call's result, so handlers that read these stay consistent with it.
 */
export function resultParts(index: FileIndex, returns: readonly TSESTree.ReturnStatement[], fn: FunctionNode): Set<ScopeVariable> {
  const parts = new Set<ScopeVariable>();
  for (const statement of returns) {
    if (!statement.argument) continue;
    const stack: TSESTree.Node[] = [statement.argument];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (isFunctionNode(node)) continue;
      if (node.type === AST_NODE_TYPES.Identifier && isReference(node)) {
        const variable = index.variableOf.get(node);
        if (variable && isOwnConstant(variable, fn)) parts.add(variable);
      }
      pushChildNodes(stack, node);
    }
  }
  return parts;
}

/**
 * Which of the tracker's own bindings hold a value of this call (a parameter other than the emitter, a local made
 * from one): a handler attached once would keep the first call's. The emitter, the stored result and constants
 * derived from them are the same on every call the registry lets through.
 */
export class PerCallValues {
  private readonly verdicts = new Map<ScopeVariable, boolean>();

  constructor(
    private readonly index: FileIndex,
    private readonly fn: FunctionNode,
    /** The tracker, or the outermost function around it that runs per request. */
    private readonly callScope: TSESTree.Node,
    private readonly emitter: ScopeVariable,
    private readonly result: ReadonlySet<ScopeVariable>,
  ) {}

  /** The per-call bindings read anywhere under `node` (a handler, or a local function it calls). */
  readBy(node: TSESTree.Node): string[] {
    const read = new Set<ScopeVariable>();
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (current.type === AST_NODE_TYPES.Identifier && isReference(current)) {
        const variable = this.index.variableOf.get(current);
        if (variable && this.isOwn(variable, node) && this.isPerCall(variable)) read.add(variable);
      }
      pushChildNodes(stack, current);
    }
    // In the order they are declared, for a stable report.
    return [...read].sort((a, b) => (a.identifiers[0]?.range[0] ?? 0) - (b.identifiers[0]?.range[0] ?? 0)).map((variable) => variable.name);
  }

  /** Declared by one run: by the tracker (a parameter or a local) or the per-request code around it; not inside `within`. */
  isOwn(variable: ScopeVariable, within: TSESTree.Node | null): boolean {
    const declared = variable.identifiers[0];
    return declared !== undefined && isInside(declared, this.callScope) && !(within && isInside(declared, within));
  }

  isPerCall(variable: ScopeVariable): boolean {
    if (variable === this.emitter || this.result.has(variable)) return false;
    const known = this.verdicts.get(variable);
    if (known !== undefined) return known;
    this.verdicts.set(variable, true); // a cycle counts as per-call
    const verdict = this.decide(variable);
    this.verdicts.set(variable, verdict);
    return verdict;
  }

  private decide(variable: ScopeVariable): boolean {
    const def = variable.defs[0];
    const declared = variable.identifiers[0];
    if (!def || !declared || !isInside(declared, this.fn)) return true;
    if (def.type === 'FunctionName') return this.readBy(def.node).length > 0;
    if (def.type !== 'Variable') return true;
    const declarator = def.node as TSESTree.VariableDeclarator;
    const declaration = def.parent as TSESTree.VariableDeclaration | undefined;
    if (declaration?.kind !== 'const' || declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return true;
    const init = unwrap(declarator.init);
    if (isFunctionNode(init)) return this.readBy(init).length > 0;
    return !this.isSteady(init);
  }

  /** An initializer that computes the same from the same emitter: no calls, no writes, only steady bindings. */
  private isSteady(init: TSESTree.Node): boolean {
    const stack = [init];
    while (stack.length > 0) {
      const current = stack.pop()!;
      switch (current.type) {
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression:
        case AST_NODE_TYPES.AwaitExpression:
        case AST_NODE_TYPES.YieldExpression:
        case AST_NODE_TYPES.AssignmentExpression:
        case AST_NODE_TYPES.UpdateExpression:
        case AST_NODE_TYPES.TaggedTemplateExpression:
          return false;
        case AST_NODE_TYPES.Identifier: {
          if (!isReference(current)) break;
          const variable = this.index.variableOf.get(current);
          if (variable && this.isOwn(variable, null) && this.isPerCall(variable)) return false;
          break;
        }
        default:
          break;
      }
      if (!isFunctionNode(current)) pushChildNodes(stack, current);
    }
    return true;
  }

  /** Reads no binding of the tracker at all (`Date.now()`): safe to evaluate again on a later call. */
  readsNothingOwn(node: TSESTree.Node): boolean {
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (current.type === AST_NODE_TYPES.Identifier && isReference(current)) {
        const variable = this.index.variableOf.get(current);
        if (variable && this.isOwn(variable, null)) return false;
      }
      if (current.type === AST_NODE_TYPES.ThisExpression) return false;
      pushChildNodes(stack, current);
    }
    return true;
  }
}

