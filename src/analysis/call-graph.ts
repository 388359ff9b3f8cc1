// Which functions of this file a call or a callback reference can run: declarations, variables,
// `this.method`, methods of a class instantiated into a variable or field, closure factories.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, filterInRun, isFunctionNode, memberName, symbolKey, unwrap } from './ast.js';
import { definitionOf } from './bindings.js';
import { tablesOf, type ClassNode, type FileIndex, type FunctionInfo } from './file-index.js';
import { COMMON_METHOD_NAMES } from './vocabulary.js';

export interface CallGraph {
  /** The functions a reference (`handler`, `this.onRequest.bind(this)`, an inline function) denotes. */
  resolveFunctionRef(node: TSESTree.Node): FunctionInfo[];
  /** The functions a call runs. */
  calleesOf(call: TSESTree.CallExpression | TSESTree.NewExpression): FunctionInfo[];
  /** The calls in this file that run a function, with the argument list. */
  callSitesOf(fn: FunctionInfo): TSESTree.CallExpression[];
  childrenOf(fn: FunctionInfo | null): FunctionInfo[];
  methodsOf(cls: ClassNode, name: string): FunctionInfo[];
  /** The class whose instance an expression holds (`new C()`, a variable or field assigned one). */
  classOfValue(node: TSESTree.Node, depth?: number): ClassNode | null;
}

const MAX_CANDIDATES_BY_NAME = 3;

/** Graphs by the tables they are built from: an index that lends its tables to another input shares its graph too. */
const graphs = new WeakMap<readonly FunctionInfo[], CallGraph>();

/**
 * The call graph of a file, built once per index however many rules and analyses ask. It reads no types, and is built
 * from the tables alone: it lives as long as they do, and must not keep a type oracle alive.
 */
export function callGraphOf(index: FileIndex): CallGraph {
  let graph = graphs.get(index.functions);
  if (!graph) graphs.set(index.functions, (graph = buildCallGraph(tablesOf(index))));
  return graph;
}

function buildCallGraph(index: FileIndex): CallGraph {
  const children = new Map<FunctionInfo | null, FunctionInfo[]>();
  for (let i = 0; i < index.functions.length; i++) {
    const fn = index.functions[i]!;
    const list = children.get(fn.parent);
    if (list) list.push(fn);
    else children.set(fn.parent, [fn]);
  }

  // Methods by owner (class or object literal) and by name, so a lookup does not scan every same-named method.
  const byOwner = new Map<object, Map<string, FunctionInfo[]>>();
  const memberFunctionsByName = new Map<string, FunctionInfo[]>();
  const add = <K>(map: Map<K, FunctionInfo[]>, key: K, fn: FunctionInfo): void => {
    const list = map.get(key);
    if (list) list.push(fn);
    else map.set(key, [fn]);
  };
  for (let i = 0; i < index.functions.length; i++) {
    const fn = index.functions[i]!;
    if (fn.name === null) continue;
    const owner = fn.classNode ?? (fn.node.parent.type === AST_NODE_TYPES.Property ? fn.node.parent.parent : null);
    if (!owner) continue;
    let names = byOwner.get(owner);
    if (!names) byOwner.set(owner, (names = new Map<string, FunctionInfo[]>()));
    add(names, fn.name, fn);
    add(memberFunctionsByName, fn.name, fn);
  }
  const ownedBy = (owner: object, name: string): FunctionInfo[] => byOwner.get(owner)?.get(name) ?? [];

  const methodsOf = (cls: ClassNode, name: string): FunctionInfo[] => {
    const own = ownedBy(cls, name);
    if (own.length > 0) return own;
    const base = cls.superClass ? unwrap(cls.superClass) : null;
    if (base?.type === AST_NODE_TYPES.Identifier) {
      const parent = index.classesByName.get(base.name);
      if (parent && parent !== cls) return methodsOf(parent, name);
    }
    return [];
  };

  const classOfValue = (node: TSESTree.Node, depth = 0): ClassNode | null => {
    if (depth > 3) return null;
    const inner = unwrap(node);
    if (inner.type === AST_NODE_TYPES.NewExpression) {
      const callee = unwrap(inner.callee);
      return callee.type === AST_NODE_TYPES.Identifier ? (index.classesByName.get(callee.name) ?? null) : null;
    }
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const definition = definitionOf(index, inner);
      if (definition?.kind === 'variable' && definition.init) return classOfValue(definition.init, depth + 1);
      return null;
    }
    if (inner.type === AST_NODE_TYPES.MemberExpression && unwrap(inner.object).type === AST_NODE_TYPES.ThisExpression) {
      const name = memberName(inner);
      const cls = index.enclosingClass(index.enclosingFunction(inner));
      const writes = name !== null && cls ? index.fieldWrites.get(cls)?.get(name) : undefined;
      for (const write of writes ?? []) {
        const found = classOfValue(write, depth + 1);
        if (found) return found;
      }
    }
    return null;
  };

  const objectLiteralOf = (node: TSESTree.Node): TSESTree.ObjectExpression | null => {
    const inner = unwrap(node);
    if (inner.type === AST_NODE_TYPES.ObjectExpression) return inner;
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const definition = definitionOf(index, inner);
      if (definition?.kind === 'variable' && definition.init && unwrap(definition.init).type === AST_NODE_TYPES.ObjectExpression) {
        return unwrap(definition.init) as TSESTree.ObjectExpression;
      }
    }
    return null;
  };

  const factoryResults = (call: TSESTree.CallExpression, depth: number): FunctionInfo[] => {
    const out: FunctionInfo[] = [];
    for (const factory of resolve(call.callee, depth + 1)) {
      const body = factory.node.body;
      if (body.type !== AST_NODE_TYPES.BlockStatement) {
        out.push(...resolve(body, depth + 1));
        continue;
      }
      for (const statement of filterInRun(body, (node) => node.type === AST_NODE_TYPES.ReturnStatement)) {
        const { argument } = statement as TSESTree.ReturnStatement;
        if (argument) out.push(...resolve(argument, depth + 1));
      }
    }
    return out;
  };

  const resolve = (node: TSESTree.Node, depth: number): FunctionInfo[] => {
    if (depth > 4) return [];
    const inner = unwrap(node);
    if (isFunctionNode(inner)) {
      const info = index.functionByNode.get(inner);
      return info ? [info] : [];
    }
    switch (inner.type) {
      case AST_NODE_TYPES.CallExpression: {
        // `fn.bind(this)` runs fn; `factory()` returning a function runs what it returns.
        if (calleeName(inner) === 'bind' && unwrap(inner.callee).type === AST_NODE_TYPES.MemberExpression) {
          return resolve((unwrap(inner.callee) as TSESTree.MemberExpression).object, depth + 1);
        }
        return factoryResults(inner, depth);
      }
      case AST_NODE_TYPES.Identifier: {
        const definition = definitionOf(index, inner);
        if (!definition) return [];
        if (definition.kind === 'function') {
          const info = index.functionByNode.get(definition.node);
          return info ? [info] : [];
        }
        if (definition.kind === 'variable' && definition.init) return resolve(definition.init, depth + 1);
        return [];
      }
      case AST_NODE_TYPES.MemberExpression: {
        const name = memberName(inner) ?? (inner.computed ? symbolKey(inner.property) : null);
        // No function of this file has the name: nothing here can be what `x.name()` runs (most calls).
        if (name === null || !index.functionsByName.has(name)) return [];
        const object = unwrap(inner.object);
        if (object.type === AST_NODE_TYPES.ThisExpression) {
          const cls = index.enclosingClass(index.enclosingFunction(object));
          if (cls) return methodsOf(cls, name);
          // `this.m()` in an object literal's method: the literal's own property.
          const fn = index.enclosingFunction(object);
          const literal = fn?.node.parent.parent;
          if (literal?.type === AST_NODE_TYPES.ObjectExpression) return propertyFunctions(literal, name);
          return [];
        }
        const cls = classOfValue(object);
        if (cls) return methodsOf(cls, name);
        const literal = objectLiteralOf(object);
        if (literal) return propertyFunctions(literal, name);
        if (COMMON_METHOD_NAMES.has(name)) return [];
        const candidates = memberFunctionsByName.get(name) ?? [];
        return candidates.length <= MAX_CANDIDATES_BY_NAME ? candidates : [];
      }
      default:
        return [];
    }
  };

  const propertyFunctions = (literal: TSESTree.ObjectExpression, name: string): FunctionInfo[] => ownedBy(literal, name);

  const calleeCache = new Map<TSESTree.Node, FunctionInfo[]>();
  const calleesOf = (call: TSESTree.CallExpression | TSESTree.NewExpression): FunctionInfo[] => {
    let cached = calleeCache.get(call);
    if (!cached) {
      if (call.type === AST_NODE_TYPES.NewExpression) {
        const cls = classOfValue(call);
        cached = cls ? methodsOf(cls, 'constructor') : [];
      } else {
        cached = resolve(call.callee, 0);
      }
      calleeCache.set(call, cached);
    }
    return cached;
  };
  // Built on first use: only the analysis of a registration that repeats asks who calls a function, and in most files
  // none does. The rest of the analysis resolves only the calls it follows.
  let callSites: Map<FunctionInfo, TSESTree.CallExpression[]> | null = null;
  const callSitesOf = (fn: FunctionInfo): TSESTree.CallExpression[] => {
    if (callSites === null) {
      callSites = new Map();
      for (let i = 0; i < index.calls.length; i++) {
        const call = index.calls[i]!;
        for (let j = 0, found = calleesOf(call); j < found.length; j++) {
          const callee = found[j]!;
          const list = callSites.get(callee);
          if (list) list.push(call);
          else callSites.set(callee, [call]);
        }
      }
    }
    return callSites.get(fn) ?? [];
  };

  return {
    resolveFunctionRef: (node) => resolve(node, 0),
    calleesOf,
    callSitesOf,
    childrenOf: (fn) => children.get(fn) ?? [],
    methodsOf,
    classOfValue,
  };
}
