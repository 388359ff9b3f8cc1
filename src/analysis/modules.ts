// Which Node module a name or a call comes from: `import http from 'node:http'`, `require('https').get`,
// `const { createServer } = require('http')`. Specifiers are kept without the `node:` prefix.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, keyName, memberName, staticString, unwrap } from './ast.js';
import type { FileIndex } from './file-index.js';
import { CONNECTION_SERVER_MODULES, HTTP_SERVER_MODULES, REQUEST_LIBRARIES } from './vocabulary.js';

export function moduleSpecifier(value: string): string {
  return value.startsWith('node:') ? value.slice(5) : value;
}

export function requiredModule(node: TSESTree.Node | null | undefined): string | null {
  if (!node) return null;
  const inner = unwrap(node);
  if (
    inner.type === AST_NODE_TYPES.CallExpression &&
    inner.callee.type === AST_NODE_TYPES.Identifier &&
    inner.callee.name === 'require'
  ) {
    const spec = staticString(inner.arguments[0]);
    return spec === null ? null : moduleSpecifier(spec);
  }
  // `require('http').request` style: the module of the object
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const base = requiredModule(inner.object);
    const name = memberName(inner);
    return base !== null && name !== null ? `${base}#${name}` : null;
  }
  return null;
}

/**
 * The modules whose calls some question asks about: the http modules' servers and requests, request libraries,
 * `events` and `stream` (registrations), timers. A call through a name imported from any other module resolves to
 * null; and one of these names counts as its module even when nothing in the file imports it (an injected `http`).
 */
const KNOWN_MODULES: ReadonlySet<string> = new Set([
  ...HTTP_SERVER_MODULES, ...CONNECTION_SERVER_MODULES, ...REQUEST_LIBRARIES, 'events', 'stream', 'stream/promises', 'timers',
]);

/** Specifiers (`http`, `events#once`, `./client#Client`) by whether their module is in KNOWN_MODULES: a file has few. */
const knownSpecifiers = new Map<string, boolean>();

function isKnownSpecifier(spec: string): boolean {
  let known = knownSpecifiers.get(spec);
  if (known === undefined) {
    const hash = spec.indexOf('#');
    known = KNOWN_MODULES.has(hash === -1 ? spec : spec.slice(0, hash));
    // Bounded: a long-lived process (an editor) lints files with ever new relative paths.
    if (knownSpecifiers.size < 10_000) knownSpecifiers.set(spec, known);
  }
  return known;
}

/**
 * The module function a call runs (`https.get` -> { module: 'https', name: 'get' }), for the modules in KNOWN_MODULES;
 * null for any other call.
 */
export function resolveModuleCall(
  index: FileIndex,
  call: TSESTree.CallExpression | TSESTree.NewExpression,
): { module: string; name: string } | null {
  // Most calls are neither through an imported name nor on a module object: answer those without a lookup.
  const callee = call.callee;
  const name =
    callee.type === AST_NODE_TYPES.Identifier
      ? callee.name
      : callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier
        ? callee.object.name
        : null;
  if (name !== null) {
    const spec = index.imports.get(name);
    if (spec === undefined) {
      if (callee.type === AST_NODE_TYPES.Identifier || !KNOWN_MODULES.has(name)) return null;
    } else {
      // Imported from a module no question asks about (`debug`, `./client`): no need to look up whether a local name
      // shadows the import.
      if (!isKnownSpecifier(spec)) return null;
    }
  }
  // Not cached: what gets past the test above resolves in a few steps, and a cache lookup cost more than those.
  return resolveModuleCallUncached(index, call);
}

function resolveModuleCallUncached(
  index: FileIndex,
  call: TSESTree.CallExpression | TSESTree.NewExpression,
): { module: string; name: string } | null {
  const callee = unwrap(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const spec = index.moduleOf(callee);
    if (spec === null) return null;
    const hash = spec.indexOf('#');
    return hash === -1 ? { module: spec, name: 'default' } : { module: spec.slice(0, hash), name: spec.slice(hash + 1) };
  }
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const name = calleeName(call);
    if (name === null) return null;
    const object = unwrap(callee.object);
    const direct = requiredModule(object);
    if (direct !== null) return { module: direct, name };
    if (object.type === AST_NODE_TYPES.Identifier) {
      const spec = index.moduleOf(object);
      if (spec !== null) return { module: spec.replace(/#default$/, ''), name };
      // An unresolved `http`/`https` global-looking name (e.g. injected) still means the module.
      if (KNOWN_MODULES.has(object.name) && (!index.variableOf.has(object) || isModuleLevelName(index, object))) {
        return { module: object.name, name };
      }
    }
  }
  return null;
}

/** The module `import x = require('x')` names, as written; null for `import x = Namespace.member`, which names none. */
export function importEqualsSpecifier(declaration: TSESTree.TSImportEqualsDeclaration): string | null {
  const reference = declaration.moduleReference;
  return reference.type === AST_NODE_TYPES.TSExternalModuleReference ? staticString(reference.expression) : null;
}

function isModuleLevelName(index: FileIndex, identifier: TSESTree.Identifier): boolean {
  const variable = index.variableOf.get(identifier);
  return !variable || variable.defs.length === 0;
}

/**
 * The module value an expression denotes, read from the binding's own declaration (so a `require` inside a
 * function or a CommonJS wrapper scope counts too): `events` -> { module: 'events', name: 'default' },
 * `EventEmitter` from `import { EventEmitter } from 'node:events'` or `require('events').EventEmitter` ->
 * { module: 'events', name: 'EventEmitter' }, `events.EventEmitter.defaultMaxListeners` -> name
 * 'EventEmitter.defaultMaxListeners'. Null for anything that is not a module's export.
 */
export function moduleValueOf(index: FileIndex, node: TSESTree.Node, depth = 0): { module: string; name: string } | null {
  if (depth > 8) return null;
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return moduleOfBinding(index, inner);
  // `(0, net_1.connect)(...)`: how TypeScript and Babel call an imported function in CommonJS output.
  if (inner.type === AST_NODE_TYPES.SequenceExpression) return moduleValueOf(index, inner.expressions[inner.expressions.length - 1]!, depth + 1);
  if (inner.type === AST_NODE_TYPES.CallExpression) {
    const spec = requiredModule(inner);
    return spec === null || spec.includes('#') ? null : { module: spec, name: 'default' };
  }
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(inner);
    const base = name === null ? null : moduleValueOf(index, inner.object, depth + 1);
    if (base === null || name === null) return null;
    return { module: base.module, name: base.name === 'default' ? name : `${base.name}.${name}` };
  }
  return null;
}

function moduleOfBinding(index: FileIndex, identifier: TSESTree.Identifier): { module: string; name: string } | null {
  const variable = index.variableOf.get(identifier);
  const def = variable?.defs[0];
  if (!def) return null;
  const split = (spec: string | null | undefined): { module: string; name: string } | null => {
    if (spec === null || spec === undefined) return null;
    const hash = spec.indexOf('#');
    return hash === -1 ? { module: spec, name: 'default' } : { module: spec.slice(0, hash), name: spec.slice(hash + 1) };
  };
  if (def.type === 'ImportBinding') {
    const declaration = def.parent ?? def.node.parent;
    // `import events = require('events')` (TypeScript)
    if (def.node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
      const spec = importEqualsSpecifier(def.node);
      return spec === null ? null : split(moduleSpecifier(spec));
    }
    return declaration?.type === AST_NODE_TYPES.ImportDeclaration ? split(index.imports.get(identifier.name)) : null;
  }
  if (def.type !== 'Variable' || def.node.type !== AST_NODE_TYPES.VariableDeclarator) return null;
  const declarator = def.node;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return split(requiredModule(declarator.init));
  if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && declarator.init) {
    const base = requiredModule(declarator.init);
    if (base === null) return null;
    for (const property of declarator.id.properties) {
      if (property.type !== AST_NODE_TYPES.Property || unwrap(property.value) !== def.name) continue;
      const key = keyName(property.key, property.computed);
      return key === null ? null : split(`${base}#${key}`);
    }
  }
  return null;
}
