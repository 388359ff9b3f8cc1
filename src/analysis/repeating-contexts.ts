// Question 1: where does this code run, and how often? Seeds the repeating contexts (request handlers,
// routes, client callbacks, timers, recurring events, re-entered paths, request issuers), then propagates
// them into nested functions and into the functions those call; one-time setup code stops the spread.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, calleeObject, describeNode, isFunctionLike, isInside, isLoopNode, memberPath, rootOf, staticString, tsOnlyArray, unwrap, type LoopNode } from './ast.js';
import { bindingKey, definitionOf } from './bindings.js';
import { findReenteredPaths } from './reentered-paths.js';
import type { CallGraph } from './call-graph.js';
import { isDeferringCall, issuesRequest, REQUEST_METHOD_NAMES, TIMER_NAMES, timerOf } from './call-kinds.js';
import { isMethodCallNotNamed, type FileIndex, type FunctionInfo } from './file-index.js';
import { resolveModuleCall } from './modules.js';
import { guardCandidates, guardFor } from './guards.js';
import { mayRegisterText, type Registration } from './registrations.js';
import {
  CLIENT_REQUEST_EVENTS,
  CONNECTION_EVENTS,
  CONNECTION_SERVER_MODULES,
  HTTP_SERVER_MODULES,
  NEST_HANDLER_DECORATORS,
  NEST_PER_REQUEST_INTERFACES,
  PER_REQUEST_HOOKS,
  RECONNECT_EVENTS,
  RECURRING_EVENTS,
  REQUEST_LIBRARIES,
  ROUTE_HANDLER_PROPERTIES,
  ROUTE_METHODS,
  ROUTER_NAME,
  SERVER_FACTORY_NAMES,
  SERVER_OR_CLIENT_EVENTS,
  SERVER_REQUEST_EVENTS,
  TEARDOWN_COUNTERPARTS,
  TEST_FUNCTIONS,
} from './vocabulary.js';

export type RepeatKind =
  | 'server-handler'
  | 'route-handler'
  | 'client-callback'
  | 'socket-callback'
  | 'interval'
  | 'recurring-event'
  | 'reentered'
  | 'issues-request'
  | 'called-from'
  | 'configured'
  | 'external'
  | 'inherited'
  | 'loop';

export interface RepeatReason {
  readonly kind: RepeatKind;
  /** What runs repeatedly and why, for messages: "the request handler of http.createServer". */
  readonly what: string;
  /** The node that makes it repeat; messages cite its line. */
  readonly node: TSESTree.Node;
  /** For `called-from` and `inherited`: the reason of the caller or the enclosing function. */
  readonly via: RepeatReason | null;
  /** For seeds on event listeners: the event, so parameters can be read (`'socket'` passes the socket). */
  readonly event?: string;
  /** For `external`: the caller in another file that runs repeatedly, and how often. */
  readonly external?: ExternalCaller;
}

/** A step of the chain of calls that makes code repeat, across files: `HTTPClient.request (src/http-client.ts:41)`. */
export interface ChainStep {
  readonly name: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A call into this file from repeating code in another file, found by the project analysis (src/analysis/project.ts):
 * the function it reaches, how often the caller runs, and which arguments outlive the caller's run.
 */
export interface ExternalCaller {
  /** The function called: its name, and for a method its class's name. */
  readonly target: { readonly name: string; readonly className: string | null };
  /** How the caller reads in a message: `HTTPClient.request (src/http-client.ts:41)`. */
  readonly what: string;
  /** How often the caller runs: `once per request`. */
  readonly often: string;
  /** The calls from the seed to the call site, the last one being the call into this file. */
  readonly chain: readonly ChainStep[];
  /** Arguments (by parameter index) that outlive the caller's run, with what they are. */
  readonly longLivedArguments: readonly { readonly index: number; readonly what: string }[];
}

/** The run that repeats around a registration: a function (with its repeating ancestors) or a loop. */
export interface Frame {
  readonly node: TSESTree.Node;
  readonly fn: FunctionInfo | null;
  readonly reason: RepeatReason;
}

export interface RepeatingContexts {
  reasonOf(fn: FunctionInfo): RepeatReason | null;
  frameOf(node: TSESTree.Node): Frame | null;
}

export interface RepeatOptions {
  readonly perRequestFunctions: ReadonlySet<string>;
  readonly externalCallers?: readonly ExternalCaller[];
  readonly setupFunctions: ReadonlySet<string>;
}

const SERVER_FACTORY_CALLS: ReadonlySet<string> = new Set([...SERVER_FACTORY_NAMES, 'Server']);
const CLIENT_REQUEST_CALLS: ReadonlySet<string> = new Set(['request', 'get']);
/**
 * The names by which a method call seeds or bars in the loop over calls below: server factories, client requests,
 * timers, routes and hooks. A method call of any other name does nothing there, unless it registers a listener or its
 * callee starts from a test function (`describe.skip(...)`).
 */
const SEEDING_METHOD_NAMES: ReadonlySet<string> = new Set([
  ...SERVER_FACTORY_CALLS, ...CLIENT_REQUEST_CALLS, ...TIMER_NAMES, ...ROUTE_METHODS, 'route', 'addHook', 'ext',
]);

/** Kinds that run as often as their enclosing run, so the frame widens to the enclosing repeating function. */
const WIDENING: ReadonlySet<RepeatKind> = new Set([
  'inherited', 'client-callback', 'socket-callback', 'issues-request', 'server-handler', 'route-handler', 'called-from', 'configured', 'external',
]);

const CLIENT_REQUEST_NAME = /^(req|request|clientRequest|proxyReq|upstream|outgoing|creq)$/i;
const SERVER_NAME = /server|srv|app|proxy|wss|io$/i;

/** `http.createServer`, as written but on one line: for messages. */
function describeCallee(index: FileIndex, call: TSESTree.CallExpression | TSESTree.NewExpression): string {
  return describeNode(index.input.text, call.callee, '');
}

function routePath(call: TSESTree.CallExpression): string {
  const first = call.arguments[0];
  const path = first ? staticString(first) : null;
  return path === null ? '' : `'${path}'`;
}

export function buildRepeatingContexts(
  index: FileIndex,
  graph: CallGraph,
  options: RepeatOptions,
): RepeatingContexts {
  const reasons = new Map<FunctionInfo, RepeatReason>();
  const barriers = new Map<FunctionInfo, string>();
  const seeds: [FunctionInfo, RepeatReason][] = [];

  const seed = (ref: TSESTree.Node | undefined, reason: Omit<RepeatReason, 'via'>): void => {
    if (!ref || ref.type === AST_NODE_TYPES.SpreadElement) return;
    for (const fn of graph.resolveFunctionRef(ref)) seeds.push([fn, { ...reason, via: null }]);
  };
  const bar = (ref: TSESTree.Node | undefined, why: string): void => {
    if (!ref || ref.type === AST_NODE_TYPES.SpreadElement) return;
    for (const fn of graph.resolveFunctionRef(ref)) barriers.set(fn, why);
  };
  const functionArgs = (call: TSESTree.CallExpression | TSESTree.NewExpression): TSESTree.Node[] =>
    call.arguments.filter((arg) => arg.type !== AST_NODE_TYPES.SpreadElement && (isFunctionLike(arg) || graph.resolveFunctionRef(arg).length > 0));

  // Barriers by shape: constructors and configured setup functions.
  for (let i = 0; i < index.functions.length; i++) {
    const fn = index.functions[i]!;
    if (fn.isConstructor) barriers.set(fn, 'a constructor');
    else if (fn.name !== null && options.setupFunctions.has(fn.name)) barriers.set(fn, `a setup function (${fn.name})`);
  }

  /**
   * The module function a call runs, for the server factories and client requests below: `x.name()` of another name
   * is neither (an imported alias is a plain call), and is answered without resolving.
   */
  const moduleCallOf = (call: TSESTree.CallExpression | TSESTree.NewExpression, name: string | null, object: TSESTree.Node | null) =>
    object !== null && !SERVER_FACTORY_CALLS.has(name ?? '') && !CLIENT_REQUEST_CALLS.has(name ?? '') ? null : resolveModuleCall(index, call);

  const seedFromServerFactory = (call: TSESTree.CallExpression | TSESTree.NewExpression, resolved: { module: string; name: string } | null): void => {
    if (!resolved) return;
    const isFactory = SERVER_FACTORY_NAMES.has(resolved.name) || (call.type === AST_NODE_TYPES.NewExpression && resolved.name === 'Server');
    if (!isFactory) return;
    const what = describeCallee(index, call);
    if (HTTP_SERVER_MODULES.has(resolved.module)) {
      for (const arg of functionArgs(call)) seed(arg, { kind: 'server-handler', what: `the request handler of ${what}`, node: call });
    } else if (CONNECTION_SERVER_MODULES.has(resolved.module)) {
      for (const arg of functionArgs(call)) bar(arg, `a connection callback of ${what}, which runs once per new socket`);
    }
  };

  for (const call of index.news) seedFromServerFactory(call, moduleCallOf(call, calleeName(call), calleeObject(call)));
  const registrationByCall = new Map(index.registrations.map((registration) => [registration.call, registration]));

  // The registrations are in the order of their calls: the loop meets each at its call without a lookup.
  let nextRegistration = 0;
  for (let i = 0; i < index.calls.length; i++) {
    const call = index.calls[i]!;
    const registration = index.registrations[nextRegistration]?.call === call ? index.registrations[nextRegistration++] : undefined;
    // Most calls are methods of other names: passed by on what the index read of them, without reading the call again.
    if (registration === undefined && !TEST_FUNCTIONS.has(index.callRoots[i] ?? '') && isMethodCallNotNamed(index, i, SEEDING_METHOD_NAMES)) continue;
    const name = index.callNames[i] ?? null;
    const object = calleeObject(call);
    const resolved = moduleCallOf(call, name, object);
    seedFromServerFactory(call, resolved);

    // Client request callbacks: `https.request(options, res => ...)`.
    if (resolved && (resolved.module === 'http' || resolved.module === 'https') && (resolved.name === 'request' || resolved.name === 'get')) {
      for (const arg of functionArgs(call)) {
        seed(arg, { kind: 'client-callback', what: `the response callback of ${describeCallee(index, call)}`, node: call });
      }
    }

    // Timers.
    const timer = timerOf(index, call);
    if (timer === 'setInterval') {
      seed(call.arguments[0], { kind: 'interval', what: 'a setInterval callback', node: call });
    }
    if (timer === 'setTimeout' || timer === 'setImmediate') {
      const target = call.arguments[0];
      if (target && target.type !== AST_NODE_TYPES.SpreadElement && !isFunctionLike(target)) {
        for (const fn of graph.resolveFunctionRef(target)) {
          if (isInside(call, fn.node)) seeds.push([fn, { kind: 'reentered', what: `${fn.displayName}, which reschedules itself`, node: call, via: null }]);
        }
      }
    }

    // Test bodies are not request paths. (The root is looked at first: building the path of every callee costs.)
    const root = rootOf(call.callee);
    const testRoot = root.type === AST_NODE_TYPES.Identifier && TEST_FUNCTIONS.has(root.name) ? memberPath(unwrap(call.callee))?.split('.')[0] : undefined;
    if (testRoot !== undefined && TEST_FUNCTIONS.has(testRoot)) {
      for (const arg of call.arguments) if (isFunctionLike(arg)) bar(arg, 'a test body');
    }

    if (name === null || object === null) continue;

    // Routes and middleware: Express/Router/Koa/Fastify shorthand.
    if (ROUTE_METHODS.has(name)) {
      const objectPath = memberPath(object) ?? (object.type === AST_NODE_TYPES.CallExpression ? memberPath(object.callee) : null);
      const lastName = objectPath === null ? '' : objectPath.slice(objectPath.lastIndexOf('.') + 1);
      // `app.route('/books').get(...)` reads as itself; `app.get(...)` as its receiver's last name.
      const routerText = object.type === AST_NODE_TYPES.CallExpression && objectPath !== null ? `${objectPath}(${routePath(object)})` : lastName || 'app';
      const handlers = functionArgs(call);
      const looksLikeRoute =
        ROUTER_NAME.test(lastName) ||
        (objectPath !== null && objectPath.includes('route') && ROUTER_NAME.test(objectPath.split('.')[0]!)) ||
        handlers.some((h) => {
          const fn = graph.resolveFunctionRef(h)[0];
          const first = fn?.node.params[0];
          return first?.type === AST_NODE_TYPES.Identifier && /^(req|request|ctx)$/.test(first.name);
        });
      if (looksLikeRoute && handlers.length > 0) {
        const path = routePath(call);
        for (const handler of handlers) {
          seed(handler, { kind: 'route-handler', what: `the ${name === 'use' ? 'middleware' : 'route handler'} of ${routerText}.${name}(${path})`, node: call });
        }
      }
    }
    // `route({ method, url, handler })` (Fastify), `server.route({ handler })` or `options: { handler }` (Hapi).
    if (name === 'route') {
      for (const arg of call.arguments) seedRouteObjects(arg, call);
    }
    if ((name === 'addHook' || name === 'ext') && call.arguments.length >= 2) {
      const hook = staticString(call.arguments[0]);
      if (hook !== null && PER_REQUEST_HOOKS.has(hook)) {
        for (const handler of functionArgs(call)) seed(handler, { kind: 'route-handler', what: `the '${hook}' hook`, node: call });
      }
    }

    // Listeners that are themselves request paths, or connection setup.
    if (registration && registration.form === 'method' && registration.event.value !== null && registration.handler) {
      seedFromListener(registration);
    }
  }

  function seedRouteObjects(arg: TSESTree.Node, call: TSESTree.CallExpression): void {
    const inner = unwrap(arg);
    if (inner.type === AST_NODE_TYPES.ArrayExpression) {
      for (const element of inner.elements) if (element) seedRouteObjects(element, call);
      return;
    }
    if (inner.type !== AST_NODE_TYPES.ObjectExpression) return;
    for (const property of inner.properties) {
      if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) continue;
      const key = property.key.name;
      if (ROUTE_HANDLER_PROPERTIES.has(key)) {
        const values = unwrap(property.value).type === AST_NODE_TYPES.ArrayExpression ? (unwrap(property.value) as TSESTree.ArrayExpression).elements : [property.value];
        const what = `the ${key} of ${describeCallee(index, call)}()`;
        for (const value of values) if (value) seed(value, { kind: 'route-handler', what, node: call });
      } else if (key === 'options' || key === 'config') {
        seedRouteObjects(property.value, call);
      }
    }
  }

  function seedFromListener(registration: Registration): void {
    const event = registration.event.value!;
    const handler = registration.handler!;
    const receiverText = memberPath(registration.receiver) ?? 'an emitter';
    const call = registration.call;
    if (SERVER_REQUEST_EVENTS.has(event)) {
      seed(handler, { kind: 'server-handler', what: `the '${event}' listener of ${receiverText}`, node: call, event });
    } else if (SERVER_OR_CLIENT_EVENTS.has(event)) {
      const last = receiverText.split('.').pop() ?? '';
      if (CLIENT_REQUEST_NAME.test(last) || isClientRequestValue(registration.receiver)) {
        seed(handler, { kind: 'client-callback', what: `the '${event}' listener of ${receiverText}`, node: call, event });
      } else if (SERVER_NAME.test(last)) {
        seed(handler, { kind: 'server-handler', what: `the '${event}' listener of ${receiverText}`, node: call, event });
      }
    } else if (CLIENT_REQUEST_EVENTS.has(event)) {
      seed(handler, { kind: event === 'socket' ? 'socket-callback' : 'client-callback', what: `the '${event}' listener of ${receiverText}`, node: call, event });
    } else if (CONNECTION_EVENTS.has(event)) {
      bar(handler, `a '${event}' listener, which runs once per new socket`);
    }
    if (RECURRING_EVENTS.has(event) && !registration.once && !SERVER_REQUEST_EVENTS.has(event) && !detachesItself(registration)) {
      seed(handler, { kind: 'recurring-event', what: `the '${event}' listener of ${receiverText}`, node: call, event });
    }
  }

  /** A 'data' listener that removes itself (directly or through a cleanup it calls) stops recurring there. */
  function detachesItself(registration: Registration): boolean {
    const key = bindingKey(index, registration.receiver);
    const handlers = graph.resolveFunctionRef(registration.handler!);
    if (key === null || handlers.length === 0) return false;
    const reach = new Set(handlers);
    for (const handler of handlers) for (const call of handler.calls) for (const callee of graph.calleesOf(call)) reach.add(callee);
    return index.removals.some(
      (removal) =>
        removal.event.value === registration.event.value &&
        bindingKey(index, removal.receiver) === key &&
        graph.resolveFunctionRef(removal.handler).some((fn) => handlers.includes(fn)) &&
        [...reach].some((fn) => isInside(removal.call, fn.node)),
    );
  }

  /** Through a few variables (`const req = https.request(...)`); a variable defined by itself (`const x = <T>x`) ends there. */
  function isClientRequestValue(node: TSESTree.Node, depth = 0): boolean {
    const inner = unwrap(node);
    if (inner.type === AST_NODE_TYPES.CallExpression) return issuesRequest(index, inner) !== null;
    if (inner.type !== AST_NODE_TYPES.Identifier || depth > 4) return false;
    const definition = definitionOf(index, inner);
    return definition?.kind === 'variable' && definition.init !== null && isClientRequestValue(definition.init, depth + 1);
  }

  // NestJS handlers and middleware, and functions configured as per request.
  for (let i = 0; i < index.functions.length; i++) {
    const fn = index.functions[i]!;
    for (let d = 0; d < fn.decorators.length; d++) {
      const decorator = fn.decorators[d]!;
      const expression = unwrap(decorator.expression);
      const decoratorName =
        expression.type === AST_NODE_TYPES.CallExpression ? calleeName(expression) : expression.type === AST_NODE_TYPES.Identifier ? expression.name : null;
      if (decoratorName !== null && NEST_HANDLER_DECORATORS.has(decoratorName)) {
        seeds.push([fn, { kind: 'route-handler', what: `the @${decoratorName}() handler ${fn.displayName}`, node: decorator, via: null }]);
      }
    }
    const cls = fn.classNode;
    if (cls && fn.name !== null) {
      for (const implemented of tsOnlyArray(cls.implements)) {
        const interfaceName = memberPath(implemented.expression)?.split('.').pop();
        if (interfaceName !== undefined && NEST_PER_REQUEST_INTERFACES.get(interfaceName) === fn.name) {
          seeds.push([fn, { kind: 'route-handler', what: `${fn.displayName} of a ${interfaceName}`, node: implemented, via: null }]);
        }
      }
    }
    const external = options.externalCallers?.find((caller) => isExternalTarget(fn, caller));
    if (external) seeds.push([fn, { kind: 'external', what: `${fn.displayName}, called from ${external.what}`, node: fn.node, via: null, external }]);
    // With types: a function that takes a ServerResponse handles a request, whatever calls it.
    const types = index.input.types;
    // Only parameters with a written type: the oracle reads the names in it before it asks the checker to build it.
    const response = types
      ? fn.node.params.find((param) => 'typeAnnotation' in param && param.typeAnnotation && types.nodeType(param) === 'server-response')
      : undefined;
    if (response) seeds.push([fn, { kind: 'server-handler', what: `${fn.displayName}, a request handler (it takes a ServerResponse)`, node: response, via: null }]);
    if (fn.name !== null && options.perRequestFunctions.has(fn.name)) {
      seeds.push([fn, { kind: 'configured', what: `${fn.displayName}, configured as a per-request function`, node: fn.node, via: null }]);
    }
  }

  // Functions that send a request run once per request, and so does the promise wrapper around the send.
  for (let i = 0; i < index.calls.length; i++) {
    if (isMethodCallNotNamed(index, i, REQUEST_METHOD_NAMES)) continue;
    const call = index.calls[i]!;
    const sent = issuesRequest(index, call);
    if (sent === null) continue;
    let fn = index.enclosingFunction(call);
    for (let hops = 0; fn && hops < 3; hops++) {
      seeds.push([fn, { kind: 'issues-request', what: `${fn.displayName}, which sends a request (${sent})`, node: call, via: null }]);
      // A callback handed to a call that runs it now (`new Promise(fn)`, `wrapAsync(fn)`, `.then(fn)`) sends
      // the request as part of the enclosing run; a listener or a timer runs later, on its own.
      const parent = fn.node.parent;
      const invokedInline =
        (parent.type === AST_NODE_TYPES.NewExpression || parent.type === AST_NODE_TYPES.CallExpression) &&
        parent.arguments.includes(fn.node as TSESTree.CallExpressionArgument) &&
        !(parent.type === AST_NODE_TYPES.CallExpression && (registrationByCall.has(parent) || isDeferringCall(parent)));
      if (!invokedInline) break;
      fn = fn.parent;
    }
  }

  // Re-entered paths: a function reached again from its own callbacks after a close or a timer (reconnect), or a
  // lifecycle method (connect, start) of a class with a teardown, run again after it.
  for (const { fn, via, what } of findReenteredPaths(index, graph, registrationByCall)) {
    seeds.push([fn, { kind: 'reentered', what, node: via, via: null }]);
  }

  // Propagate: seeds first (own reasons win), then nested functions and callees, breadth first.
  const queue: FunctionInfo[] = [];
  for (const [fn, reason] of seeds) {
    if (barriers.has(fn) || reasons.has(fn)) continue;
    reasons.set(fn, reason);
    queue.push(fn);
  }
  for (let head = 0; head < queue.length; head++) {
    const fn = queue[head]!;
    const reason = reasons.get(fn)!;
    for (let i = 0, list = graph.childrenOf(fn); i < list.length; i++) {
      const child = list[i]!;
      if (barriers.has(child) || reasons.has(child)) continue;
      reasons.set(child, { kind: 'inherited', what: reason.what, node: reason.node, via: reason });
      queue.push(child);
    }
    for (let j = 0; j < fn.calls.length; j++) {
      const call = fn.calls[j]!;
      let guarded: boolean | undefined;
      for (let k = 0, targets = graph.calleesOf(call); k < targets.length; k++) {
        const callee = targets[k]!;
        if (barriers.has(callee) || reasons.has(callee) || callee === fn) continue;
        guarded ??= isCallGuarded(call, fn);
        if (guarded) continue;
        reasons.set(callee, { kind: 'called-from', what: fn.displayName, node: call, via: reason });
        queue.push(callee);
      }
    }
  }

  /** `if (!seen.has(res.socket)) track(res.socket)`: the guard at the call site keeps the callee from repeating per emitter. */
  function isCallGuarded(call: TSESTree.CallExpression, caller: FunctionInfo): boolean {
    if (call.arguments.length === 0) return false;
    const candidates = guardCandidates(call, caller.node);
    if (candidates.length === 0) return false;
    for (let i = 0; i < call.arguments.length; i++) {
      const arg = call.arguments[i]!;
      const key = bindingKey(index, arg);
      if (key !== null && guardFor(index, candidates, key)) return true;
    }
    return false;
  }

  const frameCache = new Map<FunctionInfo, Frame>();
  const functionFrame = (fn: FunctionInfo): Frame | null => {
    const cached = frameCache.get(fn);
    if (cached) return cached;
    const reason = reasons.get(fn);
    if (!reason) return null;
    let outer = fn;
    let outerReason = reason;
    for (let parent = outer.parent; parent; parent = outer.parent) {
      const parentReason = reasons.get(parent);
      if (parentReason && WIDENING.has(outerReason.kind)) {
        outer = parent;
        outerReason = parentReason;
        continue;
      }
      // A listener on a request (`req.on('response' | 'socket')`) runs once per that request, and the
      // function around it made the request: objects made there are this request's, not older.
      if (!parentReason && (outerReason.kind === 'client-callback' || outerReason.kind === 'socket-callback') && !barriers.has(parent)) {
        outer = parent;
      }
      break;
    }
    const frame: Frame = { node: outer.node, fn: outer, reason };
    frameCache.set(fn, frame);
    return frame;
  };

  return {
    reasonOf: (fn) => reasons.get(fn) ?? null,
    frameOf(node) {
      const fn = index.enclosingFunction(node);
      if (fn) {
        const frame = functionFrame(fn);
        if (frame) return frame;
      }
      // Outside any repeating function, only a loop that runs without bound repeats.
      let child: TSESTree.Node = node;
      let current: TSESTree.Node | null | undefined = node.parent;
      while (current && current !== fn?.node) {
        if (repeatsWithoutBound(current, child)) {
          return { node: current, fn, reason: { kind: 'loop', what: 'a loop without bound', node: current, via: null } };
        }
        child = current;
        current = current.parent;
      }
      return null;
    },
  };
}

/** `a|b|c` for a regular expression, each name escaped. */
const alternatives = (names: Iterable<string>): string => [...names].map((name) => name.replace(/[$.]/g, '\\$&')).join('|');
const ROUTE_CALL = `\\.\\s*(?:${alternatives(ROUTE_METHODS)})\\s*\\(`;
const ROUTE_CALLS = new RegExp(ROUTE_CALL, 'g');

/**
 * The names route methods are called on (`app.get(`, `router?.use(`, `app.route('/x').get(` gives `route`), read
 * backwards from each `.get(`: a pattern that starts at every name would try every word of the file.
 */
function routeReceiverNames(text: string): string[] {
  const names: string[] = [];
  const isName = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95;
  const skipSpace = (at: number): number => {
    while (at >= 0 && /\s/.test(text[at]!)) at--;
    return at;
  };
  for (const match of text.matchAll(ROUTE_CALLS)) {
    let at = skipSpace(match.index - 1);
    if (text[at] === '?' || text[at] === '!') at = skipSpace(at - 1);
    if (text[at] === ')') {
      const open = text.lastIndexOf('(', at);
      if (open === -1 || text.slice(open + 1, at).includes(')')) continue;
      at = skipSpace(open - 1);
    }
    const end = at + 1;
    while (at >= 0 && isName(text.charCodeAt(at))) at--;
    if (end > at + 1) names.push(text.slice(at + 1, end));
  }
  return names;
}

/**
 * What each seed of buildRepeatingContexts needs in the text of the file it seeds, one entry per seed (calls from
 * other files, `external`, are not here: the project analysis follows those). Without any, no code of the file
 * repeats by itself. A name imported under an alias is still in the file's text, in the import.
 */
const SEED_TEXT: readonly ((text: string) => boolean)[] = [
  // Server factories of the http modules: `http2.createServer(`, `new http.Server(`, an import of either (`{ Server as S }`).
  all(
    new RegExp(`['"](?:node:)?(?:${alternatives(HTTP_SERVER_MODULES)})['"]|\\b(?:${alternatives(HTTP_SERVER_MODULES)})\\s*\\.`),
    new RegExp(`\\b(?:${alternatives(SERVER_FACTORY_NAMES)})\\b|\\bnew\\s+(?:[\\w$]+\\s*\\.\\s*)?Server\\b|\\bServer\\s+as\\b`),
  ),
  // Client request callbacks and requests sent (issuesRequest): the http(s) module, a request library, fetch, `x.request()`.
  matches(new RegExp(`['"](?:node:)?https?['"]|\\bhttps?\\s*\\.\\s*(?:request|get)\\b|['"](?:${alternatives(REQUEST_LIBRARIES)})['"]|\\bfetch\\b|\\.\\s*request\\s*\\(`)),
  // Timers: setInterval, a function that reschedules itself, the retry timer of a reconnect cycle.
  matches(/\bset(?:Interval|Timeout|Immediate)\b/),
  // Routes and middleware: on a receiver named like a router, on a path with `route` in it, or with a handler whose
  // first parameter is a request.
  (text) => routeReceiverNames(text).some((name) => ROUTER_NAME.test(name)),
  all(/route/i, new RegExp(ROUTE_CALL)),
  all(new RegExp(ROUTE_CALL), /\(\s*(?:req|request|ctx)\s*[,):]|\b(?:req|request|ctx)\s*=>/),
  // `route({ handler })`, Fastify and Hapi hooks.
  matches(/\b(?:route|addHook|ext)\s*\(/),
  // NestJS handlers and per-request interfaces.
  matches(new RegExp(`@\\s*(?:${alternatives(NEST_HANDLER_DECORATORS)})\\b|\\b(?:${alternatives(NEST_PER_REQUEST_INTERFACES.keys())})\\b`)),
  // Listeners: a request listener, a recurring event, a reconnect cycle through 'close'.
  (text) => LISTENER_SEED_EVENTS.test(text) && mayRegisterText(text),
  // Lifecycle methods of a class next to their teardown (`connect() {` and `disconnect() {`, or `connect = () =>`).
  ...[...TEARDOWN_COUNTERPARTS].map(([method, teardowns]) => all(/\bclass\b/, declares([method]), declares(teardowns))),
  // Loops without bound: while, do-while, `for (;;)`, `for await`.
  matches(/\bwhile\s*\(|\bfor\s+await\b|\bfor\s*\([^;)]*;\s*;/),
];
const LISTENER_SEED_EVENTS = new RegExp(
  `['"\`](?:${alternatives(new Set([...SERVER_REQUEST_EVENTS, ...SERVER_OR_CLIENT_EVENTS, ...CLIENT_REQUEST_EVENTS, ...RECURRING_EVENTS, ...RECONNECT_EVENTS]))})['"\`]`,
);

function matches(pattern: RegExp): (text: string) => boolean {
  return (text) => pattern.test(text);
}

/** Each pattern somewhere in the text (in any order: cheaper than one pattern with `[^]*` between, and never less). */
function all(...patterns: RegExp[]): (text: string) => boolean {
  return (text) => patterns.every((pattern) => pattern.test(text));
}

/**
 * A method or property of one of these names (`name(`, `name<T>(`, `name =`), its name quoted or computed too
 * (`'name'() {`, `['name'] = () =>`), not a member access (`.name(`).
 */
function declares(names: readonly string[]): RegExp {
  return new RegExp(`(?<![.\\w$])(?:${alternatives(names)})(?:['"\`]\\s*\\]?)?\\s*(?:<[^>]*>\\s*)?[(=]`);
}

/**
 * Could code of this file repeat by itself, without a call from another file? False only when its text has
 * nothing a seed needs (nor a configured per-request name): the project analysis then parses the file only if a
 * repeating call lands in it.
 */
export function mayRepeatText(text: string, perRequestFunctions: Iterable<string>): boolean {
  return SEED_TEXT.some((seed) => seed(text)) || [...perRequestFunctions].some((name) => text.includes(name));
}

/** Is `node` a loop without bound, and `child` (a node right inside it) a part that runs on every turn of it? */
export function repeatsWithoutBound(node: TSESTree.Node, child: TSESTree.Node): node is LoopNode {
  return isLoopNode(node) && isUnboundedLoop(node) && repeatsInLoop(node, child);
}

/** The part of a loop that runs on every iteration: not `for (init; ...)` nor the iterable of `for (x of iterable)`. */
function repeatsInLoop(loop: LoopNode, child: TSESTree.Node): boolean {
  switch (loop.type) {
    case AST_NODE_TYPES.ForStatement:
      return child !== loop.init;
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return child === loop.body;
    default:
      return true;
  }
}

function isUnboundedLoop(loop: TSESTree.Node): boolean {
  switch (loop.type) {
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return true;
    case AST_NODE_TYPES.ForStatement:
      return loop.test === null;
    case AST_NODE_TYPES.ForOfStatement:
      return loop.await;
    default:
      return false;
  }
}

/** Is fn the function an external caller reaches: same name, and for a method the same class? */
export function isExternalTarget(fn: FunctionInfo, caller: ExternalCaller): boolean {
  if (fn.isConstructor) return false;
  const { name, className } = caller.target;
  if (name === DEFAULT_EXPORT) return fn.node.parent.type === AST_NODE_TYPES.ExportDefaultDeclaration || isModuleExportsValue(fn.node);
  // `module.exports = function watchSocket(...)` is named by its own name, not by the assignment.
  const named = fn.name === name || (fn.node.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.node.id?.name === name);
  if (!named) return false;
  return className === null ? fn.classNode === null : fn.classNode?.id?.name === className;
}

/** The target name of an anonymous default export (`export default function (socket) {...}`). */
export const DEFAULT_EXPORT = '*default*';

function isModuleExportsValue(node: TSESTree.Node): boolean {
  const parent = node.parent;
  return (
    parent?.type === AST_NODE_TYPES.AssignmentExpression &&
    parent.right === node &&
    parent.left.type === AST_NODE_TYPES.MemberExpression &&
    memberPath(parent.left) === 'module.exports'
  );
}
