// Registry guards: code that skips a registration when the emitter has been seen before (a WeakMap/Set
// lookup keyed by it, a marker property, `socket.connecting`, a listener count, a scan comparing it).
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, filterInRun, findInRun, memberName, pushChildNodes } from './ast.js';
import { bindingKey, definitionOf } from './bindings.js';
import type { FileIndex } from './file-index.js';

/** Calls that look an emitter up (`seen.has(socket)`) or count what it holds (`EventEmitter.listenerCount(socket, 'close')`). */
const EMITTER_QUERIES = new Set(['has', 'get', 'includes', 'indexOf', 'lastIndexOf', 'find', 'findIndex', 'some', 'every', 'filter', 'listenerCount']);
const SELF_QUERIES = new Set(['connecting', 'listenerCount', 'listeners', 'rawListeners', 'pending']);
const EQUALITY = new Set(['===', '!==', '==', '!=']);

export interface Guard {
  /** The condition that skips the registration for an emitter seen before. */
  readonly test: TSESTree.Node;
}

/** Does `test` look the emitter `key` up in a registry, compare it, or read a marker on it? */
function mentionsIdentity(index: FileIndex, test: TSESTree.Node, key: string): boolean {
  return identitiesIn(index, test, 0).has(key);
}

/**
 * The emitters (by binding key) a test looks up, compares or reads a marker on. They do not depend on the emitter
 * asked about, and the same test is asked about many: every call after an early exit, every argument of each. So
 * each test is read once per index, and at most its first 2000 nodes.
 */
const identitiesCache = new WeakMap<FileIndex['variableOf'], Map<TSESTree.Node, ReadonlySet<string>>[]>();
function identitiesIn(index: FileIndex, test: TSESTree.Node, depth: number): ReadonlySet<string> {
  let byDepth = identitiesCache.get(index.variableOf);
  if (!byDepth) identitiesCache.set(index.variableOf, (byDepth = []));
  const cache = (byDepth[depth] ??= new Map());
  const cached = cache.get(test);
  if (cached) return cached;
  const keys = new Set<string>();
  const add = (node: TSESTree.Node): void => {
    const key = bindingKey(index, node);
    if (key !== null) keys.add(key);
  };
  const stack = [test];
  let visited = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (++visited > 2000) break;
    switch (node.type) {
      case AST_NODE_TYPES.CallExpression: {
        const name = calleeName(node);
        if (name !== null && EMITTER_QUERIES.has(name)) for (const arg of node.arguments) add(arg);
        break;
      }
      case AST_NODE_TYPES.BinaryExpression:
        if (EQUALITY.has(node.operator)) {
          add(node.left);
          add(node.right);
        }
        if (node.operator === 'in') add(node.right);
        break;
      case AST_NODE_TYPES.MemberExpression: {
        const name = memberName(node);
        // `socket[kTracked]` (a symbol marker), `socket.connecting`, or a property the file assigns somewhere.
        if (name === null || SELF_QUERIES.has(name) || index.assignedProperties.has(name)) add(node.object);
        break;
      }
      case AST_NODE_TYPES.Identifier: {
        // `const record = registry.get(socket); if (record) return record;`
        if (depth < 2) {
          const definition = definitionOf(index, node);
          if (definition?.kind === 'variable' && definition.init) for (const key of identitiesIn(index, definition.init, depth + 1)) keys.add(key);
        }
        break;
      }
      default:
        break;
    }
    pushChildNodes(stack, node);
  }
  cache.set(test, keys);
  return keys;
}

function exitsEarly(node: TSESTree.Node): boolean {
  return (
    findInRun(
      node,
      (current) =>
        current.type === AST_NODE_TYPES.ReturnStatement ||
        current.type === AST_NODE_TYPES.ThrowStatement ||
        current.type === AST_NODE_TYPES.ContinueStatement,
    ) !== undefined
  );
}

/** The tests of the `if`s inside a statement whose consequent leaves early (`if (seen.has(s)) return;`, a scan loop's `if`). */
function exitCandidatesOf(statement: TSESTree.Node): GuardCandidate[] {
  const exits = filterInRun(statement, (node) => node.type === AST_NODE_TYPES.IfStatement && exitsEarly(node.consequent));
  return exits.map((node) => ({ kind: 'mentions', test: (node as TSESTree.IfStatement).test }));
}

/** The statements of a block read so far (`read`), and the early-exit candidates among them by position. */
interface BlockExits {
  read: number;
  readonly exits: { readonly at: number; readonly candidates: readonly GuardCandidate[] }[];
}
const blockExitsCache = new WeakMap<TSESTree.Node, BlockExits>();

/**
 * Appends the early exits of the statements before `end` in a block's body, in order. Every call in a block asks about
 * the statements before it, so each block keeps what it read: most statements have none, and are read once.
 */
function pushExitsBefore(out: GuardCandidate[], block: TSESTree.Node, body: readonly TSESTree.Node[], end: number): void {
  let cached = blockExitsCache.get(block);
  if (!cached) blockExitsCache.set(block, (cached = { read: 0, exits: [] }));
  for (; cached.read < end; cached.read++) {
    const candidates = exitCandidatesOf(body[cached.read]!);
    if (candidates.length > 0) cached.exits.push({ at: cached.read, candidates });
  }
  for (const exit of cached.exits) {
    if (exit.at >= end) break;
    out.push(...exit.candidates);
  }
}

/**
 * `if (!this.wantTrailers) { this.wantTrailers = true; this.stream.once(...) }`: a flag on the receiver's owner
 * (or the receiver), set where it is tested, lets the registration run once per owner.
 */
function setsOwnFlag(index: FileIndex, test: TSESTree.Node, consequent: TSESTree.Node, key: string): boolean {
  const flags = new Set<string>();
  const stack = [test];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === AST_NODE_TYPES.MemberExpression) {
      const flag = bindingKey(index, node);
      const owner = flag?.slice(0, flag.lastIndexOf('.'));
      if (flag && owner && (key === owner || key.startsWith(`${owner}.`) || key.startsWith(`${owner}[`))) flags.add(flag);
      continue;
    }
    pushChildNodes(stack, node);
  }
  if (flags.size === 0) return false;
  const setsFlag = (node: TSESTree.Node): boolean => {
    if (node.type !== AST_NODE_TYPES.AssignmentExpression || node.left.type !== AST_NODE_TYPES.MemberExpression) return false;
    const assigned = bindingKey(index, node.left);
    return assigned !== null && flags.has(assigned);
  };
  return findInRun(consequent, setsFlag) !== undefined;
}

/** A condition that may skip `node` for an emitter seen before, found without a key: the key is asked of it after. */
type GuardCandidate =
  /** A test that looks the emitter up, compares it or reads a marker on it (mentionsIdentity). */
  | { readonly kind: 'mentions'; readonly test: TSESTree.Node }
  /** An `if` whose consequent sets the flag it tests (setsOwnFlag). */
  | { readonly kind: 'flag'; readonly test: TSESTree.Node; readonly consequent: TSESTree.Node };

/**
 * The conditions that dominate `node`, from `node` up to `limit` (the repeating context), nearest first: enclosing
 * conditions, and early exits in the statements before it. They do not depend on the emitter, so a call passing
 * several arguments on is searched once, and a call with none skips the emitter's key altogether.
 */
export function guardCandidates(node: TSESTree.Node, limit: TSESTree.Node): GuardCandidate[] {
  const candidates: GuardCandidate[] = [];
  let child = node;
  let parent: TSESTree.Node | null | undefined = child.parent;
  while (parent) {
    switch (parent.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (child !== parent.test) candidates.push({ kind: 'mentions', test: parent.test });
        if (child === parent.consequent) candidates.push({ kind: 'flag', test: parent.test, consequent: parent.consequent });
        break;
      case AST_NODE_TYPES.LogicalExpression:
        if (child === parent.right) candidates.push({ kind: 'mentions', test: parent.left });
        break;
      case AST_NODE_TYPES.BlockStatement:
      case AST_NODE_TYPES.Program:
      case AST_NODE_TYPES.StaticBlock:
      case AST_NODE_TYPES.SwitchCase: {
        const body: readonly TSESTree.Node[] = parent.type === AST_NODE_TYPES.SwitchCase ? parent.consequent : parent.body;
        const at = body.indexOf(child);
        pushExitsBefore(candidates, parent, body, at === -1 ? body.length : at);
        break;
      }
      default:
        break;
    }
    if (parent === limit) break;
    child = parent;
    parent = child.parent;
  }
  return candidates;
}

/** The first of the candidates that guards the emitter `key`. */
export function guardFor(index: FileIndex, candidates: readonly GuardCandidate[], key: string): Guard | null {
  for (const candidate of candidates) {
    const guards =
      candidate.kind === 'mentions' ? mentionsIdentity(index, candidate.test, key) : setsOwnFlag(index, candidate.test, candidate.consequent, key);
    if (guards) return { test: candidate.test };
  }
  return null;
}

/**
 * The registry guard that dominates `node` (a registration or a call passing the emitter on), looking from
 * `node` up to `limit` (the repeating context): enclosing conditions and early exits before it.
 */
export function findRegistryGuard(index: FileIndex, node: TSESTree.Node, key: string, limit: TSESTree.Node): Guard | null {
  return guardFor(index, guardCandidates(node, limit), key);
}
