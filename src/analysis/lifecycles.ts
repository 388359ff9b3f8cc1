// Lifecycles: a client's `connect()` runs again on the same object (after `disconnect()`, on every reconnect), so what
// it adds to an emitter that outlives one connection must come off in the teardown (disconnect, close, stop, ...).
// Pairs such registrations with their removal there (teardown-reconnects.ts finds teardowns that undo themselves).
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { findInRun, memberName, unwrap } from './ast.js';
import { bindingKey, definitionOf } from './bindings.js';
import type { CallGraph } from './call-graph.js';
import type { ClassNode, FileIndex, FunctionInfo } from './file-index.js';
import type { Pairing } from './pairing.js';
import { findReenteredPaths, teardownsOf, type ReenteredPath } from './reentered-paths.js';
import type { Registration, Removal } from './registrations.js';
import type { Frame, RepeatReason, RepeatingContexts } from './repeating-contexts.js';
import { TEARDOWN_COUNTERPARTS } from './vocabulary.js';

export interface LifecycleContext {
  /** The function that runs again: a lifecycle method by name, or a function of a reconnect cycle. */
  readonly seed: FunctionInfo;
  /** The class whose instance the registration's `this` is. */
  readonly cls: ClassNode;
  /** The method of that class the registration is written in (`connect`, or a helper it calls). */
  readonly method: FunctionInfo;
  /** The class's teardown methods, preferred first. */
  readonly teardowns: readonly FunctionInfo[];
  /** Where a removal belongs: the counterpart of the lifecycle method (connect: disconnect), else the first teardown. */
  readonly teardown: FunctionInfo | null;
  /** A reconnect cycle runs the code again without running a teardown first. */
  readonly reconnectSkipsTeardown: boolean;
  /** Only its callers run it again (connect after disconnect): no reconnect cycle goes through it. */
  readonly byCallersOnly: boolean;
}

type Unpaired = Extract<Pairing, { kind: 'unpaired' }>;

export interface Lifecycles {
  /** The lifecycle a registration repeats with, or null when it repeats for another reason (a request, a timer). */
  contextOf(registration: Registration, frame: Frame): LifecycleContext | null;
  /**
   * An unpaired registration seen as part of a lifecycle: paired by a removal in the teardown or by a once-per-instance
   * guard, or unpaired with the lifecycle's own problem (no removal in the teardown, one elsewhere, one the reconnect skips).
   */
  refine(registration: Registration, frame: Frame, unpaired: Unpaired, sameHandler: (removal: Removal) => boolean): Pairing;
}

const MAX_TEARDOWN_HOPS = 3;

/** The method a function belongs to: itself, or the method around the arrows it is nested in. */
export function methodOf(fn: FunctionInfo | null): FunctionInfo | null {
  let current = fn;
  while (current && current.classNode === null && current.node.type === AST_NODE_TYPES.ArrowFunctionExpression) current = current.parent;
  return current?.classNode ? current : null;
}

/** The function a `reentered` seed reason was given to. */
function seedFunctions(index: FileIndex, contexts: RepeatingContexts): Map<RepeatReason, FunctionInfo> {
  const seeds = new Map<RepeatReason, FunctionInfo>();
  for (const fn of index.functions) {
    const reason = contexts.reasonOf(fn);
    if (reason?.kind === 'reentered') seeds.set(reason, fn);
  }
  return seeds;
}

/** Every function a set of functions runs: their calls and nested functions, a few hops deep. */
function reachFrom(graph: CallGraph, roots: readonly FunctionInfo[], hops: number): Set<FunctionInfo> {
  const reached = new Set(roots);
  let frontier = [...roots];
  for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
    const next: FunctionInfo[] = [];
    for (const fn of frontier) {
      const out = [...graph.childrenOf(fn), ...fn.calls.flatMap((call) => graph.calleesOf(call))];
      for (const to of out) {
        if (reached.has(to)) continue;
        reached.add(to);
        next.push(to);
      }
    }
    frontier = next;
  }
  return reached;
}

/** `this.field` members read in a condition (not inside functions in it), by binding key. */
function thisFieldKeys(index: FileIndex, test: TSESTree.Node): Set<string> {
  const keys = new Set<string>();
  findInRun(test, (node) => {
    if (node.type === AST_NODE_TYPES.MemberExpression && unwrap(node.object).type === AST_NODE_TYPES.ThisExpression && memberName(node) !== null) {
      const key = bindingKey(index, node);
      if (key !== null) keys.add(key);
    }
    return false;
  });
  return keys;
}

function assignsKey(index: FileIndex, root: TSESTree.Node, key: string): boolean {
  return (
    findInRun(
      root,
      (node) => node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression && bindingKey(index, node.left) === key,
    ) !== undefined
  );
}

export function exitsEarly(statement: TSESTree.Node): boolean {
  return findInRun(statement, (node) => node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement) !== undefined;
}

/** A value that reads as false in a condition: `null`, `undefined`, `false`, `0`, `''`, `void 0`. */
function isFalsyLiteral(node: TSESTree.Node): boolean {
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.Literal) return !inner.value;
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name === 'undefined';
  return inner.type === AST_NODE_TYPES.UnaryExpression && inner.operator === 'void';
}

export function buildLifecycles(index: FileIndex, graph: CallGraph, contexts: RepeatingContexts): Lifecycles {
  const paths = findReenteredPaths(index, graph, new Map(index.registrations.map((registration) => [registration.call, registration])));
  let seeds: Map<RepeatReason, FunctionInfo> | null = null;
  // Removals by receiver, grouped once on first use, so pairing stays linear in the file.
  let removalsByKey: Map<string, Removal[]> | null = null;
  const removalsOf = (key: string): readonly Removal[] => {
    if (!removalsByKey) {
      removalsByKey = new Map();
      for (const removal of index.removals) {
        const receiverKey = bindingKey(index, removal.receiver);
        if (receiverKey === null) continue;
        const list = removalsByKey.get(receiverKey);
        if (list) list.push(removal);
        else removalsByKey.set(receiverKey, [removal]);
      }
    }
    return removalsByKey.get(key) ?? [];
  };
  const teardownReach = new Map<ClassNode, Set<FunctionInfo>>();
  const reachOfTeardowns = (cls: ClassNode, teardowns: readonly FunctionInfo[]): Set<FunctionInfo> => {
    let reach = teardownReach.get(cls);
    if (!reach) teardownReach.set(cls, (reach = reachFrom(graph, teardowns, MAX_TEARDOWN_HOPS)));
    return reach;
  };

  const seedOf = (frame: Frame): FunctionInfo | null => {
    let reason: RepeatReason = frame.reason;
    while ((reason.kind === 'called-from' || reason.kind === 'inherited') && reason.via) reason = reason.via;
    if (reason.kind !== 'reentered') return null;
    seeds ??= seedFunctions(index, contexts);
    return seeds.get(reason) ?? null;
  };

  const contextOf = (registration: Registration, frame: Frame): LifecycleContext | null => {
    const seed = seedOf(frame);
    const method = methodOf(registration.fn);
    const cls = method?.classNode ?? null;
    if (!seed || !method || !cls || index.enclosingClass(seed) !== cls) return null;
    const teardowns = teardownsOf(graph, cls);
    const counterparts = TEARDOWN_COUNTERPARTS.get(method.name ?? '') ?? TEARDOWN_COUNTERPARTS.get(seed.name ?? '') ?? [];
    const teardown = counterparts.map((name) => teardowns.find((fn) => fn.name === name)).find((fn) => fn !== undefined) ?? teardowns[0] ?? null;
    const cycles = paths.filter((path): path is ReenteredPath & { cycle: readonly FunctionInfo[] } => path.fn === seed && path.cycle !== null);
    const runsTeardown = (cycle: readonly FunctionInfo[]): boolean =>
      cycle.some((member) => member.calls.some((call) => graph.calleesOf(call).some((callee) => teardowns.includes(callee))));
    return {
      seed,
      cls,
      method,
      teardowns,
      teardown,
      reconnectSkipsTeardown: cycles.length > 0 && !cycles.some((path) => runsTeardown(path.cycle)),
      byCallersOnly: cycles.length === 0,
    };
  };

  /** Removals of the same listener that a teardown runs. */
  const removalInTeardown = (registration: Registration, context: LifecycleContext, sameHandler: (removal: Removal) => boolean): Removal | null => {
    const key = bindingKey(index, registration.receiver);
    if (key === null || context.teardowns.length === 0) return null;
    const reach = reachOfTeardowns(context.cls, context.teardowns);
    return (
      removalsOf(key).find(
        (removal) =>
          removal.event.value !== null &&
          removal.event.value === registration.event.value &&
          sameHandler(removal) &&
          removal.fn !== null &&
          reach.has(removal.fn),
      ) ?? null
    );
  };

  /**
   * `if (!this.onSigint) { this.onSigint = ...; process.on('SIGINT', this.onSigint); }`: a field set where it is tested
   * lets the registration run once per instance. Not a guard when something clears the field without removing the listener.
   */
  const instanceGuard = (registration: Registration, context: LifecycleContext): TSESTree.Node | null => {
    const receiverKey = bindingKey(index, registration.receiver);
    const clearedWithoutRemoval = (fieldKey: string): boolean => {
      const name = fieldKey.slice(fieldKey.lastIndexOf('.') + 1);
      const writes = index.fieldWrites.get(context.cls)?.get(name) ?? [];
      return writes.some((write) => {
        if (!isFalsyLiteral(write)) return false;
        const writer = index.enclosingFunction(write);
        return !removalsOf(receiverKey ?? '').some((removal) => removal.fn === writer && removal.event.value === registration.event.value);
      });
    };
    const limit = context.method.node;
    let child: TSESTree.Node = registration.call;
    for (let parent: TSESTree.Node | undefined = child.parent; parent; child = parent, parent = child.parent) {
      if (parent.type === AST_NODE_TYPES.IfStatement && child === parent.consequent) {
        for (const key of thisFieldKeys(index, parent.test)) {
          if (assignsKey(index, parent.consequent, key) && !clearedWithoutRemoval(key)) return parent.test;
        }
      }
      if (parent.type === AST_NODE_TYPES.BlockStatement) {
        for (const statement of parent.body) {
          if (statement === child) break;
          if (statement.type !== AST_NODE_TYPES.IfStatement || !exitsEarly(statement.consequent)) continue;
          for (const key of thisFieldKeys(index, statement.test)) {
            if (assignsKey(index, limit.body, key) && !clearedWithoutRemoval(key)) return statement.test;
          }
        }
      }
      if (parent === limit) break;
    }
    return null;
  };

  return {
    contextOf,
    refine(registration, frame, unpaired, sameHandler) {
      const context = contextOf(registration, frame);
      if (!context) return unpaired;
      const guard = instanceGuard(registration, context);
      if (guard) return { kind: 'guarded', evidence: guard };
      // `subscribe(listener) { bus.on('change', listener) }`: each call adds its caller's listener, the API's purpose.
      const handler = registration.handler ? unwrap(registration.handler) : null;
      if (context.byCallersOnly && handler?.type === AST_NODE_TYPES.Identifier && definitionOf(index, handler)?.kind === 'parameter') {
        return { kind: 'paired', evidence: handler };
      }
      const { teardown } = context;
      if (!teardown) return unpaired;
      const teardownText = `${teardown.displayName}()`;
      if (!(unpaired.problem === 'none' || unpaired.problem === 'once' || unpaired.problem === 'too-late')) {
        return { ...unpaired, lifecycle: true, data: { teardown: teardownText } };
      }
      const removal = removalInTeardown(registration, context, sameHandler);
      if (removal) {
        if (!context.reconnectSkipsTeardown) return { kind: 'paired', evidence: removal.call };
        const removedIn = `${(methodOf(removal.fn) ?? teardown).displayName}()`;
        return { kind: 'unpaired', problem: 'only-in-teardown', evidence: removal.call, data: { teardown: removedIn }, lifecycle: true };
      }
      if (unpaired.problem === 'too-late' && unpaired.evidence) {
        const where = index.enclosingFunction(unpaired.evidence);
        const removalFunction = (methodOf(where) ?? where)?.displayName ?? 'module code';
        return { kind: 'unpaired', problem: 'outside-teardown', evidence: unpaired.evidence, data: { teardown: teardownText, removalFunction }, lifecycle: true };
      }
      if (unpaired.problem === 'once') return { ...unpaired, lifecycle: true, data: { teardown: teardownText } };
      return { kind: 'unpaired', problem: 'not-in-teardown', evidence: null, data: { teardown: teardownText }, lifecycle: true };
    },
  };
}
