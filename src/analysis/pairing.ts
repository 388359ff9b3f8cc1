// Question 3: is the registration paired? A removal of the same handler (by binding) from the same receiver
// on a path that runs before the repeating code runs again, an AbortSignal aborted then, or a registry guard.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, calleeObject, isFunctionNode, isInside, memberName, memberPath, runsAtOnce, unwrap } from './ast.js';
import { bindingKey, definitionOf } from './bindings.js';
import type { CallGraph } from './call-graph.js';
import type { FileIndex, FunctionInfo } from './file-index.js';
import { findRegistryGuard } from './guards.js';
import { buildLifecycles } from './lifecycles.js';
import type { Receivers } from './receivers.js';
import { optionValue, type EventName, type Registration, type Removal } from './registrations.js';
import type { Frame, RepeatingContexts } from './repeating-contexts.js';
import { EMITTER_END_EVENTS, REQUEST_END_EVENTS, SOON_FIRING_EVENTS, TEARDOWN_METHODS } from './vocabulary.js';

export type Problem =
  | 'none'
  | 'once'
  | 'different-function'
  | 'only-on-close'
  | 'too-late'
  | 'remove-all'
  /** Lifecycle contexts (src/analysis/lifecycles.ts): the teardown does not remove it. */
  | 'not-in-teardown'
  /** Lifecycle contexts: removed, but in a method that is not the teardown and does not run before it repeats. */
  | 'outside-teardown'
  /** Lifecycle contexts: removed in the teardown, but a reconnect runs the code again without the teardown. */
  | 'only-in-teardown'
  /** A teardown closes a connection whose 'close' listener reconnects it. */
  | 'reconnects-after-teardown';

export type Pairing =
  | { readonly kind: 'paired'; readonly evidence: TSESTree.Node }
  | { readonly kind: 'guarded'; readonly evidence: TSESTree.Node }
  | {
      readonly kind: 'unpaired';
      readonly problem: Problem;
      readonly evidence: TSESTree.Node | null;
      readonly closeEvent?: string;
      /** More message data for the lifecycle problems: the teardown, the function the removal is in. */
      readonly data?: Readonly<Record<string, string>>;
      /** It repeats with a lifecycle (connect, start) whose teardown should remove it: the fix goes there (the teardown codemod). */
      readonly lifecycle?: boolean;
    };

export interface PairingFinder {
  pairingOf(registration: Registration, frame: Frame): Pairing;
}

const PROMISE_CALLBACKS = new Set(['then', 'catch', 'finally']);
const FINISH_HELPERS = new Set(['finished', 'onFinished', 'eos', 'endOfStream']);
const MAX_HOPS = 3;

function sameEvent(a: EventName, b: EventName): boolean {
  return a.value !== null && a.value === b.value;
}

export function buildPairingFinder(
  index: FileIndex,
  graph: CallGraph,
  contexts: RepeatingContexts,
  receivers: Receivers,
): PairingFinder {
  const registrationByHandler = new Map<TSESTree.Node, Registration>();
  for (const registration of index.registrations) {
    if (registration.handler) registrationByHandler.set(unwrap(registration.handler), registration);
  }
  // Everything a registration is compared with, grouped once by receiver, so pairing stays linear.
  const byReceiver = <T>(items: readonly T[], receiverOf: (item: T) => TSESTree.Node | null): Map<string, T[]> => {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const receiver = receiverOf(item);
      const key = receiver ? bindingKey(index, receiver) : null;
      if (key === null) continue;
      const list = groups.get(key);
      if (list) list.push(item);
      else groups.set(key, [item]);
    }
    return groups;
  };
  const removalsByKey = byReceiver(index.removals, (removal: Removal) => removal.receiver);
  const removeAllsByKey = byReceiver(index.removeAlls, (removeAll) => removeAll.receiver);
  const registrationsByKey = byReceiver(index.registrations, (registration) => registration.receiver);
  /** Teardown and abort calls by their object: `socket.destroy()`, `controller.abort()`. */
  const methodCallsByKey = byReceiver(
    index.calls.filter((call) => {
      const name = calleeName(call);
      return name !== null && (name === 'abort' || TEARDOWN_METHODS.has(name));
    }),
    (call) => calleeObject(call),
  );
  const registrationsByHandler = new Map<FunctionInfo, Registration[]>();
  for (const registration of index.registrations) {
    if (!registration.handler) continue;
    for (const fn of graph.resolveFunctionRef(registration.handler)) {
      const list = registrationsByHandler.get(fn);
      if (list) list.push(registration);
      else registrationsByHandler.set(fn, [registration]);
    }
  }

  /** Does code at `node` run before `frame` runs again (same run, `finally`, request end, a cleanup called there)? */
  const runsBeforeRepeat = (node: TSESTree.Node, frame: Frame, hops: number): boolean => {
    if (hops > MAX_HOPS) return false;
    if (!isInside(node, frame.node)) {
      // A function called from a repeating caller runs again only when that caller does: code that runs before
      // the caller's run repeats (its `finally`, its request's 'close') also runs before this one repeats.
      const callerFrame = frame.reason.kind === 'called-from' ? contexts.frameOf(frame.reason.node) : null;
      if (callerFrame && callerFrame.node !== frame.node && runsBeforeRepeat(node, callerFrame, hops + 1)) return true;
      // A cleanup function elsewhere: paired when it is called (or passed as a request-end listener) from inside the run.
      const fn = index.enclosingFunction(node);
      if (!fn) return false;
      return entryPointsOf(fn).some((site) => isInside(site, frame.node) && runsBeforeRepeat(site, frame, hops + 1));
    }
    let current: TSESTree.Node | undefined = node;
    while (current && current !== frame.node) {
      if (isFunctionNode(current)) {
        const fn = index.functionByNode.get(current);
        if (!fn || !(runsWithinRequest(fn) || endsWithRequest(fn, frame, hops))) return false;
      }
      current = current.parent;
    }
    return true;
  };

  /**
   * Functions that run while the request is in flight: a Promise executor or an IIFE (at once), the request's own
   * callbacks (`https.get(url, res => ...)`, `req.on('socket', ...)`). What they set up for the request's end
   * (a `res.on('end')` inside them) still runs before the next request.
   */
  const runsWithinRequest = (fn: FunctionInfo): boolean => {
    if (runsAtOnce(fn.node)) return true;
    const kind = contexts.reasonOf(fn)?.kind;
    return kind === 'client-callback' || kind === 'socket-callback';
  };

  /** The calls of a function and the registrations that use it as a listener for the end of a request. */
  const entryPointsOf = (fn: FunctionInfo): TSESTree.Node[] => {
    const sites: TSESTree.Node[] = [...graph.callSitesOf(fn)];
    for (const registration of registrationsByHandler.get(fn) ?? []) {
      if (firesAtRequestEnd(registration)) sites.push(registration.call);
    }
    return sites;
  };

  /** `res.on('close', fn)`: an end-of-request event of an object that, seen from `frame`, lives no longer than the request. */
  const isRequestEndListener = (registration: Registration, frame: Frame): boolean =>
    registration.event.value !== null &&
    REQUEST_END_EVENTS.has(registration.event.value) &&
    receivers.lifetimeOf(registration.receiver, frame, registration.call).kind !== 'long-lived';

  /** The same, seen from the run the registration itself is in. */
  const firesAtRequestEnd = (registration: Registration): boolean => {
    const ownFrame = contexts.frameOf(registration.call);
    return ownFrame !== null && isRequestEndListener(registration, ownFrame);
  };

  /** A nested function that runs when this request ends: a request-end listener, a promise callback, a cleanup called then. */
  const endsWithRequest = (fn: FunctionInfo, frame: Frame, hops: number): boolean => {
    const parent = fn.node.parent;
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(fn.node as TSESTree.CallExpressionArgument)) {
      const registration = registrationByHandler.get(fn.node);
      if (registration) return isRequestEndListener(registration, frame);
      const name = calleeName(parent);
      if (name !== null && (PROMISE_CALLBACKS.has(name) || FINISH_HELPERS.has(name))) {
        const target = FINISH_HELPERS.has(name) ? parent.arguments[0] : null;
        return !target || receivers.lifetimeOf(target, frame, parent).kind !== 'long-lived';
      }
      return false;
    }
    // `const cleanup = () => ...`: runs where it is called or registered.
    return entryPointsOf(fn).some((site) => site !== fn.node && runsBeforeRepeat(site, frame, hops + 1));
  };

  /** What a removal's handler can denote: its own binding, or for a parameter, what the callers pass (`this.detach(listener)`). */
  const handlerKeysOf = (handler: TSESTree.Node): Set<string> => {
    const keys = new Set<string>();
    const own = bindingKey(index, handler);
    if (own !== null) keys.add(own);
    const inner = unwrap(handler);
    const definition = inner.type === AST_NODE_TYPES.Identifier ? definitionOf(index, inner) : null;
    const fn = definition?.kind === 'parameter' ? index.functionByNode.get(definition.node) : undefined;
    if (fn && definition && fn.node.params[definition.parameterIndex] === definition.name) {
      for (const site of graph.callSitesOf(fn)) {
        const arg = site.arguments[definition.parameterIndex];
        const key = arg ? bindingKey(index, arg) : null;
        if (key !== null) keys.add(key);
      }
    }
    return keys;
  };

  const isUntraceable = (handler: TSESTree.Node): boolean => {
    const inner = unwrap(handler);
    const fresh = isFunctionNode(inner) || (inner.type === AST_NODE_TYPES.CallExpression && calleeName(inner) === 'bind');
    return !fresh && bindingKey(index, handler) === null;
  };

  const isInsideHandler = (node: TSESTree.Node, registration: Registration): boolean => {
    if (!registration.handler) return false;
    return graph.resolveFunctionRef(registration.handler).some((fn) => isInside(node, fn.node));
  };

  /** The registration on `key` for an end-of-life event whose listener holds `node`, e.g. `socket.on('close', ...)`. */
  const ownEndListener = (node: TSESTree.Node, key: string): Registration | null => {
    for (const registration of registrationsByKey.get(key) ?? []) {
      if (registration.event.value === null || !EMITTER_END_EVENTS.has(registration.event.value)) continue;
      if (isInsideHandler(node, registration)) return registration;
    }
    return null;
  };

  /**
   * `once('ready', onReady); once('close', onClose)` where each handler removes the other (`events.once` does this):
   * whichever fires first takes the other with it, so the pair leaves nothing behind.
   */
  const removeEachOther = (registration: Registration, removal: Removal, key: string): boolean => {
    const partner = (registrationsByKey.get(key) ?? []).find(
      (other) => other !== registration && other.once && other.fn === registration.fn && other.handler !== null && isInsideHandler(removal.call, other),
    );
    const partnerHandler = partner?.handler ? bindingKey(index, partner.handler) : null;
    return (
      partner !== undefined &&
      partnerHandler !== null &&
      (removalsByKey.get(key) ?? []).some(
        (back) => sameEvent(back.event, partner.event) && bindingKey(index, back.handler) === partnerHandler && isInsideHandler(back.call, registration),
      )
    );
  };

  const signalAborted = (registration: Registration, frame: Frame): TSESTree.Node | null => {
    const signal = optionValue(registration.options, 'signal');
    if (!signal) return null;
    const inner = unwrap(signal);
    if (inner.type === AST_NODE_TYPES.CallExpression && memberPath(inner.callee) === 'AbortSignal.timeout') return inner;
    const owner = inner.type === AST_NODE_TYPES.MemberExpression && memberName(inner) === 'signal' ? inner.object : null;
    const ownerKey = owner ? bindingKey(index, owner) : null;
    if (ownerKey === null) return null;
    for (const call of methodCallsByKey.get(ownerKey) ?? []) {
      if (calleeName(call) === 'abort' && runsBeforeRepeat(call, frame, 0)) return call;
    }
    return null;
  };

  /** `stream.on('error', noop); stream.destroy();`: the emitter dies in this run, and its listeners with it. */
  const teardownInRun = (key: string, frame: Frame): TSESTree.Node | null => {
    for (const call of methodCallsByKey.get(key) ?? []) {
      const name = calleeName(call);
      if (name !== null && TEARDOWN_METHODS.has(name) && isInside(call, frame.node) && runsBeforeRepeat(call, frame, 0)) return call;
    }
    return null;
  };

  const cleanupCalled = (registration: Registration, frame: Frame): TSESTree.Node | null => {
    // `const cleanup = finished(socket, cb); ... cleanup()`
    const parent = registration.call.parent;
    if (parent.type !== AST_NODE_TYPES.VariableDeclarator || parent.id.type !== AST_NODE_TYPES.Identifier) return null;
    const variable = index.variableOf.get(parent.id);
    for (const reference of variable?.references ?? []) {
      const use = reference.identifier.parent;
      if (use?.type === AST_NODE_TYPES.CallExpression && use.callee === reference.identifier && runsBeforeRepeat(use, frame, 0)) return use;
      // `res.on('finish', cleanup)`
      const listenedBy = registrationByHandler.get(reference.identifier);
      if (listenedBy && firesAtRequestEnd(listenedBy) && runsBeforeRepeat(listenedBy.call, frame, 0)) return listenedBy.call;
    }
    return null;
  };

  const lifecycles = buildLifecycles(index, graph, contexts);

  const pairingInRun = (registration: Registration, frame: Frame): Pairing => {
    const key = bindingKey(index, registration.receiver);
    if (key !== null) {
      const guard = findRegistryGuard(index, registration.call, key, frame.node);
      if (guard) return { kind: 'guarded', evidence: guard.test };
    }
    const destroyed = key === null ? null : teardownInRun(key, frame);
    if (destroyed) return { kind: 'paired', evidence: destroyed };
    const aborted = signalAborted(registration, frame);
    if (aborted) return { kind: 'paired', evidence: aborted };
    if (registration.form === 'finished') {
      const cleanup = cleanupCalled(registration, frame);
      if (cleanup) return { kind: 'paired', evidence: cleanup };
    }

    let problem: Problem = registration.once ? 'once' : 'none';
    let evidence: TSESTree.Node | null = null;
    let closeEvent: string | undefined;
    const handlerKey = registration.handler ? bindingKey(index, registration.handler) : null;
    const candidates = key === null ? [] : (removalsByKey.get(key) ?? []).filter((removal) => sameEvent(removal.event, registration.event));
    let sawSameHandler = false;
    for (const removal of candidates) {
      const same = handlerKey !== null && handlerKeysOf(removal.handler).has(handlerKey);
      // `bus.off('event', listeners.get(id))`: a handler that cannot be traced may well be the same one, so
      // judge the removal by when it runs; only a provably other function is a different-function removal.
      if (!same && !isUntraceable(removal.handler)) continue;
      sawSameHandler = true;
      if (isInsideHandler(removal.call, registration)) {
        // A listener that removes itself when it fires behaves like once().
        problem = problem === 'none' ? 'once' : problem;
        continue;
      }
      if (runsBeforeRepeat(removal.call, frame, 0)) return { kind: 'paired', evidence: removal.call };
      if (registration.once && removeEachOther(registration, removal, key!)) return { kind: 'paired', evidence: removal.call };
      const endListener = ownEndListener(removal.call, key!);
      if (endListener) {
        problem = 'only-on-close';
        evidence = removal.call;
        closeEvent = endListener.event.value ?? undefined;
      } else if (problem !== 'only-on-close') {
        problem = 'too-late';
        evidence = removal.call;
      }
    }
    if (registration.once && registration.event.value !== null && SOON_FIRING_EVENTS.has(registration.event.value)) {
      return { kind: 'paired', evidence: registration.call };
    }
    if (!sawSameHandler && candidates.length > 0) {
      problem = 'different-function';
      evidence = candidates[0]!.call;
    }
    const removeAll = key === null
      ? undefined
      : removeAllsByKey.get(key)?.find(
          (r) => (r.event === null || sameEvent(r.event, registration.event)) && isInside(r.call, frame.node),
        );
    if (removeAll && problem !== 'different-function') {
      problem = 'remove-all';
      evidence = removeAll.call;
    }
    return closeEvent === undefined ? { kind: 'unpaired', problem, evidence } : { kind: 'unpaired', problem, evidence, closeEvent };
  };

  return {
    pairingOf(registration, frame) {
      const pairing = pairingInRun(registration, frame);
      if (pairing.kind !== 'unpaired') return pairing;
      // Code a client runs again (connect, a reconnect) is paired by its teardown instead.
      const handlerKey = registration.handler ? bindingKey(index, registration.handler) : null;
      return lifecycles.refine(registration, frame, pairing, (removal) => handlerKey !== null && handlerKeysOf(removal.handler).has(handlerKey));
    },
  };
}
