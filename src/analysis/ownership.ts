// Who else listens to this emitter? Node itself (a socket, an agent, `process`, a server, a response), other code
// (an emitter handed in, imported, or checked out of a pool), or nobody but this code (`new EventEmitter()`, its own
// class). removeAllListeners is safe only on the last kind: on the others it strips listeners this code never added.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { isFunctionNode, line, memberName, memberPath, unwrap } from './ast.js';
import { assignmentsOf, definitionOf } from './bindings.js';
import { callGraphOf, type CallGraph } from './call-graph.js';
import { isPoolCheckout } from './call-kinds.js';
import type { ClassNode, FileIndex, FunctionInfo } from './file-index.js';
import { moduleValueOf, requiredModule } from './modules.js';
import {
  EVENT_ARGUMENTS,
  FACTORY_CALLBACK_ARGUMENTS,
  FACTORY_NOUNS,
  HTTP_OBJECT_NAMES,
  NODE_CLASSES,
  NODE_EMITTERS,
  NODE_FACTORIES,
  PLAIN_EMITTER_MODULES,
  WHAT_NODE_GIVES,
  type NodeEmitter,
  type NodeEmitterKind,
} from './node-emitters.js';
import { LONG_LIVED_MEMBERS, PROCESS_STREAMS, SOCKET_NAME } from './vocabulary.js';

export type Ownership =
  | {
      /**
       * this-code: created here; others: Node, a pool, another module or a caller handed it in; unseen: made where
       * this file does not show, known only by its name (`sock`, `this.agent`), so only Node's listeners count.
       */
      readonly owner: 'this-code' | 'others' | 'unseen';
      /** What the receiver is, for messages: "a socket made by net.connect() at line 3". */
      readonly what: string;
      readonly evidence: TSESTree.Node;
      /** Set when Node itself keeps listeners on it. */
      readonly node: NodeEmitter | null;
      /** Known only by its name (`sock`, `this.agent`): Node's listeners are there only if it is what it is named. */
      readonly byName?: true;
    }
  | { readonly owner: 'unknown' };

export interface EmitterOwnership {
  ownershipOf(receiver: TSESTree.Node): Ownership;
}

export interface OwnershipOptions {
  /** Names or member paths (`bus`, `this.events`) of emitters that only this code listens to. */
  readonly ownedEmitters: ReadonlySet<string>;
}

const UNKNOWN: Ownership = { owner: 'unknown' };
const HTTP_REQUEST_NAMES: ReadonlySet<string> = new Set(['req', 'incomingMessage']);
const HTTP_RESPONSE_NAMES: ReadonlySet<string> = new Set(['res', 'serverResponse']);
const MAX_DEPTH = 6;
const NAMED_LIKE_A_SOCKET = 'named like a socket; this file does not show where it comes from';

export function buildEmitterOwnership(index: FileIndex, options: OwnershipOptions): EmitterOwnership {
  let graph: CallGraph | null = null;
  const callGraph = (): CallGraph => (graph ??= callGraphOf(index));

  const owned = (what: string, evidence: TSESTree.Node, node: NodeEmitterKind | null = null): Ownership => ({
    owner: 'this-code',
    what,
    evidence,
    node: node === null ? null : NODE_EMITTERS[node],
  });
  const others = (what: string, evidence: TSESTree.Node, node: NodeEmitterKind | null = null): Ownership => ({
    owner: 'others',
    what,
    evidence,
    node: node === null ? null : NODE_EMITTERS[node],
  });
  const unseen = (what: string, evidence: TSESTree.Node, node: NodeEmitterKind): Ownership => ({
    owner: 'unseen',
    what,
    evidence,
    node: NODE_EMITTERS[node],
  });
  const named = (what: string, evidence: TSESTree.Node, node: NodeEmitterKind): Ownership => ({
    owner: 'unseen',
    what,
    evidence,
    node: NODE_EMITTERS[node],
    byName: true,
  });
  // The socket a net or TLS server hands to its one callback, or the HTTP code hands over after 'upgrade' or
  // 'connect', is that callback's but for Node's own listeners; a request, a response or an HTTP socket is shared
  // with every other listener and middleware of the server.
  const given = (role: NodeEmitterKind | 'request', evidence: TSESTree.Node, event: string | null): Ownership => {
    if (role === 'net-socket' || role === 'tls-accepted-socket' || role === 'upgraded-socket') {
      const what = role === 'upgraded-socket' && event !== null ? `the socket Node hands over to this '${event}' listener` : WHAT_NODE_GIVES[role];
      return unseen(what, evidence, role);
    }
    const what = role === 'http-socket' && event !== null ? `the socket Node passes to this '${event}' listener` : WHAT_NODE_GIVES[role];
    return others(what, evidence, role === 'request' ? null : role);
  };

  /** What several possible values add up to: any that others share wins, then any Node listens to, then all owned. */
  const combine = (candidates: readonly Ownership[]): Ownership => {
    const known = candidates.filter((c): c is Exclude<Ownership, { owner: 'unknown' }> => c.owner !== 'unknown');
    const shared = known.find((c) => c.owner === 'others');
    if (shared) return shared;
    const withNode = known.find((c) => c.node !== null);
    if (withNode) return withNode;
    return known.length > 0 && known.length === candidates.length && known.every((c) => c.owner === 'this-code') ? known[0]! : UNKNOWN;
  };

  /**
   * The last resort: a name that says what the emitter is (`sock`, `this.agent`, `req.socket`). `object` is what a
   * member is read from; the socket of a request or response is Node's HTTP socket, any other only named like one.
   */
  const byName = (name: string, evidence: TSESTree.Node, object: TSESTree.Node | null): Ownership => {
    const bare = name.replace(/^#/, '');
    if (object && LONG_LIVED_MEMBERS.has(bare)) {
      const objectPath = memberPath(object);
      const isSocket = bare === 'socket' || bare === 'connection';
      if (isSocket && objectPath !== null && HTTP_OBJECT_NAMES.has(objectPath.split('.').pop()!)) {
        return others(`the socket of ${objectPath}, which Node's HTTP client or server manages`, evidence, 'http-socket');
      }
      if (isSocket) return named(NAMED_LIKE_A_SOCKET, evidence, 'socket');
      if (bare === 'globalAgent' && (objectPath === 'http' || objectPath === 'https')) return others('the global agent every request shares', evidence, 'agent');
      if (bare === 'agent' || bare === 'globalAgent') return named('named like an http.Agent; this file does not show where it comes from', evidence, 'agent');
      if (bare === 'server') return named('named like a server; this file does not show where it comes from', evidence, 'server');
    }
    return SOCKET_NAME.test(bare) ? named(NAMED_LIKE_A_SOCKET, evidence, 'socket') : UNKNOWN;
  };

  const classify = (node: TSESTree.Node, depth: number): Ownership => {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const inner = unwrap(node);
    const path = memberPath(inner);
    if (path !== null && options.ownedEmitters.has(path)) return owned('configured as an emitter only this code listens to', inner);
    switch (inner.type) {
      case AST_NODE_TYPES.Identifier:
        return classifyIdentifier(inner, depth);
      case AST_NODE_TYPES.ThisExpression:
      case AST_NODE_TYPES.Super:
        return classifyThis(inner);
      case AST_NODE_TYPES.MemberExpression:
        return classifyMember(inner, depth);
      case AST_NODE_TYPES.NewExpression:
        return classifyNew(inner);
      case AST_NODE_TYPES.CallExpression:
        return classifyCall(inner);
      case AST_NODE_TYPES.ConditionalExpression:
        return combine([classify(inner.consequent, depth + 1), classify(inner.alternate, depth + 1)]);
      case AST_NODE_TYPES.LogicalExpression:
        return combine([classify(inner.left, depth + 1), classify(inner.right, depth + 1)]);
      default:
        return UNKNOWN;
    }
  };

  /** `null`, `undefined` and `void 0` written to a binding say nothing about what it holds otherwise. */
  const isEmpty = (node: TSESTree.Node): boolean => {
    const inner = unwrap(node);
    return (
      (inner.type === AST_NODE_TYPES.Literal && inner.value === null) ||
      (inner.type === AST_NODE_TYPES.Identifier && inner.name === 'undefined') ||
      (inner.type === AST_NODE_TYPES.UnaryExpression && inner.operator === 'void')
    );
  };

  const classifyIdentifier = (node: TSESTree.Identifier, depth: number): Ownership => {
    const definition = definitionOf(index, node);
    if (!definition) {
      return node.name === 'process' ? others('the process, which Node and every module of the service listen to', node, 'process') : UNKNOWN;
    }
    switch (definition.kind) {
      case 'import': {
        // A namespace (`import * as util`) is a module object, not an emitter: its removeAllListeners is a helper.
        if (definition.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return UNKNOWN;
        const value = moduleValueOf(index, node);
        if (value?.module === 'process' && value.name === 'default') {
          return others('the process, which Node and every module of the service listen to', definition.node, 'process');
        }
        const from = value ? ` from '${value.module}'` : '';
        return others(`imported${from} at line ${line(definition.node)}: other modules listen to it too`, definition.node);
      }
      case 'parameter':
        return classifyParameter(node, definition.node, definition.parameterIndex, definition.name, depth);
      case 'variable': {
        const declarator = definition.node as TSESTree.VariableDeclarator;
        if (declarator.id.type !== AST_NODE_TYPES.Identifier) {
          if (!declarator.init) return UNKNOWN;
          const required = requiredModule(declarator.init);
          if (required !== null) return others(`required from '${required}' at line ${line(declarator)}: other modules listen to it too`, declarator);
          return byName(node.name, declarator, declarator.init);
        }
        const writes = [...(definition.init ? [definition.init] : []), ...assignmentsOf(definition.variable)].filter((w) => !isEmpty(w));
        const fromWrites = writes.length > 0 ? combine(writes.map((write) => classify(write, depth + 1))) : UNKNOWN;
        return fromWrites.owner === 'unknown' ? byName(node.name, definition.name, null) : fromWrites;
      }
      default:
        return UNKNOWN;
    }
  };

  const classifyParameter = (
    node: TSESTree.Identifier,
    fnNode: TSESTree.Node,
    parameterIndex: number,
    nameNode: TSESTree.Node,
    depth: number,
  ): Ownership => {
    const fn = index.functionByNode.get(fnNode);
    const param = fn?.node.params[parameterIndex];
    if (!fn || !param) return UNKNOWN;
    // `({ socket }) => ...`: the member's name is all there is.
    if (param.type !== AST_NODE_TYPES.Identifier && nameNode !== param) return byName(node.name, nameNode, param);
    const role = callbackRole(fn, parameterIndex);
    if (role) return role;
    const sites = callSites(fn);
    if (sites.length > 0) {
      const passed = sites
        .map((site) => site.arguments[parameterIndex])
        .filter((arg): arg is TSESTree.CallExpressionArgument => arg !== undefined && arg.type !== AST_NODE_TYPES.SpreadElement);
      const results = passed.map((arg) => classify(arg, depth + 1));
      const found = results.length > 0 ? combine(results) : UNKNOWN;
      if (found.owner !== 'unknown') {
        const argument = passed[results.indexOf(found)] ?? passed[0]!;
        // Through several calls, the outermost call site names where the emitter came in.
        if ((found.owner === 'this-code' && found.node === null) || found.what.includes(', passed in at line ')) return found;
        return { ...found, what: `${found.what}, passed in at line ${line(argument)}` };
      }
      return byName(node.name, nameNode, null);
    }
    // A callback handed to a call this file cannot see into: what it receives is that call's business.
    const isInlineCallback = fn.node.parent.type === AST_NODE_TYPES.CallExpression || fn.node.parent.type === AST_NODE_TYPES.NewExpression;
    // `(req, res) => ...` handed to a router: the request and response Node made.
    if (HTTP_REQUEST_NAMES.has(node.name)) return others(`${node.name}, named like the request Node made, which every listener and middleware shares`, nameNode);
    if (HTTP_RESPONSE_NAMES.has(node.name)) return others(`${node.name}, named like the response Node made`, nameNode, 'http-response');
    const byItsName = byName(node.name, nameNode, null);
    if (byItsName.owner !== 'unknown' || isInlineCallback) return byItsName;
    const where = fn.name === 'exports' ? 'the function this module exports' : fn.displayName;
    return others(`a parameter of ${where}: an emitter handed in by code outside this file`, nameNode);
  };

  const callSites = (fn: FunctionInfo): readonly (TSESTree.CallExpression | TSESTree.NewExpression)[] => {
    if (fn.isConstructor && fn.classNode) {
      const cls = fn.classNode;
      return index.news.filter((expression) => localClassOf(expression.callee) === cls);
    }
    return callGraph().callSitesOf(fn);
  };

  /** What Node passes to a listener or callback it calls: `server.on('request', (req, res) => ...)`, `net.createServer((socket) => ...)`. */
  const callbackRole = (fn: FunctionInfo, parameterIndex: number): Ownership | null => {
    for (const registration of index.registrations) {
      if (registration.form !== 'method' || registration.event.value === null || !registration.handler) continue;
      const roles = EVENT_ARGUMENTS.get(registration.event.value);
      const role = roles?.[parameterIndex];
      if (!role) continue;
      const handler = unwrap(registration.handler);
      const isThisFunction = handler === fn.node || (!isFunctionNode(handler) && callGraph().resolveFunctionRef(handler).includes(fn));
      if (isThisFunction) return given(role, registration.call, registration.event.value);
    }
    const parent = fn.node.parent;
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(fn.node as TSESTree.CallExpressionArgument)) {
      const factory = moduleValueOf(index, parent.callee);
      const roles = factory ? FACTORY_CALLBACK_ARGUMENTS.get(`${factory.module}#${factory.name}`) : undefined;
      const role = roles?.[parameterIndex];
      if (role) return given(role, parent, null);
    }
    return null;
  };

  const classifyThis = (node: TSESTree.ThisExpression | TSESTree.Super): Ownership => {
    const cls = index.enclosingClass(index.enclosingFunction(node));
    if (!cls) return UNKNOWN;
    const name = cls.id?.name ?? 'its class';
    const base = nodeBaseOf(cls, 0);
    if (base) return owned(`an instance of ${name}, a subclass of ${base.name}`, cls, base.kind);
    return owned(`an instance of ${name}, this code's own class`, cls);
  };

  const classifyMember = (node: TSESTree.MemberExpression, depth: number): Ownership => {
    const name = memberName(node);
    if (name === null) return UNKNOWN;
    const object = unwrap(node.object);
    const objectPath = memberPath(object);
    if (name === 'process' && (objectPath === 'globalThis' || objectPath === 'global')) {
      return others('the process, which Node and every module of the service listen to', node, 'process');
    }
    if (PROCESS_STREAMS.has(name) && objectPath === 'process') return others(`process.${name}, which every module of the service shares`, node);
    const required = requiredModule(node);
    if (required !== null) return others(`required from '${required.replace('#', "' as ")}' at line ${line(node)}: other modules listen to it too`, node);
    if (object.type === AST_NODE_TYPES.ThisExpression) {
      const owner = index.thisOwnerOf(index.enclosingFunction(object));
      const writes = (owner ? (index.fieldWrites.get(owner)?.get(name) ?? []) : []).filter((w) => !isEmpty(w));
      const results = writes.map((write) => classify(write, depth + 1));
      const fromWrites = results.length > 0 ? combine(results) : UNKNOWN;
      if (fromWrites.owner !== 'unknown') {
        const write = writes[results.indexOf(fromWrites)] ?? writes[0]!;
        return (fromWrites.owner === 'this-code' && fromWrites.node === null) || fromWrites.byName
          ? fromWrites
          : { ...fromWrites, what: `${fromWrites.what}, stored in this.${name} at line ${line(write)}` };
      }
    }
    return byName(name, node, object);
  };

  const classifyNew = (node: TSESTree.NewExpression): Ownership => {
    const local = localClassOf(node.callee);
    if (local) {
      const name = local.id?.name ?? 'its class';
      const base = nodeBaseOf(local, 0);
      if (base) return owned(`${withArticle(name)} made at line ${line(node)}, a subclass of ${base.name}`, node, base.kind);
      return owned(`${withArticle(name)} made at line ${line(node)}, this code's own class`, node);
    }
    const value = moduleValueOf(index, node.callee);
    if (!value) return UNKNOWN;
    const kind = NODE_CLASSES.get(`${value.module}#${value.name}`);
    const display = `${value.module}.${value.name}`;
    if (kind) return owned(`${withArticle(display)} made at line ${line(node)}`, node, kind);
    if (PLAIN_EMITTER_MODULES.has(value.module)) return owned(`a ${value.name === 'default' ? 'EventEmitter' : value.name} made at line ${line(node)}`, node);
    // A class of this project (a relative import) is this code's own; a library's class may listen to itself.
    if (value.module.startsWith('.')) return owned(`a ${value.name === 'default' ? 'instance' : value.name} made at line ${line(node)}, this project's own class`, node);
    return UNKNOWN;
  };

  const classifyCall = (node: TSESTree.CallExpression): Ownership => {
    // The whole module (`const util = require('./util')`) is a module object, as a namespace import is: its
    // removeAllListeners is a helper function. A property of one (`require('./bus').bus`) is what it shares.
    if (requiredModule(node) !== null) return UNKNOWN;
    if (isPoolCheckout(node)) return others('a pooled connection: the pool keeps its own listeners on it and hands it out again', node);
    const value = moduleValueOf(index, node.callee);
    const kind = value ? NODE_FACTORIES.get(`${value.module}#${value.name}`) : undefined;
    if (value && kind) return owned(`${FACTORY_NOUNS[kind] ?? 'an emitter'} made by ${value.module}.${value.name}() at line ${line(node)}`, node, kind);
    return UNKNOWN;
  };

  /** The class of this file a `new` callee or `extends` clause names. */
  const localClassOf = (callee: TSESTree.Node): ClassNode | null => {
    const inner = unwrap(callee);
    if (inner.type === AST_NODE_TYPES.ClassExpression) return inner;
    if (inner.type !== AST_NODE_TYPES.Identifier) return null;
    const cls = index.classesByName.get(inner.name);
    if (!cls) return null;
    const definition = definitionOf(index, inner);
    return definition && (definition.kind === 'class' || definition.kind === 'variable') ? cls : null;
  };

  /** The Node class a class extends, directly or through classes of this file. */
  const nodeBaseOf = (cls: ClassNode, depth: number): { kind: NodeEmitterKind; name: string } | null => {
    if (!cls.superClass || depth > MAX_DEPTH) return null;
    const local = localClassOf(cls.superClass);
    if (local) return local === cls ? null : nodeBaseOf(local, depth + 1);
    const value = moduleValueOf(index, cls.superClass);
    const kind = value ? NODE_CLASSES.get(`${value.module}#${value.name}`) : undefined;
    return value && kind ? { kind, name: `${value.module}.${value.name}` } : null;
  };

  return { ownershipOf: (receiver) => classify(receiver, 0) };
}

/** `an http.Agent`, `a net.Socket`, `an Item`. */
function withArticle(noun: string): string {
  return `${/^(?:[aeiou]|https?\b|http2\b)/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
