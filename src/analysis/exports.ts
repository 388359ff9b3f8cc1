// Where the exports of a project's modules are declared: through re-exports (`export { x } from`, `export * from`),
// default and anonymous exports, exported instances (`export const tracker = new Tracker()`) and CommonJS
// (`module.exports = ...`). The project analysis asks it where a call from another module lands.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { memberName, unwrap } from './ast.js';
import type { AnalysisInput } from './file-index.js';
import { DEFAULT_EXPORT, type ExternalCaller } from './repeating-contexts.js';

/** What an outgoing call reaches in another module: an export, or a method of an exported class. */
export interface OutgoingTarget {
  readonly specifier: string | null;
  /** The export (`default` for a default import); null when only the method name is known. */
  readonly exportName: string | null;
  /** For a method call on an instance or namespace: the method. */
  readonly member: string | null;
}

/** The project's files as the resolver reads them: parsed on demand, so a file no lookup reaches is never parsed. */
export interface ProjectSources {
  text(path: string): string;
  /** The parsed file; null when it does not parse. */
  input(path: string): AnalysisInput | null;
  paths(): Iterable<string>;
}

/** Finds where an export is declared, through re-exports (`export { x } from`, `export * from`) and CommonJS. */
export class ExportResolver {
  private readonly methodOwners = new Map<string, { path: string; className: string }[]>();

  constructor(
    private readonly sources: ProjectSources,
    private readonly resolveModule: (specifier: string, fromPath: string) => string | null,
  ) {}

  resolve(fromPath: string, target: OutgoingTarget): { path: string; target: ExternalCaller['target'] } | null {
    if (target.specifier === null) {
      // Only the method name: the one class in the project that declares it, if there is exactly one.
      const owners = target.member === null ? [] : this.ownersOf(target.member);
      return owners.length === 1 ? { path: owners[0]!.path, target: { name: target.member!, className: owners[0]!.className } } : null;
    }
    const path = this.resolveModule(target.specifier, fromPath);
    if (path === null || !this.sources.input(path)) return null;
    if (target.exportName === null) {
      // A namespace or module object: the member is an export, or a method of the instance the module exports.
      if (target.member === null) return null;
      const declared = this.declaration(path, target.member, 0);
      if (declared) return { path: declared.path, target: { name: declared.local, className: null } };
      const instance = this.declaration(path, 'default', 0);
      return instance?.instanceOf ? { path: instance.path, target: { name: target.member, className: instance.instanceOf } } : null;
    }
    const declared = this.declaration(path, target.exportName, 0);
    if (!declared) return null;
    if (target.member === null) return { path: declared.path, target: { name: declared.local, className: null } };
    // `tracker.track()`: a method of an exported instance (`export const tracker = new Tracker()`) or of an exported class.
    return { path: declared.path, target: { name: target.member, className: declared.instanceOf ?? declared.local } };
  }

  /** The file and local name that declare `exportName` of the module at `path`. */
  private declaration(path: string, exportName: string, depth: number): Declared | null {
    const input = depth > 5 ? null : this.sources.input(path);
    if (!input) return null;
    const found = (local: string, instanceOf: string | null = instanceClassOf(input.ast, local)): Declared => ({ path, local, instanceOf });
    for (const statement of input.ast.body) {
      if (statement.type === AST_NODE_TYPES.ExportNamedDeclaration) {
        const declaration = statement.declaration;
        if (declaration && (declaration.type === AST_NODE_TYPES.FunctionDeclaration || declaration.type === AST_NODE_TYPES.ClassDeclaration)) {
          if (declaration.id?.name === exportName) return found(exportName, null);
        }
        if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
          for (const d of declaration.declarations) if (d.id.type === AST_NODE_TYPES.Identifier && d.id.name === exportName) return found(exportName);
        }
        for (const specifier of statement.specifiers) {
          const exported = specifier.exported.type === AST_NODE_TYPES.Identifier ? specifier.exported.name : specifier.exported.value;
          if (exported !== exportName) continue;
          const local = specifier.local.type === AST_NODE_TYPES.Identifier ? specifier.local.name : specifier.local.value;
          if (!statement.source) return found(local);
          const next = this.resolveModule(statement.source.value, path);
          return next === null ? null : this.declaration(next, local, depth + 1);
        }
      }
      if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration && exportName === 'default') {
        const declaration = statement.declaration;
        if (declaration.type === AST_NODE_TYPES.FunctionDeclaration || declaration.type === AST_NODE_TYPES.ClassDeclaration) {
          return declaration.id ? found(declaration.id.name, null) : declaration.type === AST_NODE_TYPES.FunctionDeclaration ? found(DEFAULT_EXPORT, null) : null;
        }
        if (declaration.type === AST_NODE_TYPES.ArrowFunctionExpression || declaration.type === AST_NODE_TYPES.FunctionExpression) return found(DEFAULT_EXPORT, null);
        if (declaration.type === AST_NODE_TYPES.Identifier) return found(declaration.name);
        const instance = newedClass(declaration);
        if (instance) return found(DEFAULT_EXPORT, instance);
      }
      const commonJs = commonJsExport(statement, exportName);
      if (commonJs) return found(commonJs.local, commonJs.instanceOf ?? instanceClassOf(input.ast, commonJs.local));
    }
    for (const statement of input.ast.body) {
      if (statement.type !== AST_NODE_TYPES.ExportAllDeclaration || statement.exported) continue;
      const next = this.resolveModule(statement.source.value, path);
      const result = next === null ? null : this.declaration(next, exportName, depth + 1);
      if (result) return result;
    }
    return null;
  }

  private ownersOf(method: string): { path: string; className: string }[] {
    let owners = this.methodOwners.get(method);
    if (!owners) {
      owners = [];
      // A class declaring the method has its name in the text: only those files are parsed to look.
      const named = new RegExp(`\\b${method.replace(/\$/g, '\\$')}\\b`);
      for (const path of this.sources.paths()) {
        const text = this.sources.text(path);
        const input = named.test(text) && /\bclass\b/.test(text) ? this.sources.input(path) : null;
        for (const statement of input?.ast.body ?? []) {
          const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration || statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ? statement.declaration : statement;
          if (declaration?.type !== AST_NODE_TYPES.ClassDeclaration || !declaration.id) continue;
          const declares = declaration.body.body.some(
            (m) => m.type === AST_NODE_TYPES.MethodDefinition && !m.static && m.key.type === AST_NODE_TYPES.Identifier && m.key.name === method,
          );
          if (declares) owners.push({ path, className: declaration.id.name });
        }
      }
      this.methodOwners.set(method, owners);
    }
    return owners;
  }
}

interface Declared {
  readonly path: string;
  /** The local name of the declaration, or DEFAULT_EXPORT for an anonymous default export. */
  readonly local: string;
  /** When the export is an instance (`export const tracker = new Tracker()`): its class's local name. */
  readonly instanceOf: string | null;
}

/** `new Tracker(...)`: the class's name. */
function newedClass(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  if (inner.type !== AST_NODE_TYPES.NewExpression) return null;
  const callee = unwrap(inner.callee);
  return callee.type === AST_NODE_TYPES.Identifier ? callee.name : null;
}

/** The class of a module-level `const name = new Class()`, if that is what `name` is. */
function instanceClassOf(program: TSESTree.Program, name: string): string | null {
  for (const statement of program.body) {
    const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
    if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const d of declaration.declarations) {
      if (d.id.type === AST_NODE_TYPES.Identifier && d.id.name === name && d.init) return newedClass(d.init);
    }
  }
  return null;
}

/**
 * `module.exports = { track }`, `module.exports.track = ...`, `exports.track = track`, `module.exports = new Tracker()`:
 * the local name exported as `name` (DEFAULT_EXPORT for an anonymous function), or the class of an exported instance.
 */
function commonJsExport(statement: TSESTree.Node, name: string): { local: string; instanceOf: string | null } | null {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type !== AST_NODE_TYPES.AssignmentExpression) return null;
  const { left, right } = statement.expression;
  const target = left.type === AST_NODE_TYPES.MemberExpression ? describeTarget(left) : null;
  const value = unwrap(right);
  const localOf = (node: TSESTree.Node): string | null => {
    const inner = unwrap(node);
    if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
    if ((inner.type === AST_NODE_TYPES.FunctionExpression || inner.type === AST_NODE_TYPES.ClassExpression) && inner.id) return inner.id.name;
    return null;
  };
  if (target === 'module.exports') {
    if (name === 'default') {
      const instance = newedClass(value);
      if (instance) return { local: DEFAULT_EXPORT, instanceOf: instance };
      const local = localOf(value) ?? (value.type === AST_NODE_TYPES.FunctionExpression || value.type === AST_NODE_TYPES.ArrowFunctionExpression ? DEFAULT_EXPORT : null);
      return local === null ? null : { local, instanceOf: null };
    }
    if (value.type === AST_NODE_TYPES.ObjectExpression) {
      for (const property of value.properties) {
        if (property.type === AST_NODE_TYPES.Property && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === name) {
          // `{ watch(socket) {...} }`: a method is named by its key.
          return { local: localOf(property.value) ?? name, instanceOf: null };
        }
      }
    }
    return null;
  }
  if (target === `module.exports.${name}` || target === `exports.${name}`) return { local: localOf(value) ?? name, instanceOf: newedClass(value) };
  return null;
}

function describeTarget(node: TSESTree.MemberExpression): string | null {
  const property = memberName(node);
  const object = unwrap(node.object);
  if (property === null) return null;
  if (object.type === AST_NODE_TYPES.Identifier) return `${object.name}.${property}`;
  if (object.type === AST_NODE_TYPES.MemberExpression) {
    const inner = describeTarget(object);
    return inner === null ? null : `${inner}.${property}`;
  }
  return null;
}

