// Question 2: what is this receiver, and does it outlive one run of the repeating code? Traces it back
// to its origin: a variable's definition, a parameter through its call sites, a `this` field through its writes.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, calleeObject, describeNode, isInside, line, memberName, memberPath, rootOf, unwrap } from './ast.js';
import { assignmentsOf, definitionOf } from './bindings.js';
import type { CallGraph } from './call-graph.js';
import type { ClassNode, FileIndex } from './file-index.js';
import type { ReceiverType } from './types.js';
import { issuesRequest } from './call-kinds.js';
import { isExternalTarget, type ExternalCaller, type Frame, type RepeatingContexts } from './repeating-contexts.js';
import { LONG_LIVED_MEMBERS, PER_REQUEST_NAMES, POOL_CHECKOUT_METHODS, POOL_NAME, PROCESS_STREAMS } from './vocabulary.js';

export type Lifetime =
  | { readonly kind: 'long-lived'; readonly what: string; readonly evidence: TSESTree.Node }
  | { readonly kind: 'per-request'; readonly what: string; readonly evidence: TSESTree.Node }
  | { readonly kind: 'unknown' };

export interface Receivers {
  /** How long the receiver of a registration at `at` lives, relative to the repeating `frame`. */
  lifetimeOf(receiver: TSESTree.Node, frame: Frame, at: TSESTree.Node): Lifetime;
}

export interface ReceiverOptions {
  /** Names or member paths that are always long-lived (`bus`, `this.events`). */
  readonly longLivedReceivers: ReadonlySet<string>;
  readonly externalCallers?: readonly ExternalCaller[];
}

const UNKNOWN: Lifetime = { kind: 'unknown' };
/** Lifetimes by type, for receivers the rest of the analysis cannot place (the type-checked config only). */
const TYPE_LIFETIMES: ReadonlyMap<ReceiverType, { longLived: boolean; what: string }> = new Map([
  ['socket', { longLived: true, what: 'a socket (by its type), which a keep-alive agent or pool hands out again' }],
  ['agent', { longLived: true, what: 'an http.Agent (by its type), shared by every request' }],
  ['server', { longLived: true, what: 'a server (by its type), which lives as long as the service' }],
  ['process', { longLived: true, what: 'process (by its type), which lives as long as the service' }],
  ['incoming-message', { longLived: false, what: 'an IncomingMessage (by its type), an object of one request' }],
  ['server-response', { longLived: false, what: 'a ServerResponse (by its type), an object of one request' }],
  ['client-request', { longLived: false, what: 'a ClientRequest (by its type), an object of one request' }],
]);
const MAX_DEPTH = 6;
const GETTER_NAME = /^(get|find|lookup|current|shared|instance)/i;

function longLived(what: string, evidence: TSESTree.Node): Lifetime {
  return { kind: 'long-lived', what, evidence };
}
/** `x.socket`, `{ socket }`, `this.agent`: a member whose name alone says what outlives the request. */
function longLivedMember(name: string, evidence: TSESTree.Node): Lifetime | null {
  const what = LONG_LIVED_MEMBERS.get(name);
  return what === undefined ? null : longLived(what, evidence);
}
function perRequest(what: string, evidence: TSESTree.Node): Lifetime {
  return { kind: 'per-request', what, evidence };
}

export function buildReceivers(
  index: FileIndex,
  graph: CallGraph,
  contexts: RepeatingContexts,
  options: ReceiverOptions,
): Receivers {
  const perRequestClasses = new Map<ClassNode, boolean>();
  const isPerRequestClass = (cls: ClassNode): boolean => {
    let known = perRequestClasses.get(cls);
    if (known === undefined) {
      known = index.news.some((expression) => graph.classOfValue(expression) === cls && contexts.frameOf(expression) !== null);
      perRequestClasses.set(cls, known);
    }
    return known;
  };

  /** A value made anew by this expression: `new X()`, `http.request()`, `fs.createReadStream()`. */
  const createsValue = (node: TSESTree.Node): boolean => {
    const inner = unwrap(node);
    if (inner.type === AST_NODE_TYPES.NewExpression) return true;
    if (inner.type !== AST_NODE_TYPES.CallExpression) return false;
    if (isPoolCheckout(inner)) return false;
    const name = calleeName(inner);
    return name !== null && name !== 'require' && !GETTER_NAME.test(name);
  };

  const isPoolCheckout = (call: TSESTree.CallExpression): boolean => {
    const name = calleeName(call);
    const object = calleeObject(call);
    if (name === null || object === null || !POOL_CHECKOUT_METHODS.has(name)) return false;
    const path = memberPath(object);
    return path !== null && POOL_NAME.test(path.split('.').pop() ?? '');
  };

  const freshWriteIn = (writes: readonly TSESTree.Node[], frame: Frame, at: TSESTree.Node, hops = 0): TSESTree.Node | null => {
    const own = writes.find((write) => isInside(write, frame.node) && write.range[1] <= at.range[0] && createsValue(write));
    if (own || hops > 1 || frame.reason.kind !== 'called-from') return own ?? null;
    // `connect() { this.ws = new WebSocket(url); this.bindEvents(); }`: made anew by the caller before the call.
    const callerFrame = contexts.frameOf(frame.reason.node);
    return callerFrame && callerFrame.node !== frame.node ? freshWriteIn(writes, callerFrame, frame.reason.node, hops + 1) : null;
  };

  /** The repeating frame around a node, or else its own function taken as one run. */
  const frameAround = (node: TSESTree.Node): Frame | null => {
    const repeating = contexts.frameOf(node);
    if (repeating) return repeating;
    const fn = index.enclosingFunction(node);
    return fn ? { node: fn.node, fn, reason: { kind: 'configured', what: fn.displayName, node: fn.node, via: null } } : null;
  };

  const classify = (node: TSESTree.Node, frame: Frame, at: TSESTree.Node, depth: number): Lifetime => {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const inner = unwrap(node);
    const path = memberPath(inner);
    if (path !== null && (options.longLivedReceivers.has(path) || options.longLivedReceivers.has(path.split('.')[0]!))) {
      return longLived('configured as a long-lived receiver', inner);
    }
    switch (inner.type) {
      case AST_NODE_TYPES.Identifier:
        return classifyIdentifier(inner, frame, at, depth);
      case AST_NODE_TYPES.ThisExpression: {
        const cls = index.enclosingClass(index.enclosingFunction(inner));
        if (cls && isPerRequestClass(cls)) return perRequest(`a ${cls.id?.name ?? 'class'} made per request`, cls);
        return cls ? longLived(`this ${cls.id?.name ?? 'object'}, which outlives each run`, cls) : UNKNOWN;
      }
      case AST_NODE_TYPES.MemberExpression:
        return classifyMember(inner, frame, at, depth);
      case AST_NODE_TYPES.NewExpression:
        return perRequest('created in this run', inner);
      case AST_NODE_TYPES.CallExpression:
        if (isPoolCheckout(inner)) return longLived('a pooled connection that is handed out again after this run', inner);
        if (issuesRequest(index, inner) !== null) return perRequest('a request made in this run', inner);
        return createsValue(inner) ? perRequest('created in this run', inner) : UNKNOWN;
      default:
        return UNKNOWN;
    }
  };

  const classifyIdentifier = (node: TSESTree.Identifier, frame: Frame, at: TSESTree.Node, depth: number): Lifetime => {
    const definition = definitionOf(index, node);
    if (!definition) {
      if (node.name === 'process') return longLived('an emitter that lives as long as the service', node);
      return UNKNOWN;
    }
    const { variable } = definition;
    if (definition.kind === 'import') {
      return longLived(`${node.name}, a module-level emitter imported at line ${line(definition.node)}`, definition.node);
    }
    if (definition.kind !== 'variable' && definition.kind !== 'parameter') {
      return definition.kind === 'catch' ? perRequest('an error of this run', definition.node) : UNKNOWN;
    }
    const writes = [...(definition.init ? [definition.init] : []), ...assignmentsOf(variable)];
    const fresh = freshWriteIn(writes, frame, at);
    if (fresh) return perRequest(`created in this run (line ${line(fresh)})`, fresh);

    const declaredInside = isInside(definition.name, frame.node);
    if (!declaredInside) {
      const where = definition.scopeBlock.type === AST_NODE_TYPES.Program ? 'a module-level emitter' : 'declared outside the repeating code';
      return longLived(`${where} (line ${line(definition.name)})`, definition.name);
    }
    if (definition.kind === 'parameter') return classifyParameter(node, definition.node, definition.parameterIndex, definition.name, frame, depth);

    // A local of this run: an alias of something else, or an element of a collection.
    const declarator = definition.node as TSESTree.VariableDeclarator;
    const loop = declarator.parent.parent;
    if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.left === declarator.parent) {
      const collection = classify(loop.right, frame, at, depth + 1);
      if (collection.kind === 'long-lived') {
        // The collection is not itself an emitter: name it, and where it comes from.
        const collectionText = describeNode(index.input.text, loop.right);
        return longLived(`an element of ${collectionText}, which outlives each run (line ${line(collection.evidence)})`, collection.evidence);
      }
      return collection;
    }
    if (declarator.id.type !== AST_NODE_TYPES.Identifier && declarator.init) {
      // `const { socket } = res`: a destructured member.
      return longLivedMember(node.name, declarator) ?? UNKNOWN;
    }
    const source = definition.init ?? writes.find((write) => write.range[1] <= at.range[0]);
    return source ? classify(source, frame, at, depth + 1) : UNKNOWN;
  };

  const classifyParameter = (
    node: TSESTree.Identifier,
    fnNode: TSESTree.Node,
    parameterIndex: number,
    nameNode: TSESTree.Node,
    frame: Frame,
    depth: number,
  ): Lifetime => {
    const fn = index.functionByNode.get(fnNode);
    const param = fn?.node.params[parameterIndex];
    if (param && param.type !== AST_NODE_TYPES.Identifier && nameNode !== param) {
      // `({ socket }) => ...`
      const member = longLivedMember(node.name, nameNode);
      if (member) return member;
    }
    const reason = fn ? contexts.reasonOf(fn) : null;
    // A caller in another file passes something that outlives its run (the project analysis found it).
    const passedIn = fn
      ? options.externalCallers
          ?.filter((caller) => isExternalTarget(fn, caller))
          .flatMap((caller) => caller.longLivedArguments)
          .find((argument) => argument.index === parameterIndex)
      : undefined;
    if (passedIn) return longLived(passedIn.what, nameNode);
    if (fn && reason) {
      if (reason.kind === 'socket-callback' && parameterIndex === 0) {
        return longLived(`the '${reason.event ?? 'socket'}' event's socket, a keep-alive socket reused across requests`, reason.node);
      }
      if ((reason.kind === 'server-handler' || reason.kind === 'client-callback') && (reason.event === 'upgrade' || reason.event === 'connect') && parameterIndex === 1) {
        return perRequest(`a socket dedicated to this '${reason.event}'`, reason.node);
      }
      if (reason.kind === 'server-handler' || reason.kind === 'route-handler' || reason.kind === 'client-callback' || reason.kind === 'recurring-event') {
        return perRequest(`${node.name}, an object of this request`, fnNode);
      }
    }
    // Any other function: what its callers in this file pass in.
    if (fn) {
      let sawPerRequest = false;
      let sites = 0;
      for (const site of graph.callSitesOf(fn)) {
        const arg = site.arguments[parameterIndex];
        if (!arg || arg.type === AST_NODE_TYPES.SpreadElement) continue;
        sites++;
        // A call site outside any repeating code is read as one run of its own function.
        const siteFrame = frameAround(site) ?? frame;
        const passed = classify(arg, siteFrame, site, depth + 1);
        if (passed.kind === 'long-lived') {
          const argument = describeNode(index.input.text, arg);
          return longLived(`${passed.what}: ${argument}, passed in at line ${line(site)}`, site);
        }
        if (passed.kind === 'per-request') sawPerRequest = true;
      }
      if (sites > 0 && sawPerRequest) return perRequest(`${node.name}, an object of this request`, fnNode);
    }
    if (PER_REQUEST_NAMES.has(node.name)) return perRequest(`${node.name}, an object of this request`, fnNode);
    return UNKNOWN;
  };

  const classifyMember = (node: TSESTree.MemberExpression, frame: Frame, at: TSESTree.Node, depth: number): Lifetime => {
    const name = memberName(node);
    const object = unwrap(node.object);
    if (object.type === AST_NODE_TYPES.ThisExpression && name !== null) {
      const fn = index.enclosingFunction(object);
      const cls = index.enclosingClass(fn);
      const thisOwner = index.thisOwnerOf(fn);
      const writes = thisOwner ? (index.fieldWrites.get(thisOwner)?.get(name) ?? []) : [];
      const fresh = freshWriteIn(writes, frame, at);
      if (fresh) return perRequest(`created in this run (line ${line(fresh)})`, fresh);
      if (!writes.some((write) => unwrap(write).type === AST_NODE_TYPES.NewExpression)) {
        const member = longLivedMember(name, writes[0] ?? node);
        if (member) return member;
      }
      // `onRequest(req, res) { this.res = res }`: a field re-pointed at each request's own object.
      // A constructor or field initializer writes once per instance: `this.agent = new Agent()` there is no re-pointing.
      const writtenOnce = (write: TSESTree.Node): boolean =>
        write.parent?.type === AST_NODE_TYPES.PropertyDefinition || index.enclosingFunction(write)?.isConstructor === true;
      const repointed = writes.find(
        (write) => !writtenOnce(write) && classify(write, frameAround(write) ?? frame, write, depth + 1).kind === 'per-request',
      );
      if (repointed && !LONG_LIVED_MEMBERS.has(name)) return perRequest(`re-pointed at each request's object (line ${line(repointed)})`, repointed);
      if (cls && isPerRequestClass(cls)) {
        // A per-request object's field lives as long as what was stored in it.
        for (const write of writes) {
          const stored = classify(write, contexts.frameOf(write) ?? frame, write, depth + 1);
          if (stored.kind === 'long-lived') return longLived(`${stored.what}, stored in this.${name} at line ${line(write)}`, write);
        }
        return perRequest(`a field of ${cls.id?.name ?? 'an object'} made per request`, cls);
      }
      const owner = cls?.id?.name;
      return longLived(owner ? `a field of ${owner}, which outlives each run` : 'a field of a long-lived object', writes[0] ?? node);
    }
    if (name !== null && PROCESS_STREAMS.has(name) && memberPath(object) === 'process') {
      return longLived('a stream that lives as long as the service', node);
    }
    if (name !== null && LONG_LIVED_MEMBERS.has(name)) {
      return object.type === AST_NODE_TYPES.NewExpression ? perRequest('created in this run', object) : longLivedMember(name, node)!;
    }
    const owner = classify(object, frame, at, depth + 1);
    if (owner.kind === 'long-lived') return longLived(`a property of ${describeOwner(object)}, ${owner.what}`, owner.evidence);
    return owner;
  };

  const describeOwner = (object: TSESTree.Node): string => memberPath(rootOf(object)) ?? 'an object';

  /** With types, what the name and the data flow could not tell: a `Socket` parameter is a socket, whatever its name. */
  const byType = (receiver: TSESTree.Node): Lifetime => {
    const type = index.input.types?.receiverType(receiver) ?? null;
    if (type === null) return UNKNOWN;
    const what = TYPE_LIFETIMES.get(type);
    if (what === undefined) return UNKNOWN;
    return what.longLived ? longLived(what.what, receiver) : perRequest(what.what, receiver);
  };

  return {
    lifetimeOf: (receiver, frame, at) => {
      const lifetime = classify(receiver, frame, at, 0);
      return lifetime.kind === 'unknown' ? byType(receiver) : lifetime;
    },
  };
}
