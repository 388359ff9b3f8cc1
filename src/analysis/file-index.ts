// One walk over a file that indexes what the four questions need: functions, calls, registrations,
// removals, imports, class fields and bindings. Everything later is a lookup in these tables.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import {
  FUNCTION_NODE_TYPES,
  tsOnlyArray,
  isFunctionNode,
  keyName,
  memberName,
  nameOfCallee,
  rootOf,
  staticString,
  unwrap,
  wrappedExpression,
  type FunctionNode,
} from './ast.js';
import { definitionOf } from './bindings.js';
import { moduleSpecifier, requiredModule, resolveModuleCall } from './modules.js';
import type { TypeOracle } from './types.js';
import { matchRegistration, matchRemoval, matchRemoveAll, mayMatchListenerCall, mayRegister, type EventName, type Registration, type Removal, type RemoveAll } from './registrations.js';

/** The parts of a scope manager (eslint-scope or @typescript-eslint/scope-manager) the analysis reads. */
export interface ScopeVariable {
  name: string;
  identifiers: readonly TSESTree.Node[];
  references: readonly ScopeReference[];
  defs: readonly { type: string; node: TSESTree.Node; name: TSESTree.Node; parent?: TSESTree.Node | null }[];
  scope: { type: string; block: TSESTree.Node };
}
export interface ScopeReference {
  identifier: TSESTree.Node;
  resolved: ScopeVariable | null;
  writeExpr?: TSESTree.Node | null;
  init?: boolean;
  isWrite(): boolean;
}
export interface ScopeLike {
  type: string;
  block: TSESTree.Node;
  variables: readonly ScopeVariable[];
  references: readonly ScopeReference[];
  /** The scope's own variables by name. */
  set: ReadonlyMap<string, ScopeVariable>;
  upper: ScopeLike | null;
}
export interface ScopeManagerLike {
  scopes: readonly ScopeLike[];
  /** The scope a node creates (the innermost one, with `inner`), or null if it creates none. */
  acquire(node: TSESTree.Node, inner?: boolean): ScopeLike | null;
}

/** Identifier -> the variable it names, resolved on first ask: most identifiers are never asked about. */
export interface VariableResolver {
  get(identifier: TSESTree.Node): ScopeVariable | undefined;
  has(identifier: TSESTree.Node): boolean;
}

export interface AnalysisInput {
  ast: TSESTree.Program;
  scopeManager: ScopeManagerLike;
  text: string;
  /**
   * The nodes of INDEXED_NODE_TYPES in source order, when the caller has walked the AST already (an ESLint
   * rule gets them from ESLint's own traversal); without them the index walks the AST itself.
   */
  indexedNodes?: IndexedNodes;
  /** What TypeScript knows about receivers (the type-checked config); the analysis runs the same without it. */
  types?: TypeOracle;
}

/** The node types the index reads; every other node is only passed through. */
export const INDEXED_NODE_TYPES = [
  ...FUNCTION_NODE_TYPES,
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.NewExpression,
  AST_NODE_TYPES.ImportDeclaration,
  AST_NODE_TYPES.AssignmentExpression,
  AST_NODE_TYPES.PropertyDefinition,
  AST_NODE_TYPES.ClassDeclaration,
  AST_NODE_TYPES.ClassExpression,
] as const;
const INDEXED: ReadonlySet<string> = new Set(INDEXED_NODE_TYPES);

/** Keys that hold only types (annotations, type parameters and arguments), where no indexed node can be. */
const TYPE_KEYS: ReadonlySet<string> = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeArguments']);
/** Declarations that are types through and through. */
const TYPE_DECLARATIONS: ReadonlySet<string> = new Set([AST_NODE_TYPES.TSInterfaceDeclaration, AST_NODE_TYPES.TSTypeAliasDeclaration]);
/** The visitor keys of each node type without the type-only ones: in TypeScript, a good part of the tree is types. */
const CODE_KEYS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(visitorKeys).map(([type, keys]) => [type, TYPE_DECLARATIONS.has(type) ? [] : (keys ?? []).filter((key) => !TYPE_KEYS.has(key))]),
);

/**
 * What a walk gathers from the nodes of INDEXED_NODE_TYPES: the index's tables of what they declare and call, filled
 * as each node is met in source order. Whoever walks the tree knows which functions are open around a node; the index
 * would otherwise have to find them from ranges or parents, on nodes that are cold by the time it runs. The nodes
 * themselves are not kept: the tables hold every one a question reads.
 */
export interface IndexedNodes {
  /** Could one of the nodes register a listener (mayRegister)? Asked as each node is met, while it is at hand. */
  readonly mayRegister: boolean;
  readonly tables: NodeTables;
}

/**
 * Gathers IndexedNodes from a walk that enters each indexed node, and leaves each function (FUNCTION_NODE_TYPES),
 * in source order.
 */
export class IndexedNodeList implements IndexedNodes {
  mayRegister = false;
  readonly tables = new NodeTables();
  /** The innermost open function's entry in the tables, null outside every function. */
  private openFunction: FunctionInfo | null = null;

  enter(node: TSESTree.Node): void {
    if (!this.mayRegister) this.mayRegister = mayRegister(node);
    this.openFunction = this.tables.add(node, this.openFunction) ?? this.openFunction;
  }

  /** Called as the walk leaves a function node: the one around it is open again. */
  exitFunction(): void {
    this.openFunction = this.openFunction?.parent ?? null;
  }
}

/** The walks of trees, by the scope manager of the tree's analysis (one tree has one; see indexedNodesOf). */
const walks = new WeakMap<ScopeManagerLike, IndexedNodes>();

/**
 * The input's nodes: those its caller gathered (an ESLint rule, from the traversal), or else the walk of its tree, made
 * once. The project pass analyses a file again as calls into it are found, and the walk now fills the index's tables
 * too. Kept by scope manager, not by tree: an analysis of the tree with another scope manager gets tables of its own,
 * as the call graph kept by the tables resolves calls through the index's scope manager.
 */
export function indexedNodesOf(input: AnalysisInput): IndexedNodes {
  if (input.indexedNodes) return input.indexedNodes;
  let walked = walks.get(input.scopeManager);
  if (!walked) walks.set(input.scopeManager, (walked = collectIndexedNodes(input.ast)));
  return walked;
}

/**
 * Walks the AST (iteratively: generated code nests deep), taking the indexed nodes into the tables in source order,
 * skipping types. A bare parser (the codemod's) leaves `parent` unset; the walk then sets it on every node, as ESLint would.
 */
export function collectIndexedNodes(ast: TSESTree.Program): IndexedNodes {
  const list = new IndexedNodeList();
  const setParents = !ast.body.every((statement) => (statement.parent as TSESTree.Node | undefined) === ast);
  const walkKeys = setParents ? visitorKeys : CODE_KEYS;
  // A function is left once everything pushed after it is walked: a null on the stack below its children marks that.
  const stack: (TSESTree.Node | null)[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null) {
      list.exitFunction();
      continue;
    }
    if (node === undefined) break;
    if (INDEXED.has(node.type)) {
      list.enter(node);
      if (isFunctionNode(node)) stack.push(null);
    }
    const keys = walkKeys[node.type] ?? NO_KEYS;
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as unknown as Record<string, unknown>)[keys[k]!];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) {
          const item = child[i] as TSESTree.Node | null;
          if (item !== null && typeof item === 'object' && typeof item.type === 'string') {
            if (setParents) (item as { parent: TSESTree.Node }).parent = node;
            stack.push(item);
          }
        }
      } else if (child !== null && typeof child === 'object' && typeof (child as TSESTree.Node).type === 'string') {
        if (setParents) (child as { parent: TSESTree.Node }).parent = node;
        stack.push(child as TSESTree.Node);
      }
    }
  }
  return list;
}

const NO_KEYS: readonly string[] = [];

export type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

export interface FunctionInfo {
  readonly id: number;
  readonly node: FunctionNode;
  /** The name it is called by: declaration, variable, method or property key. */
  readonly name: string | null;
  /** `Class.method`, `name`, or a description of an anonymous function, for messages. */
  readonly displayName: string;
  readonly parent: FunctionInfo | null;
  readonly classNode: ClassNode | null;
  readonly isConstructor: boolean;
  readonly decorators: readonly TSESTree.Decorator[];
  /** Calls written directly in this function's body (not in nested functions). */
  readonly calls: TSESTree.CallExpression[];
  readonly news: TSESTree.NewExpression[];
}

export interface FileIndex {
  readonly input: AnalysisInput;
  readonly functions: FunctionInfo[];
  readonly functionByNode: Map<TSESTree.Node, FunctionInfo>;
  /** Functions by the name they are called by (methods, declarations, variables, properties). */
  readonly functionsByName: Map<string, FunctionInfo[]>;
  readonly registrations: Registration[];
  readonly removals: Removal[];
  readonly removeAlls: RemoveAll[];
  readonly calls: TSESTree.CallExpression[];
  /** What each of `calls` is called by, at the same position: see NodeTables. */
  readonly callNames: readonly (string | null)[];
  readonly callRoots: readonly (string | null)[];
  readonly news: TSESTree.NewExpression[];
  /** Local binding name -> module specifier without `node:` (`http`), or `module#export` for named imports. */
  readonly imports: Map<string, string>;
  /**
   * Owner of `this` (a class, or the plain function of a constructor function) -> field name -> the expressions
   * assigned to `this.field` (and class field initializers).
   */
  readonly fieldWrites: Map<ClassNode | FunctionNode, Map<string, TSESTree.Node[]>>;
  readonly classesByName: Map<string, ClassNode>;
  /** Property names ever assigned on any object (`socket[kTracked] = true`, `socket.__tracked = 1`). */
  readonly assignedProperties: Set<string>;
  readonly variableOf: VariableResolver;
  /** Is a name declared or referenced anywhere in the file? For picking a new name that collides with nothing. */
  isNameTaken(name: string): boolean;
  /**
   * Innermost enclosing function of a node, or null at module level. Every module climbs `node.parent`:
   * ESLint sets it, and collectIndexedNodes sets it where a bare parser did not.
   */
  enclosingFunction(node: TSESTree.Node): FunctionInfo | null;
  enclosingClass(fn: FunctionInfo | null): ClassNode | null;
  /** What `this` denotes in fn: its class, or the nearest non-arrow function (`function Request() { this.req = ... }`). */
  thisOwnerOf(fn: FunctionInfo | null): ClassNode | FunctionNode | null;
  /** The module an identifier was imported or required from, unless a local binding shadows it. */
  moduleOf(identifier: TSESTree.Identifier): string | null;
}

function classDisplayName(cls: ClassNode | null): string {
  return cls?.id?.name ?? 'class';
}

function nameForFunction(node: FunctionNode): { name: string | null; classNode: ClassNode | null; isConstructor: boolean; decorators: readonly TSESTree.Decorator[] } {
  const none = { name: null, classNode: null, isConstructor: false, decorators: [] };
  if (node.type === AST_NODE_TYPES.FunctionDeclaration) return { ...none, name: node.id?.name ?? null };
  const parent = node.parent;
  switch (parent.type) {
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition: {
      const cls = parent.parent.parent;
      return {
        name: keyName(parent.key, parent.computed),
        classNode: cls,
        isConstructor: parent.type === AST_NODE_TYPES.MethodDefinition && parent.kind === 'constructor',
        decorators: tsOnlyArray(parent.decorators),
      };
    }
    case AST_NODE_TYPES.Property:
      return { ...none, name: keyName(parent.key, parent.computed) };
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.id.type === AST_NODE_TYPES.Identifier ? { ...none, name: parent.id.name } : none;
    case AST_NODE_TYPES.AssignmentExpression: {
      const target = parent.left;
      if (target.type === AST_NODE_TYPES.Identifier) return { ...none, name: target.name };
      if (target.type === AST_NODE_TYPES.MemberExpression) return { ...none, name: memberName(target) };
      return none;
    }
    default:
      return node.type === AST_NODE_TYPES.FunctionExpression && node.id ? { ...none, name: node.id.name } : none;
  }
}

interface TreeIndexes {
  /** The tables, made without types: the typed indexes of the tree borrow them. */
  readonly plain: FileIndex;
  /**
   * By type oracle, held weakly: a tree the parse cache keeps (an editor's files that did not change) must not keep
   * alive, through an oracle, the program and type checker of the lint that made it.
   */
  typed: WeakMap<TypeOracle, FileIndex> | null;
}
const indexes = new WeakMap<TSESTree.Program, TreeIndexes>();

/**
 * The index of a parsed file, built once per AST however many rules ask: every rule of the plugin reads the same
 * tables, so a file is indexed once per lint, not once per rule. The tables do not depend on types: an input with a
 * type oracle gets the tables of the tree (the project pass indexes without one) and only its own `input`, which
 * carries the oracle. Another scope manager or text for the same tree indexes it again.
 */
export function fileIndexOf(input: AnalysisInput): FileIndex {
  let tree = indexes.get(input.ast);
  if (tree?.plain.input.scopeManager !== input.scopeManager || tree.plain.input.text !== input.text) {
    // Built field by field, not by deleting `types` from a copy: a deleted property leaves an object slow to read.
    const { ast, scopeManager, text, indexedNodes } = input;
    const withoutTypes: AnalysisInput = indexedNodes ? { ast, scopeManager, text, indexedNodes } : { ast, scopeManager, text };
    // Made when a typed input first asks: most lints have no types.
    tree = { plain: buildFileIndex(withoutTypes), typed: null };
    indexes.set(input.ast, tree);
  }
  if (!input.types) return tree.plain;
  tree.typed ??= new WeakMap<TypeOracle, FileIndex>();
  let index = tree.typed.get(input.types);
  if (!index) tree.typed.set(input.types, (index = { ...tree.plain, input }));
  return index;
}

/** The index without a type oracle: for what is kept as long as the tree is (a call graph), which must not keep one alive. */
export function tablesOf(index: FileIndex): FileIndex {
  return indexes.get(index.input.ast)?.plain ?? index;
}

/**
 * Is the call at position i of `index.calls` a method call (`x.m()`) by none of `names`? Read from the tables, without
 * the call: the loops over every call of a file pass most calls by on this.
 */
export function isMethodCallNotNamed(index: FileIndex, i: number, names: ReadonlySet<string>): boolean {
  return index.callRoots[i] !== null && !names.has(index.callNames[i] ?? '');
}

/** The class `this` is an instance of in fn: fn's own, or through arrow functions, an enclosing function's. */
function classOfThis(fn: FunctionInfo | null): ClassNode | null {
  let current = fn;
  while (current) {
    if (current.classNode) return current.classNode;
    // Arrow functions see the `this` of their enclosing function.
    if (current.node.type !== AST_NODE_TYPES.ArrowFunctionExpression) return null;
    current = current.parent;
  }
  return null;
}

function thisOwnerOf(fn: FunctionInfo | null): ClassNode | FunctionNode | null {
  const cls = classOfThis(fn);
  if (cls) return cls;
  let current = fn;
  while (current?.node.type === AST_NODE_TYPES.ArrowFunctionExpression) current = current.parent;
  return current?.node ?? null;
}

/**
 * The tables of the index that each indexed node adds to on its own, given the function around it: filled as a walk
 * enters the nodes in source order (functions before what they hold). ESLint's traversal has just touched a node when
 * it hands it over; read after the lint, the same nodes cost a cache miss each (over the corpus files the rule
 * indexes, a second index of each, built right after the first, took 26 ms a round against 46).
 */
export class NodeTables {
  readonly functions: FunctionInfo[] = [];
  readonly functionByNode = new Map<TSESTree.Node, FunctionInfo>();
  readonly functionsByName = new Map<string, FunctionInfo[]>();
  readonly calls: TSESTree.CallExpression[] = [];
  /** The function around each of `calls`, at the same position. */
  readonly callFunctions: (FunctionInfo | null)[] = [];
  /**
   * The name each of `calls` is called by (calleeName: `m` of `x.m()`, `f` of `f()`), at the same position. Read here,
   * while the call is at hand, so the questions that go over every call of a file pass most of them by without
   * reading a node: most calls are methods of names no question asks about.
   */
  readonly callNames: (string | null)[] = [];
  /**
   * For each method call (`x.y.m()`), the name of the identifier its callee starts from (`x`), or '' when it starts from
   * something else (`this.m()`, `f().m()`); null for a call that is not a method call. At the same position as `calls`.
   */
  readonly callRoots: (string | null)[] = [];
  readonly news: TSESTree.NewExpression[] = [];
  /** Every assignment, in source order (`EventEmitter.defaultMaxListeners = 20`). */
  readonly assignments: TSESTree.AssignmentExpression[] = [];
  readonly imports = new Map<string, string>();
  readonly fieldWrites = new Map<ClassNode | FunctionNode, Map<string, TSESTree.Node[]>>();
  readonly classesByName = new Map<string, ClassNode>();
  readonly assignedProperties = new Set<string>();

  /** Adds an indexed node met inside `outerFn` (null at module level); for a function node, returns its entry. */
  add(node: TSESTree.Node, outerFn: FunctionInfo | null): FunctionInfo | null {
    if (isFunctionNode(node)) return this.addFunction(node, outerFn);
    switch (node.type) {
      case AST_NODE_TYPES.CallExpression: {
        this.calls.push(node);
        this.callFunctions.push(outerFn);
        const callee = unwrap(node.callee);
        this.callNames.push(nameOfCallee(callee));
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const root = rootOf(callee);
          this.callRoots.push(root.type === AST_NODE_TYPES.Identifier ? root.name : '');
        } else {
          this.callRoots.push(null);
        }
        outerFn?.calls.push(node);
        if (node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'require') this.addRequire(node);
        break;
      }
      case AST_NODE_TYPES.NewExpression:
        this.news.push(node);
        outerFn?.news.push(node);
        break;
      case AST_NODE_TYPES.ImportDeclaration: {
        const spec = moduleSpecifier(node.source.value);
        for (const specifier of node.specifiers) {
          if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
            const imported =
              specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
            this.imports.set(specifier.local.name, imported === 'default' ? spec : `${spec}#${imported}`);
          } else {
            this.imports.set(specifier.local.name, spec);
          }
        }
        break;
      }
      case AST_NODE_TYPES.AssignmentExpression: {
        this.assignments.push(node);
        const target = node.left;
        if (target.type === AST_NODE_TYPES.MemberExpression) {
          const name = memberName(target);
          const key = name ?? (target.property.type === AST_NODE_TYPES.Identifier ? `[${target.property.name}]` : null);
          if (key !== null) this.assignedProperties.add(key);
          if (unwrap(target.object).type === AST_NODE_TYPES.ThisExpression && name !== null) {
            const owner = thisOwnerOf(outerFn);
            if (owner) this.recordFieldWrite(owner, name, node.right);
          }
        }
        break;
      }
      case AST_NODE_TYPES.PropertyDefinition: {
        const name = keyName(node.key, node.computed);
        if (name !== null && node.value && !node.static) this.recordFieldWrite(node.parent.parent, name, node.value);
        break;
      }
      case AST_NODE_TYPES.ClassDeclaration:
      case AST_NODE_TYPES.ClassExpression:
        if (node.id) this.classesByName.set(node.id.name, node);
        else if (node.parent.type === AST_NODE_TYPES.VariableDeclarator && node.parent.id.type === AST_NODE_TYPES.Identifier) {
          this.classesByName.set(node.parent.id.name, node);
        }
        break;
      default:
        break;
    }
    return null;
  }

  /**
   * The names a `require()` call binds, when it is (the object of a member chain that is) a variable's value:
   * `const http = require('http')`, `const { get } = require('https')`, `const request = require('http').request`.
   * Found from the call rather than from every variable declarator: a file has far fewer requires than variables.
   */
  private addRequire(call: TSESTree.CallExpression): void {
    let value: TSESTree.Node = call;
    let parent: TSESTree.Node | undefined = call.parent;
    while (parent && isValueWrapperOf(parent, value)) {
      value = parent;
      parent = parent.parent;
    }
    if (parent?.type !== AST_NODE_TYPES.VariableDeclarator || parent.init !== value) return;
    const node = parent;
    const spec = requiredModule(node.init);
    if (spec !== null) {
      if (node.id.type === AST_NODE_TYPES.Identifier) this.imports.set(node.id.name, spec);
      else if (node.id.type === AST_NODE_TYPES.ObjectPattern) {
        for (const property of node.id.properties) {
          if (property.type !== AST_NODE_TYPES.Property) continue;
          const imported = keyName(property.key, property.computed);
          if (imported !== null && property.value.type === AST_NODE_TYPES.Identifier) {
            this.imports.set(property.value.name, `${spec}#${imported}`);
          }
        }
      }
    }
  }

  private addFunction(node: FunctionNode, outerFn: FunctionInfo | null): FunctionInfo {
    const naming = nameForFunction(node);
    const owner = naming.classNode ? classDisplayName(naming.classNode) : null;
    const info: FunctionInfo = {
      id: this.functions.length,
      node,
      name: naming.name,
      displayName: naming.name === null ? 'an anonymous function' : owner ? `${owner}.${naming.name}` : naming.name,
      parent: outerFn,
      classNode: naming.classNode,
      isConstructor: naming.isConstructor,
      decorators: naming.decorators,
      calls: [],
      news: [],
    };
    this.functions.push(info);
    this.functionByNode.set(node, info);
    if (naming.name !== null) {
      const list = this.functionsByName.get(naming.name);
      if (list) list.push(info);
      else this.functionsByName.set(naming.name, [info]);
    }
    return info;
  }

  private recordFieldWrite(owner: ClassNode | FunctionNode, field: string, value: TSESTree.Node): void {
    let fields = this.fieldWrites.get(owner);
    if (!fields) this.fieldWrites.set(owner, (fields = new Map<string, TSESTree.Node[]>()));
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
}

/**
 * Is `parent` a node that passes `child`'s value on as requiredModule reads it: a member access on it, or a wrapper
 * that unwrap looks through (`(require('x') as T).y`)?
 */
function isValueWrapperOf(parent: TSESTree.Node, child: TSESTree.Node): boolean {
  return parent.type === AST_NODE_TYPES.MemberExpression ? parent.object === child : wrappedExpression(parent) === child;
}

function buildFileIndex(input: AnalysisInput): FileIndex {
  const { tables } = indexedNodesOf(input);
  const { functions, functionByNode, functionsByName, calls, callFunctions, callNames, callRoots, news, imports, fieldWrites, classesByName, assignedProperties } = tables;
  const registrations: Registration[] = [];
  const removals: Removal[] = [];
  const removeAlls: RemoveAll[] = [];
  const variableOf = createVariableResolver(input.scopeManager);

  /** The nearest function around a node, climbing parents; functions are indexed before what they hold. */
  const functionAround = (node: TSESTree.Node): FunctionInfo | null => {
    for (let current = node.parent; current; current = current.parent) {
      const info = functionByNode.get(current);
      if (info) return info;
    }
    return null;
  };

  const enclosingFunction = (node: TSESTree.Node): FunctionInfo | null => {
    const own = functionByNode.get(node);
    return own ? own.parent : functionAround(node);
  };

  const index: FileIndex = {
    input,
    functions,
    functionByNode,
    functionsByName,
    registrations,
    removals,
    removeAlls,
    calls,
    callNames,
    callRoots,
    news,
    imports,
    fieldWrites,
    classesByName,
    assignedProperties,
    variableOf,
    isNameTaken(name) {
      if (takenNames === null) {
        takenNames = new Set();
        for (const scope of input.scopeManager.scopes) {
          for (const variable of scope.variables) takenNames.add(variable.name);
          for (const reference of scope.references) if (reference.identifier.type === AST_NODE_TYPES.Identifier) takenNames.add(reference.identifier.name);
        }
      }
      return takenNames.has(name);
    },
    enclosingFunction,
    enclosingClass: classOfThis,
    thisOwnerOf,
    moduleOf(identifier) {
      const spec = imports.get(identifier.name);
      if (spec === undefined) return null;
      // A local binding of the same name shadows the import.
      const variable = variableOf.get(identifier);
      if (variable && variable.scope.type !== 'module' && variable.scope.type !== 'global') return null;
      return spec;
    },
  };

  let takenNames: Set<string> | null = null;

  // Registrations are matched after the walk, when every import and require of the file is known.
  const resolveModuleFunction = (call: TSESTree.CallExpression) => resolveModuleCall(index, call);
  // `const CLOSE = 'close'; socket.on(CLOSE, fn)` registers for 'close': events named by a string constant read as that string.
  const constantEvent = (event: EventName): EventName => {
    const constant = event.node ? constantString(index, event.node) : null;
    return constant === null ? event : { value: constant, text: constant };
  };
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    if (!mayMatchListenerCall(call, callNames[i] ?? null, callRoots[i] !== null, imports)) continue;
    const fn = callFunctions[i] ?? null;
    const registration = matchRegistration(call, fn, resolveModuleFunction);
    if (registration) registrations.push({ ...registration, event: constantEvent(registration.event) });
    const removal = matchRemoval(call, fn);
    if (removal) removals.push({ ...removal, event: constantEvent(removal.event) });
    const removeAll = matchRemoveAll(call, fn);
    if (removeAll) removeAlls.push({ ...removeAll, event: removeAll.event && constantEvent(removeAll.event) });
  }
  return index;
}

/** The string a `const` identifier was initialised with, or null. */
function constantString(index: FileIndex, node: TSESTree.Node): string | null {
  if (node.type !== AST_NODE_TYPES.Identifier) return null;
  const definition = definitionOf(index, node);
  if (definition?.kind !== 'variable' || !definition.init) return null;
  const declaration = definition.node.parent;
  return declaration?.type === AST_NODE_TYPES.VariableDeclaration && declaration.kind === 'const' ? staticString(definition.init) : null;
}

/**
 * Resolves an identifier by name through the scope chain from the innermost scope around it, as the
 * scope manager's own references do, but only for the identifiers the analysis asks about.
 */
function createVariableResolver(scopeManager: ScopeManagerLike): VariableResolver {
  const cache = new Map<TSESTree.Node, ScopeVariable | null>();
  const resolve = (identifier: TSESTree.Node): ScopeVariable | null => {
    if (identifier.type !== AST_NODE_TYPES.Identifier) return null;
    let scope: ScopeLike | null = null;
    for (let node: TSESTree.Node | undefined = identifier.parent; node && !scope; node = node.parent) {
      scope = scopeManager.acquire(node, true);
    }
    for (; scope; scope = scope.upper) {
      const variable = scope.set.get(identifier.name);
      if (variable) return variable;
    }
    return null;
  };
  const get = (identifier: TSESTree.Node): ScopeVariable | undefined => {
    let variable = cache.get(identifier);
    if (variable === undefined) {
      variable = resolve(identifier);
      cache.set(identifier, variable);
    }
    return variable ?? undefined;
  };
  return { get, has: (identifier) => get(identifier) !== undefined };
}
