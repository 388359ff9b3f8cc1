// What a call does that decides how often code runs or how long what it returns lives: schedules a timer, defers a
// callback, sends a request, hands out a pooled connection.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, calleeObject, memberPath, unwrap } from './ast.js';
import type { FileIndex } from './file-index.js';
import { resolveModuleCall } from './modules.js';
import { POOL_CHECKOUT_METHODS, POOL_NAME, REQUEST_LIBRARIES, REQUEST_LIBRARY_METHODS } from './vocabulary.js';

/** Calls whose function argument runs later, not during the call: timers and scheduling. */
export function isDeferringCall(call: TSESTree.CallExpression): boolean {
  const name = calleeName(call);
  return name !== null && /^(setTimeout|setInterval|setImmediate|nextTick|queueMicrotask|defer|schedule)$/.test(name);
}

export type TimerName = 'setTimeout' | 'setInterval' | 'setImmediate';
/** The names a timer is called by; a method call of another name (`x.m()`) is never one. */
export const TIMER_NAMES: ReadonlySet<string> = new Set(['setTimeout', 'setInterval', 'setImmediate']);
/** The global timer a call schedules with (`setInterval`, `timers.setTimeout`, an import from 'timers'), if any. */
export function timerOf(index: FileIndex, call: TSESTree.CallExpression): TimerName | null {
  // Most calls are neither named like a timer nor imported from 'timers': answered from the name alone. Not cached:
  // the few others resolve in a few steps, and a cache lookup per call cost more than those.
  const callee = call.callee;
  if (callee.type === AST_NODE_TYPES.Identifier) {
    if (!TIMER_NAMES.has(callee.name) && index.imports.get(callee.name)?.startsWith('timers#') !== true) return null;
  } else if (!TIMER_NAMES.has(calleeName(call) ?? '')) {
    return null;
  }
  const inner = unwrap(callee);
  if (inner.type === AST_NODE_TYPES.Identifier) {
    const spec = index.moduleOf(inner);
    const imported = spec?.startsWith('timers#') ? spec.slice(7) : null;
    if (imported !== null && TIMER_NAMES.has(imported)) return imported as TimerName;
    if (TIMER_NAMES.has(inner.name) && spec === null && !index.variableOf.get(inner)?.defs.length) return inner.name as TimerName;
  } else if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const name = calleeName(call);
    const path = memberPath(inner.object);
    if (name !== null && TIMER_NAMES.has(name) && (path === 'globalThis' || path === 'global' || path === 'window' || path === 'timers')) {
      return name as TimerName;
    }
  }
  return null;
}

/**
 * The names a method call that sends a request is called by (issuesRequest): `http.get`, a request library's methods
 * or its default export (`axios.default(...)`), `x.request()`. A method call of another name sends none.
 */
export const REQUEST_METHOD_NAMES: ReadonlySet<string> = new Set([...REQUEST_LIBRARY_METHODS, 'default', 'request', 'get']);

/** Does this call send one HTTP request (so its enclosing function runs once per request)? Names the call if so. */
export function issuesRequest(index: FileIndex, call: TSESTree.CallExpression): string | null {
  const callee = unwrap(call.callee);
  const name = calleeName(call);
  if (name === null) return null;
  const resolved = resolveModuleCall(index, call);
  // An imported name (`request`, `got`, `fetch` from node-fetch) reads as itself; a method as `module.method`.
  const label = callee.type === AST_NODE_TYPES.Identifier ? name : `${resolved?.module ?? ''}.${name}`;
  if (resolved) {
    const isHttp = (resolved.module === 'http' || resolved.module === 'https') && (resolved.name === 'request' || resolved.name === 'get');
    const isLibrary = REQUEST_LIBRARIES.has(resolved.module) && (resolved.name === 'default' || REQUEST_LIBRARY_METHODS.has(resolved.name));
    if (isHttp || isLibrary) return label;
  }
  if (callee.type === AST_NODE_TYPES.Identifier) {
    // The global fetch, when nothing in the file declares one.
    return name === 'fetch' && resolved === null && !index.variableOf.get(callee)?.defs.length ? 'fetch' : null;
  }
  if (callee.type === AST_NODE_TYPES.MemberExpression && name === 'request') return `${memberPath(callee.object) ?? '…'}.request`;
  return null;
}

/** Does this call hand out a pooled connection (`pool.connect()`, `cluster.getConnection()`), one that outlives its user? */
export function isPoolCheckout(call: TSESTree.CallExpression): boolean {
  const name = calleeName(call);
  const object = calleeObject(call);
  if (name === null || object === null || !POOL_CHECKOUT_METHODS.has(name)) return false;
  const path = memberPath(object);
  return path !== null && POOL_NAME.test(path.split('.').pop() ?? '');
}
