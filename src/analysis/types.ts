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
   * cheaper, as it is asked of many parameters. A parameter's written type is read by its names first, and built
   * only when they cannot tell.
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

interface Classifications {
  readonly structural: Map<ts.Type, ReceiverType | null>;
  readonly nominal: Map<ts.Type, ReceiverType | null>;
}
/** A type is the program's (one checker per program), so what it is classified as holds for every file of the program. */
const classificationsByProgram = new WeakMap<ts.Program, Classifications>();

/** The oracle for one file, from a TypeScript program and the ESTree -> TS node map of typescript-estree. */
export function createTypeOracle(program: ts.Program, toTsNode: (node: TSESTree.Node) => ts.Node | undefined): TypeOracle {
  const checker = program.getTypeChecker();
  let caches = classificationsByProgram.get(program);
  if (!caches) classificationsByProgram.set(program, (caches = { structural: new Map(), nominal: new Map() }));
  const { structural: structuralCache, nominal: nominalCache } = caches;

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
    // The nominal question reads the names in the declarations first; only a base that is no name (a mixin) needs the
    // base types below.
    const byNames = !structural && symbol ? nominalOfSymbol(symbol) : undefined;
    if (byNames !== undefined) return byNames;
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

  /**
   * The nominal question asked of a type's symbol: one of Node's types by name, or a class or interface that extends
   * one, read from the names in its declarations' `extends` clauses. getBaseTypes would also build each base's type
   * arguments (a large event map in `extends TypedEventEmitter<Events>`), which a nominal answer never needs.
   */
  const nominalOfSymbol = (symbol: ts.Symbol, depth = 0, seen = new Set<ts.Symbol>()): ReceiverType | null | undefined => {
    if (depth > 6 || seen.has(symbol)) return null;
    seen.add(symbol);
    const named = BY_NAME.get(symbol.getName());
    if (named && isFromNodeTypes(symbol)) return named;
    for (const declaration of symbol.getDeclarations() ?? []) {
      if (!ts.isClassLike(declaration) && !ts.isInterfaceDeclaration(declaration)) continue;
      for (const clause of declaration.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
        for (const base of clause.types) {
          // `extends mixin(Base)`: not a name; the type-based walk answers that one.
          if (!isEntityNameExpression(base.expression)) return undefined;
          let baseSymbol = checker.getSymbolAtLocation(base.expression);
          if (baseSymbol && baseSymbol.flags & ts.SymbolFlags.Alias) baseSymbol = checker.getAliasedSymbol(baseSymbol);
          if (!baseSymbol) continue;
          const kind = nominalOfSymbol(baseSymbol, depth + 1, seen);
          if (kind === undefined) return undefined;
          if (kind !== null && kind !== 'non-emitter') return kind;
        }
      }
    }
    return null;
  };

  /**
   * The nominal answer read from a written type (`res: Reply`, `res: http.ServerResponse | undefined`, an alias of
   * either), without building it: a type alias of an intersection or of a large object type costs the checker far
   * more than the names in it. Undefined when only the checker can tell (`InstanceType<typeof X>`, `T[K]`, or the
   * parameter of a generic alias, which depends on the alias's arguments). NEVER for `never`, which a union drops.
   */
  const nominalOfTypeNode = (node: ts.TypeNode, depth: number, inAlias: boolean, inUnion: boolean): WrittenKind => {
    if (depth > 6) return undefined;
    if (ts.isParenthesizedTypeNode(node)) return nominalOfTypeNode(node.type, depth + 1, inAlias, inUnion);
    if (node.kind === ts.SyntaxKind.NeverKeyword) return NEVER;
    // Types with no class behind them, whatever their parts: the type of each has no symbol or an anonymous one.
    if (NO_CLASS_TYPE_NODES.has(node.kind)) return null;
    if (ts.isUnionTypeNode(node)) {
      // `Socket | null`: what the members other than null, undefined and never agree on, as for a union type. So one
      // member that is none of Node's types makes the union none, whatever the others are.
      let agreed: ReceiverType | typeof NEVER = NEVER;
      let unknown = false;
      for (const member of node.types) {
        if (isNullishTypeNode(member)) continue;
        const kind = nominalOfTypeNode(member, depth + 1, inAlias, true);
        if (kind === null) return null;
        if (kind === undefined) unknown = true;
        else if (kind !== NEVER) {
          if (agreed !== NEVER && agreed !== kind) return null;
          agreed = kind;
        }
      }
      return unknown ? undefined : agreed;
    }
    if (ts.isIntersectionTypeNode(node)) {
      // An intersection type has no symbol of its own: it is one of Node's types only if the checker reduces it to a
      // member that is one (`ServerResponse & {}`), so members that are none of them make it none. In a union it may
      // also reduce to never (`string & number`), which the union drops: only the checker can tell.
      if (inUnion) return undefined;
      for (const member of node.types) if (nominalOfTypeNode(member, depth + 1, inAlias, false) !== null) return undefined;
      return null;
    }
    if (!ts.isTypeReferenceNode(node)) return undefined;
    let symbol = checker.getSymbolAtLocation(node.typeName);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    if (!symbol) return undefined;
    // A function's or class's type parameter says nothing (as its type does); a generic alias's stands for its argument.
    if (symbol.flags & ts.SymbolFlags.TypeParameter) return inAlias ? undefined : null;
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) return nominalOfSymbol(symbol);
    if (symbol.flags & (ts.SymbolFlags.Enum | ts.SymbolFlags.EnumMember)) return null;
    if (symbol.flags & ts.SymbolFlags.TypeAlias) {
      const declaration = symbol.getDeclarations()?.find(ts.isTypeAliasDeclaration);
      return declaration ? nominalOfTypeNode(declaration.type, depth + 1, inAlias || declaration.typeParameters !== undefined, inUnion) : undefined;
    }
    return undefined;
  };

  const typeOf = (node: TSESTree.Node, structural: boolean): ReceiverType | null => {
    const tsNode = toTsNode(node);
    if (!tsNode) return null;
    const type = checker.getTypeAtLocation(tsNode);
    const cache = structural ? structuralCache : nominalCache;
    let kind = cache.get(type);
    if (kind === undefined) {
      kind = classify(type, 0, structural);
      cache.set(type, kind);
    }
    return kind;
  };

  return {
    receiverType: (node) => typeOf(node, true),
    nodeType: (node) => {
      // A parameter with a written type: its names answer first.
      const tsNode = toTsNode(node);
      const parameter = tsNode && (ts.isParameter(tsNode) ? tsNode : ts.isParameter(tsNode.parent) && tsNode.parent.name === tsNode ? tsNode.parent : undefined);
      const written = parameter?.type ? nominalOfTypeNode(parameter.type, 0, false, false) : undefined;
      return written === undefined ? typeOf(node, false) : written === NEVER ? null : written;
    },
  };
}

/** A written type that is `never` (a union drops it). */
const NEVER = 'never';
/** What a written type says: one of Node's types, none (null), never, or undefined when only the checker can tell. */
type WrittenKind = ReceiverType | null | typeof NEVER | undefined;

/** Written types that are never a class instance: keywords, literals, functions, arrays, tuples, object literals, mapped types. */
const NO_CLASS_TYPE_NODES: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.StringKeyword,
  ts.SyntaxKind.NumberKeyword,
  ts.SyntaxKind.BooleanKeyword,
  ts.SyntaxKind.BigIntKeyword,
  ts.SyntaxKind.SymbolKeyword,
  ts.SyntaxKind.ObjectKeyword,
  ts.SyntaxKind.AnyKeyword,
  ts.SyntaxKind.UnknownKeyword,
  ts.SyntaxKind.UndefinedKeyword,
  ts.SyntaxKind.VoidKeyword,
  ts.SyntaxKind.LiteralType,
  ts.SyntaxKind.TemplateLiteralType,
  ts.SyntaxKind.FunctionType,
  ts.SyntaxKind.ConstructorType,
  ts.SyntaxKind.ArrayType,
  ts.SyntaxKind.TupleType,
  ts.SyntaxKind.TypeLiteral,
  ts.SyntaxKind.MappedType,
]);

function isNullishTypeNode(node: ts.TypeNode): boolean {
  return (
    node.kind === ts.SyntaxKind.UndefinedKeyword ||
    node.kind === ts.SyntaxKind.VoidKeyword ||
    (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword)
  );
}

/** `Base` or `ns.Base`: a name the checker resolves to a symbol without building a type. */
function isEntityNameExpression(node: ts.Expression): boolean {
  return ts.isIdentifier(node) || (ts.isPropertyAccessExpression(node) && isEntityNameExpression(node.expression));
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
