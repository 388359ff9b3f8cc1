// What TypeScript knows about a receiver, for the type-checked config: a socket, an agent, a request or response,
// `process`, another emitter, or something that is no emitter at all (a router's `.on('/path')`). The detector
// asks only through TypeOracle, so it runs the same without types; a rule or the scan command builds the oracle
// from a TypeScript program.
import type { TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

export type ReceiverType =
  | 'socket'
  | 'agent'
  | 'server'
  | 'process'
  | 'incoming-message'
  | 'server-response'
  | 'client-request'
  | 'stream'
  | 'emitter'
  | 'event-target'
  | 'non-emitter';

export interface TypeOracle {
  /** What the expression's type says it is; null when the type says nothing (any, unknown, unresolved). */
  receiverType(node: TSESTree.Node): ReceiverType | null;
  /**
   * Which of Node's types (or a class built on one) the expression's type is, without looking at the members of any
   * other type (receiverType does, to tell an emitter from no emitter): enough to recognise a ServerResponse, and
   * cheaper, as it is asked of many parameters.
   */
  nodeType(node: TSESTree.Node): ReceiverType | null;
}

/** Class and interface names of Node's typings (and of frameworks built on them), checked along the base types. */
const BY_NAME: ReadonlyMap<string, ReceiverType> = new Map([
  ['Socket', 'socket'],
  ['TLSSocket', 'socket'],
  ['Http2Session', 'socket'],
  ['ClientHttp2Session', 'socket'],
  ['Agent', 'agent'],
  ['Server', 'server'],
  ['Http2Server', 'server'],
  ['Http2SecureServer', 'server'],
  ['Process', 'process'],
  ['IncomingMessage', 'incoming-message'],
  ['Http2ServerRequest', 'incoming-message'],
  ['ServerResponse', 'server-response'],
  ['Http2ServerResponse', 'server-response'],
  ['ClientRequest', 'client-request'],
  ['Duplex', 'stream'],
  ['Readable', 'stream'],
  ['Writable', 'stream'],
  ['Transform', 'stream'],
  ['Stream', 'stream'],
  ['EventEmitter', 'emitter'],
  ['EventTarget', 'event-target'],
]);

/** The oracle for one file, from a TypeScript program and the ESTree -> TS node map of typescript-estree. */
export function createTypeOracle(program: ts.Program, toTsNode: (node: TSESTree.Node) => ts.Node | undefined): TypeOracle {
  const checker = program.getTypeChecker();
  const caches = { structural: new Map<ts.Type, ReceiverType | null>(), nominal: new Map<ts.Type, ReceiverType | null>() };

  const classify = (type: ts.Type, depth: number, structural: boolean): ReceiverType | null => {
    if (depth > 6) return null;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter)) return null;
    if (type.isUnion()) {
      // `Socket | null`: what the non-nullish members agree on.
      const kinds = new Set(
        type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void))).map((t) => classify(t, depth + 1, structural)),
      );
      return kinds.size === 1 ? [...kinds][0]! : null;
    }
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    const named = symbol ? BY_NAME.get(symbol.getName()) : undefined;
    if (symbol && named && isFromNodeTypes(symbol)) return named;
    // `Reply<string>` or an Express `Response`: an instance of a generic class or interface, whose bases are its target's.
    const declared = type.isClassOrInterface() ? type : isGenericInstance(type) ? type.target : null;
    if (declared) {
      for (const base of checker.getBaseTypes(declared)) {
        const kind = classify(base, depth + 1, structural);
        if (kind !== null && kind !== 'non-emitter') return kind;
      }
    }
    // Not one of Node's types: an emitter if it can add and also emit or remove listeners (a router's lone
    // `on(path, handler)` is routing), else no emitter at all.
    if (structural && type.flags & ts.TypeFlags.Object) {
      const has = (names: readonly string[]): boolean =>
        names.some((name) => {
          const property = type.getProperty(name);
          return property !== undefined && checker.getTypeOfSymbol(property).getCallSignatures().length > 0;
        });
      const emitter = has(['on', 'addListener', 'once']) && has(['emit', 'removeListener', 'off']);
      const target = has(['addEventListener']) && has(['removeEventListener', 'dispatchEvent']);
      return emitter ? 'emitter' : target ? 'event-target' : 'non-emitter';
    }
    return null;
  };

  const typeOf = (node: TSESTree.Node, structural: boolean): ReceiverType | null => {
    const tsNode = toTsNode(node);
    if (!tsNode) return null;
    const type = checker.getTypeAtLocation(tsNode);
    const cache = structural ? caches.structural : caches.nominal;
    let kind = cache.get(type);
    if (kind === undefined) {
      kind = classify(type, 0, structural);
      cache.set(type, kind);
    }
    return kind;
  };

  return {
    receiverType: (node) => typeOf(node, true),
    nodeType: (node) => typeOf(node, false),
  };
}

function isGenericInstance(type: ts.Type): type is ts.TypeReference {
  return (type.flags & ts.TypeFlags.Object) !== 0 && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0 && (type as ts.TypeReference).target.isClassOrInterface();
}

/** Declared in @types/node (or TypeScript's own lib for EventTarget), not a user's class of the same name. */
function isFromNodeTypes(symbol: ts.Symbol): boolean {
  return (symbol.getDeclarations() ?? []).some((declaration) => {
    const file = declaration.getSourceFile().fileName;
    return file.includes('/@types/node/') || /\/typescript\/lib\/lib\.[^/]*\.d\.ts$/.test(file);
  });
}
