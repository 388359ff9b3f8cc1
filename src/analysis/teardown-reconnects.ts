// Teardowns that undo themselves: `disconnect()` closes the websocket, and the websocket's own 'close' listener,
// which reconnects after a dropped connection, goes on to open a new one. The client the user disconnected reconnects.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, calleeObject, describeNode, findInRun, isFunctionLike, line, memberName, rootOf, unwrap } from './ast.js';
import { bindingKey } from './bindings.js';
import type { CallGraph } from './call-graph.js';
import type { ClassNode, FileIndex, FunctionInfo } from './file-index.js';
import type { Finding } from './index.js';
import { exitsEarly, methodOf } from './lifecycles.js';
import { teardownsOf } from './reentered-paths.js';
import { shownEvent, type Registration } from './registrations.js';
import type { Frame, RepeatingContexts } from './repeating-contexts.js';
import { CLOSING_METHODS } from './vocabulary.js';

/** Events a connection emits when it is closed: a listener for them that reconnects runs after the teardown too. */
const CLOSED_EVENTS: ReadonlySet<string> = new Set(['close', 'end', 'disconnect', 'exit']);
const MAX_REACH_DEPTH = 5;

/** What a teardown leaves in a field it assigns: a known truth value, or unknown (`this.ws = this.next`). */
type FieldValue = { readonly known: true; readonly value: unknown } | { readonly known: false };
type Truth = boolean | 'unknown' | 'unrelated';

function literalValue(node: TSESTree.Node): FieldValue {
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.Literal) return { known: true, value: inner.value };
  if (inner.type === AST_NODE_TYPES.Identifier && inner.name === 'undefined') return { known: true, value: undefined };
  if (inner.type === AST_NODE_TYPES.UnaryExpression && inner.operator === 'void') return { known: true, value: undefined };
  // Objects and functions are truthy whatever they hold.
  if (inner.type === AST_NODE_TYPES.NewExpression || inner.type === AST_NODE_TYPES.ObjectExpression || inner.type === AST_NODE_TYPES.ArrayExpression || isFunctionLike(inner)) {
    return { known: true, value: {} };
  }
  return { known: false };
}

/** Would `test` be true right after the teardown set `fields`? 'unrelated' when it reads none of them. */
function truthAfter(index: FileIndex, test: TSESTree.Node, fields: ReadonlyMap<string, FieldValue>): Truth {
  const inner = unwrap(test);
  const fieldOf = (node: TSESTree.Node): FieldValue | undefined => {
    const member = unwrap(node);
    const key = member.type === AST_NODE_TYPES.MemberExpression ? bindingKey(index, member) : null;
    return key === null ? undefined : fields.get(key);
  };
  switch (inner.type) {
    case AST_NODE_TYPES.MemberExpression: {
      const field = fieldOf(inner);
      if (!field) return 'unrelated';
      return field.known ? Boolean(field.value) : 'unknown';
    }
    case AST_NODE_TYPES.UnaryExpression: {
      if (inner.operator !== '!') break;
      const truth = truthAfter(index, inner.argument, fields);
      return typeof truth === 'boolean' ? !truth : truth;
    }
    case AST_NODE_TYPES.LogicalExpression: {
      const left = truthAfter(index, inner.left, fields);
      const right = truthAfter(index, inner.right, fields);
      if (left === 'unrelated' && right === 'unrelated') return 'unrelated';
      if (inner.operator === '&&' && (left === false || right === false)) return false;
      if (inner.operator === '||' && (left === true || right === true)) return true;
      if (inner.operator !== '??' && left === right) return left;
      return 'unknown';
    }
    case AST_NODE_TYPES.BinaryExpression: {
      if (!['===', '!==', '==', '!='].includes(inner.operator)) break;
      const [field, other] = fieldOf(inner.left) ? [fieldOf(inner.left)!, inner.right] : [fieldOf(inner.right), inner.left];
      if (!field) break;
      const compared = literalValue(other);
      if (!field.known || !compared.known || (typeof compared.value === 'object' && compared.value !== null)) return 'unknown';
      // The condition's own comparison, loose or strict, evaluated as written.
      const equal = inner.operator.length === 3 ? field.value === compared.value : field.value == compared.value;
      return inner.operator.startsWith('!') ? !equal : equal;
    }
    default:
      break;
  }
  // Any other condition reading a field the teardown set: it may well be the check.
  const mentions = findInRun(inner, (node) => node.type === AST_NODE_TYPES.MemberExpression && fieldOf(node) !== undefined);
  return mentions ? 'unknown' : 'unrelated';
}

/**
 * Is `node` (in `fn`) skipped once the teardown has set `fields`? Checks the conditions around it and the early exits
 * before it, up to fn. A condition that may or may not hold counts as a check: the analysis prefers silence.
 */
function skippedAfterTeardown(index: FileIndex, node: TSESTree.Node, fn: FunctionInfo, fields: ReadonlyMap<string, FieldValue>): boolean {
  const blocks = (truth: Truth, when: boolean): boolean => truth === 'unknown' || truth === !when;
  let child: TSESTree.Node = node;
  while (child !== fn.node && child.parent) {
    const parent: TSESTree.Node = child.parent;
    switch (parent.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (child !== parent.test && blocks(truthAfter(index, parent.test, fields), child === parent.consequent)) return true;
        break;
      case AST_NODE_TYPES.LogicalExpression:
        if (child === parent.right && parent.operator !== '??' && blocks(truthAfter(index, parent.left, fields), parent.operator === '&&')) return true;
        break;
      case AST_NODE_TYPES.BlockStatement:
        for (const statement of parent.body) {
          if (statement === child) break;
          if (statement.type === AST_NODE_TYPES.IfStatement && exitsEarly(statement.consequent) && blocks(truthAfter(index, statement.test, fields), false)) return true;
        }
        break;
      default:
        break;
    }
    child = parent;
  }
  return false;
}

/** Fields a run assigns, by key, with the last value each gets. */
function assignedFields(index: FileIndex, runs: readonly FunctionInfo[]): Map<string, FieldValue> {
  const fields = new Map<string, FieldValue>();
  for (const fn of runs) {
    findInRun(fn.node.body, (node) => {
      if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression && unwrap(node.left.object).type === AST_NODE_TYPES.ThisExpression) {
        const key = bindingKey(index, node.left);
        if (key !== null) fields.set(key, node.operator === '=' ? literalValue(node.right) : { known: false });
      }
      return false;
    });
  }
  return fields;
}

/**
 * Teardowns that close a connection (`this.ws.close()`) whose `'close'` listener goes on to create the connection again,
 * with no check of anything the teardown sets (`if (!this.closing)`) and no removal of that listener first.
 */
export function findReconnectsAfterTeardown(index: FileIndex, graph: CallGraph, contexts: RepeatingContexts): Finding[] {
  const closedListeners = index.registrations.filter(
    (registration) => registration.handler !== null && registration.event.value !== null && CLOSED_EVENTS.has(registration.event.value),
  );
  if (closedListeners.length === 0) return [];
  const findings: Finding[] = [];
  const classes = new Set<ClassNode>();
  for (const registration of closedListeners) {
    const cls = methodOf(registration.fn)?.classNode;
    if (cls) classes.add(cls);
  }
  for (const cls of classes) {
    for (const teardown of teardownsOf(graph, cls)) {
      // The teardown's own run and the methods it calls directly (`this.cleanup()`).
      const runs = [teardown, ...teardown.calls.flatMap((call) => graph.calleesOf(call)).filter((fn) => index.enclosingClass(fn) === cls)];
      const fields = assignedFields(index, runs);
      const inRuns = (fn: FunctionInfo | null): boolean => fn !== null && runs.includes(fn);
      const closes = runs.flatMap((fn) => fn.calls).filter((call) => {
        const object = calleeObject(call);
        return CLOSING_METHODS.has(calleeName(call) ?? '') && object !== null && unwrap(object).type === AST_NODE_TYPES.MemberExpression && rootOf(object).type === AST_NODE_TYPES.ThisExpression;
      });
      for (const close of closes) {
        const object = calleeObject(close)!;
        const key = bindingKey(index, object);
        if (key === null) continue;
        const creators = creatorsOf(index, cls, object);
        if (creators.size === 0) continue;
        for (const listener of closedListeners) {
          if (bindingKey(index, listener.receiver) !== key) continue;
          const removed =
            index.removals.some((removal) => inRuns(removal.fn) && removal.event.value === listener.event.value && bindingKey(index, removal.receiver) === key) ||
            index.removeAlls.some(
              (removeAll) => inRuns(removeAll.fn) && (removeAll.event === null || removeAll.event.value === listener.event.value) && bindingKey(index, removeAll.receiver) === key,
            );
          if (removed) continue;
          for (const handler of graph.resolveFunctionRef(listener.handler!)) {
            const step = firstStepTo(index, graph, handler, creators, fields);
            if (!step) continue;
            findings.push(reconnectFinding(index, contexts, cls, teardown, close, object, listener, step));
            break;
          }
        }
      }
    }
  }
  return findings;
}

/** The methods that put a new connection into the field (`this.ws = new WebSocket(url)`): reaching one reconnects. */
function creatorsOf(index: FileIndex, cls: ClassNode, object: TSESTree.Node): Set<FunctionInfo> {
  const inner = unwrap(object);
  const name = inner.type === AST_NODE_TYPES.MemberExpression ? memberName(inner) : null;
  const creators = new Set<FunctionInfo>();
  for (const write of (name === null ? undefined : index.fieldWrites.get(cls)?.get(name)) ?? []) {
    const value = unwrap(write);
    if (value.type !== AST_NODE_TYPES.NewExpression && value.type !== AST_NODE_TYPES.CallExpression) continue;
    const fn = index.enclosingFunction(write);
    if (fn && !fn.isConstructor) creators.add(fn);
  }
  return creators;
}

/**
 * The first call (or callback) in `handler` that leads, unchecked, to a method that creates the connection again;
 * null when every such path checks a field the teardown sets first.
 */
function firstStepTo(
  index: FileIndex,
  graph: CallGraph,
  handler: FunctionInfo,
  creators: ReadonlySet<FunctionInfo>,
  fields: ReadonlyMap<string, FieldValue>,
): TSESTree.Node | null {
  const visited = new Set<FunctionInfo>();
  const leadsThere = (fn: FunctionInfo, depth: number): boolean => {
    if (creators.has(fn)) return true;
    if (depth > MAX_REACH_DEPTH || visited.has(fn)) return false;
    visited.add(fn);
    return stepIn(fn, depth) !== null;
  };
  const stepIn = (fn: FunctionInfo, depth: number): TSESTree.Node | null => {
    for (const call of fn.calls) {
      if (skippedAfterTeardown(index, call, fn, fields)) continue;
      // `setTimeout(this.connect.bind(this), ms)`: a function passed on runs too.
      const passed = call.arguments.flatMap((arg) => (arg.type === AST_NODE_TYPES.SpreadElement || isFunctionLike(arg) ? [] : graph.resolveFunctionRef(arg)));
      if ([...graph.calleesOf(call), ...passed].some((callee) => leadsThere(callee, depth + 1))) return call;
    }
    for (const child of graph.childrenOf(fn)) {
      if (skippedAfterTeardown(index, child.node, fn, fields)) continue;
      if (leadsThere(child, depth + 1)) return child.node.parent.type === AST_NODE_TYPES.CallExpression ? child.node.parent : child.node;
    }
    return null;
  };
  return stepIn(handler, 0);
}

function reconnectFinding(
  index: FileIndex,
  contexts: RepeatingContexts,
  cls: ClassNode,
  teardown: FunctionInfo,
  close: TSESTree.CallExpression,
  object: TSESTree.Node,
  listener: Registration,
  step: TSESTree.Node,
): Finding {
  const text = index.input.text;
  const className = cls.id?.name ?? 'the client';
  const frame: Frame = contexts.frameOf(listener.call) ?? {
    node: teardown.node,
    fn: teardown,
    reason: { kind: 'reentered', what: teardown.displayName, node: close, via: null },
  };
  const objectText = describeNode(text, object);
  const data = {
    teardown: `${teardown.displayName}()`,
    object: objectText,
    event: shownEvent(listener.event),
    listenerLine: String(line(listener.call)),
    reconnect: describeNode(text, step),
    reconnectLine: String(line(step)),
  };
  return {
    kind: 'reconnectsAfterTeardown',
    registration: listener,
    node: close,
    frame,
    lifetime: { kind: 'long-lived', what: `this ${className}, which its ${shownEvent(listener.event)} listener connects again`, evidence: cls },
    pairing: { kind: 'unpaired', problem: 'reconnects-after-teardown', evidence: step },
    data,
    evidence: [
      { line: line(close), what: `${teardown.displayName} closes ${objectText}` },
      { line: line(listener.call), what: `the ${shownEvent(listener.event)} listener of ${objectText}` },
      { line: line(step), what: 'reconnects with no check of what the teardown set' },
    ],
    suggestions: [],
  };
}

