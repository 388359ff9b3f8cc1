// Re-entered paths: functions that run again from their own callbacks after a close, an error or a timer,
// the shape of a reconnect, and lifecycle methods (connect, start) of a class that can be torn down and started
// again. Plain recursion and stream pumps (`once('drain', () => this.flush())`) are not.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { isFunctionLike } from './ast.js';
import type { CallGraph } from './call-graph.js';
import { TIMER_NAMES, timerOf } from './call-kinds.js';
import { isMethodCallNotNamed, type ClassNode, type FileIndex, type FunctionInfo } from './file-index.js';
import type { Registration } from './registrations.js';
import { LIFECYCLE_METHODS, RECONNECT_EVENTS, TEARDOWN_COUNTERPARTS, TEARDOWN_LIFECYCLE_METHODS, TEARDOWN_PARAMETER } from './vocabulary.js';

export interface ReenteredPath {
  /** The function entered again. */
  readonly fn: FunctionInfo;
  /** The call (or timer, or listener registration) inside the cycle that enters it; for a lifecycle method, its teardown. */
  readonly via: TSESTree.Node;
  /** How it repeats, for messages. */
  readonly what: string;
  /** The functions of the reconnect cycle; null for a lifecycle method entered again by its callers (connect after disconnect). */
  readonly cycle: readonly FunctionInfo[] | null;
}

/** The teardown methods of a class (its own or inherited in this file), in the order of TEARDOWN_LIFECYCLE_METHODS. */
export function teardownsOf(graph: CallGraph, cls: ClassNode): FunctionInfo[] {
  return TEARDOWN_LIFECYCLE_METHODS.flatMap((name) => graph.methodsOf(cls, name).filter((fn) => !isStatic(fn) && takesNoMessage(fn)));
}

/** `close()`, `close(callback)`, `disconnect(reason = 'bye')`: a teardown. `close(msg)` sends a protocol message. */
function takesNoMessage(fn: FunctionInfo): boolean {
  return fn.node.params.every(
    (param) =>
      param.type === AST_NODE_TYPES.AssignmentPattern ||
      (param.type === AST_NODE_TYPES.Identifier && (param.optional || TEARDOWN_PARAMETER.test(param.name))),
  );
}

function isStatic(fn: FunctionInfo): boolean {
  const member = fn.node.parent;
  return (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) && member.static;
}

/** Computed once per file: the repeating contexts and the lifecycle analysis both ask. */
const pathsCache = new WeakMap<FileIndex, ReenteredPath[]>();

export function findReenteredPaths(
  index: FileIndex,
  graph: CallGraph,
  registrationByCall: ReadonlyMap<TSESTree.CallExpression, Registration>,
): ReenteredPath[] {
  const cached = pathsCache.get(index);
  if (cached) return cached;
  const found = [...findCycles(index, graph, registrationByCall), ...findLifecycleMethods(index, graph)];
  pathsCache.set(index, found);
  return found;
}

/** `connect()` of a class that also has `disconnect()`: whoever disconnects the client may connect it again. */
function findLifecycleMethods(index: FileIndex, graph: CallGraph): ReenteredPath[] {
  const found: ReenteredPath[] = [];
  for (const fn of index.functions) {
    if (fn.classNode === null || fn.name === null || fn.isConstructor || !LIFECYCLE_METHODS.has(fn.name) || isStatic(fn)) continue;
    const counterparts = TEARDOWN_COUNTERPARTS.get(fn.name) ?? [];
    const teardown = teardownsOf(graph, fn.classNode).find((candidate) => counterparts.includes(candidate.name ?? ''));
    if (!teardown) continue;
    const member = teardown.node.parent;
    const via = member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition ? member.key : teardown.node;
    found.push({ fn, via, what: `${fn.displayName}, which runs again when it is called after ${teardown.displayName}`, cycle: null });
  }
  return found;
}

function findCycles(
  index: FileIndex,
  graph: CallGraph,
  registrationByCall: ReadonlyMap<TSESTree.CallExpression, Registration>,
): ReenteredPath[] {
  const found: ReenteredPath[] = [];
  // Edges: nesting (a callback defined in fn), calls, listeners and timers fn sets up. An edge is
  // deferred when it runs later on a close/error/timeout or from a timer: a reconnect path goes through one.
  type Edge = { to: FunctionInfo; via: TSESTree.Node | null; deferred: boolean };
  // Indexed by FunctionInfo.id (the function's position in index.functions): arrays, not maps, on this hot path.
  const edges: Edge[][] = [];
  const deferredChildren = new Set<FunctionInfo>();
  for (const registration of index.registrations) {
    if (registration.handler && registration.event.value !== null && RECONNECT_EVENTS.has(registration.event.value)) {
      for (const target of graph.resolveFunctionRef(registration.handler)) deferredChildren.add(target);
    }
  }
  for (let i = 0; i < index.calls.length; i++) {
    // A method call is a timer only by a timer's name (`timers.setTimeout`): the others are passed by unread.
    if (isMethodCallNotNamed(index, i, TIMER_NAMES)) continue;
    const call = index.calls[i]!;
    if (timerOf(index, call) !== null) {
      const target = call.arguments[0];
      if (target && target.type !== AST_NODE_TYPES.SpreadElement) for (const fn of graph.resolveFunctionRef(target)) deferredChildren.add(fn);
    }
  }
  // A cycle needs a deferred edge inside it; without any deferred edge there is none to find.
  if (deferredChildren.size === 0) return found;
  // Such a cycle runs through a deferred target, so it lies among the functions reachable from one: only their
  // edges are built, as they are reached (resolving the calls of every function of the file would cost most of this).
  // Plain arrays, not typed ones: allocating a typed array costs more than the whole search in most files.
  const reachable: number[] = new Array<number>(index.functions.length).fill(0);
  const pending: FunctionInfo[] = [];
  const reach = (fn: FunctionInfo): void => {
    if (reachable[fn.id] === 1) return;
    reachable[fn.id] = 1;
    pending.push(fn);
  };
  for (const fn of deferredChildren) reach(fn);
  for (let head = 0; head < pending.length; head++) {
    const fn = pending[head]!;
    const out: Edge[] = [];
    for (const child of graph.childrenOf(fn)) out.push({ to: child, via: null, deferred: deferredChildren.has(child) });
    for (let j = 0; j < fn.calls.length; j++) {
      const call = fn.calls[j]!;
      for (const callee of graph.calleesOf(call)) out.push({ to: callee, via: call, deferred: false });
      // `setTimeout(this.connect.bind(this), ms)`, `socket.on('close', this.onClose)`: the function runs later.
      if (!registrationByCall.has(call) && timerOf(index, call) === null) continue;
      for (const arg of call.arguments) {
        if (arg.type === AST_NODE_TYPES.SpreadElement || isFunctionLike(arg)) continue;
        for (const target of graph.resolveFunctionRef(arg)) {
          if (deferredChildren.has(target)) out.push({ to: target, via: call, deferred: true });
        }
      }
    }
    edges[fn.id] = out;
    for (const edge of out) reach(edge.to);
  }
  // Tarjan's strongly connected components, iteratively.
  const count = index.functions.length;
  const order: number[] = new Array<number>(count).fill(-1);
  const low: number[] = new Array<number>(count).fill(0);
  const onStack: number[] = new Array<number>(count).fill(0);
  const stack: FunctionInfo[] = [];
  const components: FunctionInfo[][] = [];
  let counter = 0;
  for (const start of index.functions) {
    if (order[start.id] !== -1 || reachable[start.id] === 0) continue;
    const work: { fn: FunctionInfo; edge: number }[] = [{ fn: start, edge: 0 }];
    order[start.id] = counter;
    low[start.id] = counter++;
    stack.push(start);
    onStack[start.id] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const out = edges[top.fn.id] ?? [];
      if (top.edge < out.length) {
        const next = out[top.edge++]!.to;
        if (order[next.id] === -1) {
          order[next.id] = counter;
          low[next.id] = counter++;
          stack.push(next);
          onStack[next.id] = 1;
          work.push({ fn: next, edge: 0 });
        } else if (onStack[next.id] === 1) {
          low[top.fn.id] = Math.min(low[top.fn.id]!, order[next.id]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.fn;
        low[parent.id] = Math.min(low[parent.id]!, low[top.fn.id]!);
      }
      if (low[top.fn.id] === order[top.fn.id]) {
        const component: FunctionInfo[] = [];
        let member: FunctionInfo;
        do {
          member = stack.pop()!;
          onStack[member.id] = 0;
          component.push(member);
        } while (member !== top.fn);
        // A single function without an edge to itself is no cycle: most components, skipped here.
        if (component.length > 1 || (edges[top.fn.id] ?? []).some((edge) => edge.to === top.fn)) components.push(component.sort(bySource));
      }
    }
  }
  for (const component of components) {
    const members = new Set(component);
    const inside = component.flatMap((from) => (edges[from.id] ?? []).filter((edge) => members.has(edge.to)));
    // Plain recursion and stream pumps (`once('drain', () => this.flush())`) are not reconnect paths.
    if (!inside.some((edge) => edge.deferred)) continue;
    for (const from of component) {
      for (const edge of edges[from.id] ?? []) {
        if (edge.via === null || !members.has(edge.to)) continue;
        if (component.length === 1 && edge.to !== from) continue;
        found.push({ fn: edge.to, via: edge.via, what: `${edge.to.displayName}, which is entered again from inside itself`, cycle: component });
      }
    }
  }
  // In source order, not in the order the search met them: the first way into a function is the one its messages cite.
  return found.sort((a, b) => a.fn.id - b.fn.id || a.via.range[0] - b.via.range[0]);
}

/** Functions by where they start: `FunctionInfo.id` is the position in `index.functions`, which is source order. */
function bySource(a: FunctionInfo, b: FunctionInfo): number {
  return a.id - b.id;
}
