// Recognises the calls that add and remove listeners, in every form of DESIGN.md's vocabulary,
// including the hidden ones (`socket.setTimeout(ms, cb)`, `socket.connect(..., cb)`, `finished`, `events.once`).
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, calleeObject, isFunctionLike, memberName, memberPath, staticString, unwrap } from './ast.js';
import type { FunctionInfo } from './file-index.js';
import { moduleSpecifier, requiredModule } from './modules.js';
import { REGISTRATION_METHODS, REMOVAL_METHODS, SOCKET_NAME } from './vocabulary.js';

export type RegistrationForm = 'method' | 'setTimeout' | 'connect' | 'finished' | 'events.once' | 'events.on';

export interface EventName {
  /** The event's name when static (`'close'`), or the path of a constant (`@events.errorMonitor`). */
  readonly value: string | null;
  /** How the event reads in messages. */
  readonly text: string;
  /** The argument that names the event, when there is one. */
  readonly node?: TSESTree.Node;
}

export interface Registration {
  readonly call: TSESTree.CallExpression;
  readonly form: RegistrationForm;
  /** The method as written (`on`, `once`, `setTimeout`, `finished`). */
  readonly method: string;
  readonly once: boolean;
  readonly receiver: TSESTree.Node;
  readonly event: EventName;
  readonly handler: TSESTree.Node | null;
  /** The options object of `addEventListener`/`events.once`, where `{ signal }` and `{ once }` live. */
  readonly options: TSESTree.Node | null;
  readonly fn: FunctionInfo | null;
}

export interface Removal {
  readonly call: TSESTree.CallExpression;
  readonly receiver: TSESTree.Node;
  readonly event: EventName;
  readonly handler: TSESTree.Node;
  readonly fn: FunctionInfo | null;
}

export interface RemoveAll {
  readonly call: TSESTree.CallExpression;
  readonly receiver: TSESTree.Node;
  readonly event: EventName | null;
  readonly fn: FunctionInfo | null;
}

/** Module functions that register on their first argument: `finished(s, cb)`, `once(e, 'x')`, `on(e, 'x')`. */
export interface ModuleFunctionResolver {
  (call: TSESTree.CallExpression): { module: string; name: string } | null;
}

const TIMER_NAMESPACES = new Set(['globalThis', 'global', 'window', 'self', 'timers']);

export function eventName(node: TSESTree.Node | undefined): EventName {
  if (!node) return { value: null, text: '?' };
  const value = staticString(node);
  if (value !== null) return { value, text: value };
  const path = memberPath(node);
  if (path !== null) return { value: `@${path.replace(/^(events|EventEmitter)\./, '')}`, text: path, node };
  return { value: null, text: 'a computed event' };
}

/**
 * How an event reads in a message: a name in quotes (`'close'`), or, when the code computes it, the code that names it
 * (`` `event` ``, `` `events.errorMonitor` ``): `'event'` would read as an event called "event".
 */
export function shownEvent(event: EventName): string {
  if (isWrittenOut(event)) return `'${event.text}'`;
  return event.value === null ? event.text : `\`${event.text}\``;
}

/** The event as an argument in a call written out (`socket.on('close')`, `origin.once(event)`). */
export function eventArgument(event: EventName): string {
  return isWrittenOut(event) ? `'${event.text}'` : event.text;
}

/** A name written in the code (`'close'`, or a string constant's), not one the code computes (`@`-paths, unknown). */
function isWrittenOut(event: EventName): boolean {
  return event.value !== null && !event.value.startsWith('@');
}

/** The value of `name` in an options object literal (`{ signal }`, `{ once: true }`), or null. */
export function optionValue(options: TSESTree.Node | null, name: string): TSESTree.Node | null {
  if (!options) return null;
  const inner = unwrap(options);
  if (inner.type !== AST_NODE_TYPES.ObjectExpression) return null;
  for (const property of inner.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === name) {
      return property.value;
    }
  }
  return null;
}

function isEventArgument(node: TSESTree.Node | undefined): boolean {
  if (!node || node.type === AST_NODE_TYPES.SpreadElement) return false;
  const inner = unwrap(node);
  return inner.type !== AST_NODE_TYPES.ObjectExpression && !isFunctionLike(inner);
}

/** The names of module functions that register on their first argument (`finished`, `events.once`, `events.on`). */
const MODULE_FUNCTIONS: ReadonlySet<string> = new Set(['finished', 'once', 'on']);
/** Every form below is a call through one of these names, or through an alias imported from these modules. */
const REGISTRATION_CALL_NAMES: ReadonlySet<string> = new Set([...REGISTRATION_METHODS.keys(), 'setTimeout', 'connect', ...MODULE_FUNCTIONS]);
const REGISTERING_MODULES: ReadonlySet<string> = new Set(['events', 'stream', 'stream/promises']);

/**
 * Could this node register a listener (a call matchRegistration may match, or an import that may alias one)?
 * Most files of a project have no such node and are skipped before they are indexed.
 */
export function mayRegister(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const callee = unwrap(node.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const name = memberName(callee);
      return name !== null && REGISTRATION_CALL_NAMES.has(name);
    }
    // A call with no receiver registers only as a function of a registering module (`finished(s, cb)`, an alias of
    // `once`), which an import (below) or a require of that module brings into the file.
    const required = requiredModule(node);
    return required !== null && REGISTERING_MODULES.has(required);
  }
  return node.type === AST_NODE_TYPES.ImportDeclaration && REGISTERING_MODULES.has(moduleSpecifier(node.source.value));
}

const NAME_ALTERNATIVES = [...REGISTRATION_CALL_NAMES].join('|');
/**
 * Text every registration has: a registration name after `.`, `?.` or a quote (`socket.on`, `['once']`), called: an
 * open parenthesis follows it, on its line or after spaces and line breaks, with no `;` or `=` before it (`socket.on(`,
 * `socket.on<T>(`, `(socket.on)(`, `['on'](`, `socket.on` then `(` on the next line). Or an import or a require of a
 * registering module (`from 'events'`, `import 'events'`, `require('node:stream')`): mayRegister lets a file through
 * on those, as a call with no receiver registers only as a function of one of those modules (`finished(s, cb)`, an
 * alias of `once`), which only they bring in. So plain calls of the names
 * (`setTimeout(fn, ms)`, a method `on(event, fn) {` being declared) need not let a file through, nor do the names read
 * or written but never called (`options.once = true;`, `return this.connect;`), nor the modules' names as plain
 * strings (`type: 'stream'` in a table of commands).
 */
const MAY_REGISTER_TEXT = new RegExp(
  `(?:\\.|['"\`])\\s*(?:${NAME_ALTERNATIVES})\\b\\s*[^\\n;=]{0,200}?\\(|(?:\\brequire\\s*\\(\\s*|\\b(?:from|import)\\s*)['"\`](?:node:)?(?:events|stream|stream/promises)['"\`]`,
);

/**
 * The same question as mayRegister, asked of the source text before any parse: a file without such text has
 * no registration, so the rule needs no listener and the codemod no parse. (A comment between `.` and the
 * method name, `socket. /* x *\/ on(...)`, or a line break between the name and its call's parenthesis after
 * anything but spaces, `socket.on // x` then `(...)` on the next line, would slip through; no real code writes that.)
 */
export function mayRegisterText(text: string): boolean {
  return MAY_REGISTER_TEXT.test(text);
}

/** Every name matchRegistration, matchRemoval and matchRemoveAll match a method call by. */
const LISTENER_CALL_NAMES: ReadonlySet<string> = new Set([...REGISTRATION_CALL_NAMES, ...REMOVAL_METHODS, 'removeAllListeners']);

/**
 * Could matchRegistration, matchRemoval or matchRemoveAll match this call, by `name` (its calleeName) and whether it
 * is a method call? Most calls of a file are methods of other names, or plain calls of a name no import binds (a
 * plain call registers only as an imported alias of `once` or `finished`), and are answered without the call.
 */
export function mayMatchListenerCall(call: TSESTree.CallExpression, name: string | null, isMethod: boolean, imports: ReadonlyMap<string, string>): boolean {
  if (name === null) return false;
  if (LISTENER_CALL_NAMES.has(name)) return true;
  // A plain call resolves to a module function only through an import of its name (resolveModuleCall).
  return !isMethod && (call.callee.type !== AST_NODE_TYPES.Identifier || imports.has(name));
}

export function matchRegistration(
  call: TSESTree.CallExpression,
  fn: FunctionInfo | null,
  resolveModuleFunction: ModuleFunctionResolver,
): Registration | null {
  const name = calleeName(call);
  if (name === null) return null;
  const receiver = calleeObject(call);
  const args = call.arguments;

  // `events.once(emitter, 'x')` is a registration on its first argument, not on `events`: match it first.
  // (An imported alias, `import { once as waitFor } from 'events'`, is a plain call: resolve those too.)
  const moduleFunction = MODULE_FUNCTIONS.has(name) || !receiver ? resolveModuleFunction(call) : null;
  if (moduleFunction) {
    const matched = matchModuleFunction(call, moduleFunction, fn);
    if (matched) return matched;
  }

  if (receiver) {
    const method = REGISTRATION_METHODS.get(name);
    if (method && args.length >= 2 && isEventArgument(args[0]) && args[1]?.type !== AST_NODE_TYPES.SpreadElement) {
      const options = args[2] ?? null;
      const onceOption = optionValue(options, 'once');
      const once =
        method.once ||
        (name === 'addEventListener' &&
          onceOption !== null &&
          onceOption.type === AST_NODE_TYPES.Literal &&
          onceOption.value === true);
      return { call, form: 'method', method: name, once, receiver, event: eventName(args[0]), handler: args[1] ?? null, options, fn };
    }
    // `socket.setTimeout(ms, cb)` is `socket.once('timeout', cb)`; the global timer is not a registration.
    if (name === 'setTimeout' && args.length === 2 && isFunctionOrReference(args[1])) {
      const root = memberPath(receiver);
      if (root === null || !TIMER_NAMESPACES.has(root)) {
        return { call, form: 'setTimeout', method: 'setTimeout', once: true, receiver, event: { value: 'timeout', text: 'timeout' }, handler: args[1] ?? null, options: null, fn };
      }
    }
    // `socket.connect(port, host, cb)` is `socket.once('connect', cb)`.
    if (name === 'connect' && args.length >= 2 && isFunctionLike(args[args.length - 1])) {
      const path = memberPath(receiver);
      if (path !== null && SOCKET_NAME.test(path)) {
        return { call, form: 'connect', method: 'connect', once: true, receiver, event: { value: 'connect', text: 'connect' }, handler: args[args.length - 1] ?? null, options: null, fn };
      }
    }
  }

  return null;
}

function matchModuleFunction(
  call: TSESTree.CallExpression,
  moduleFunction: { module: string; name: string },
  fn: FunctionInfo | null,
): Registration | null {
  const args = call.arguments;
  if (!args[0] || args[0].type === AST_NODE_TYPES.SpreadElement) return null;
  const { name: exported } = moduleFunction;
  // `EventEmitter.once(e, 'x')` is the same function as `events.once`.
  const module = moduleFunction.module === 'events#EventEmitter' ? 'events' : moduleFunction.module;
  if ((module === 'stream' || module === 'stream/promises') && exported === 'finished') {
    const handler = module === 'stream' ? (args.find((a, i) => i > 0 && isFunctionLike(a)) ?? null) : null;
    return { call, form: 'finished', method: 'finished', once: true, receiver: args[0], event: { value: 'finish', text: 'finish/end/error/close' }, handler, options: args[1] && !isFunctionLike(args[1]) ? args[1] : null, fn };
  }
  if (module === 'events' && (exported === 'once' || exported === 'on') && args.length >= 2 && isEventArgument(args[1])) {
    return {
      call,
      form: exported === 'once' ? 'events.once' : 'events.on',
      method: `events.${exported}`,
      once: exported === 'once',
      receiver: args[0],
      event: eventName(args[1]),
      handler: null,
      options: args[2] ?? null,
      fn,
    };
  }
  return null;
}

function isFunctionOrReference(node: TSESTree.Node | undefined): boolean {
  if (!node || node.type === AST_NODE_TYPES.SpreadElement) return false;
  const inner = unwrap(node);
  return isFunctionLike(inner) || memberPath(inner) !== null || inner.type === AST_NODE_TYPES.CallExpression;
}

export function matchRemoval(call: TSESTree.CallExpression, fn: FunctionInfo | null): Removal | null {
  const name = calleeName(call);
  const receiver = calleeObject(call);
  if (name === null || receiver === null || !REMOVAL_METHODS.has(name)) return null;
  const [event, handler] = call.arguments;
  if (!event || !handler || handler.type === AST_NODE_TYPES.SpreadElement || !isEventArgument(event)) return null;
  return { call, receiver, event: eventName(event), handler, fn };
}

export function matchRemoveAll(call: TSESTree.CallExpression, fn: FunctionInfo | null): RemoveAll | null {
  const receiver = calleeObject(call);
  if (receiver === null || calleeName(call) !== 'removeAllListeners') return null;
  const [event] = call.arguments;
  return { call, receiver, event: event ? eventName(event) : null, fn };
}
