// removeAllListeners on an emitter this code does not own alone: a socket, an agent, `process`, a server, a
// response, or anything handed in. It strips listeners this code never added, Node's own among them (DESIGN.md
// fact 3: a response cut short then never ends). Where this code holds the handlers it added, the fix is to
// remove those: the suggestion writes the removeListener calls.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { describeNode, memberPath, rootOf, unwrap } from './ast.js';
import { bindingKey } from './bindings.js';
import { fileIndexOf, type AnalysisInput, type FileIndex, type ScopeLike, type ScopeVariable } from './file-index.js';
import { indentationAt, statementOf, type FixSuggestion, type TextEdit } from './fixes.js';
import { buildEmitterOwnership, type Ownership } from './ownership.js';
import type { Registration, RemoveAll } from './registrations.js';

export type RemoveAllFindingKind = 'stripsNodeListeners' | 'mayStripNodeListeners' | 'stripsOthersListeners';
export type RemoveAllSuggestionId = 'removeOwnListeners';

export interface RemoveAllOptions {
  /** Names or member paths (`bus`, `this.events`) of emitters that only this code listens to: never reported. */
  readonly ownedEmitters?: readonly string[];
}

export interface RemoveAllFinding {
  readonly kind: RemoveAllFindingKind;
  readonly removeAll: RemoveAll;
  /** The node to report: the removeAllListeners call. */
  readonly node: TSESTree.CallExpression;
  readonly ownership: Exclude<Ownership, { owner: 'unknown' }>;
  /** Message data: call, removed, receiver, what, and for Node's listeners nodeListeners, consequence and noun. */
  readonly data: Record<string, string>;
  readonly suggestions: readonly (Omit<FixSuggestion, 'messageId'> & { readonly messageId: RemoveAllSuggestionId })[];
}

/** Text every file this module reports on has: the rule skips the others before any work. */
export function mayRemoveAllText(text: string): boolean {
  return text.includes('removeAllListeners');
}

export function findUnsafeRemoveAlls(input: AnalysisInput, options: RemoveAllOptions = {}): RemoveAllFinding[] {
  const index = fileIndexOf(input);
  if (index.removeAlls.length === 0) return [];
  const ownership = buildEmitterOwnership(index, { ownedEmitters: new Set(options.ownedEmitters ?? []) });
  const findings: RemoveAllFinding[] = [];
  for (const removeAll of index.removeAlls) {
    if (runsAfterClose(index, removeAll)) continue;
    const owner = ownership.ownershipOf(removeAll.receiver);
    if (owner.owner === 'unknown') continue;
    const event = removeAll.event;
    // A static event is Node's or not; an event named by a variable might be either: only `others` decides then.
    const nodeListeners = owner.node === null ? [] : event === null ? owner.node.listeners : owner.node.listeners.filter((e) => e === event.value);
    const nodeKind = owner.byName ? 'mayStripNodeListeners' : 'stripsNodeListeners';
    const kind: RemoveAllFindingKind | null = nodeListeners.length > 0 ? nodeKind : owner.owner === 'others' ? 'stripsOthersListeners' : null;
    if (kind === null) continue;
    const { text } = index.input;
    const eventArgument = removeAll.call.arguments[0];
    const data: Record<string, string> = {
      call: `removeAllListeners(${eventArgument ? describeNode(text, eventArgument) : ''})`,
      removed: event === null ? 'every listener of every event' : isStatic(event.value) ? `every '${event.value}' listener` : `every listener of the event in ${event.text}`,
      receiver: describeNode(text, removeAll.receiver),
      what: owner.what,
    };
    if (kind !== 'stripsOthersListeners') {
      data.nodeListeners = listOf(nodeListeners.map((e) => `'${e}'`));
      data.consequence = owner.node!.consequence;
    }
    if (kind === 'mayStripNodeListeners') data.noun = owner.node!.noun;
    const suggestion = removeOwnListeners(index, removeAll);
    findings.push({ kind, removeAll, node: removeAll.call, ownership: owner, data, suggestions: suggestion ? [suggestion] : [] });
  }
  return findings;
}

/**
 * Is the call written in a 'close' listener of the same emitter? Then every 'close' listener runs anyway (emit
 * works on a copy of the list) and nothing fires after 'close': no listener is lost, Node's or anyone's.
 */
function runsAfterClose(index: FileIndex, removeAll: RemoveAll): boolean {
  const fn = index.enclosingFunction(removeAll.call);
  const key = bindingKey(index, removeAll.receiver);
  if (!fn || key === null) return false;
  return index.registrations.some(
    (registration) =>
      registration.event.value === 'close' &&
      registration.handler !== null &&
      unwrap(registration.handler) === fn.node &&
      bindingKey(index, registration.receiver) === key,
  );
}

/** A static event name, not the path of a constant (`@Connection.PINNED`) or a computed one. */
function isStatic(value: string | null): value is string {
  return value !== null && !value.startsWith('@');
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/**
 * The removeListener calls that take off exactly what this code added to the same receiver for the same event(s),
 * when every such listener is a handler reference that still denotes the same function where removeAllListeners
 * runs. Null when any is inline or bound (a new function each time) or out of reach: removing only some would
 * change what the code does.
 */
function removeOwnListeners(
  index: FileIndex,
  removeAll: RemoveAll,
): (Omit<FixSuggestion, 'messageId'> & { readonly messageId: RemoveAllSuggestionId }) | null {
  const callee = unwrap(removeAll.call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed) return null;
  const key = bindingKey(index, removeAll.receiver);
  if (key === null) return null;
  const event = removeAll.event;
  if (event !== null && event.value === null) return null;
  const added = index.registrations.filter(
    (registration) => bindingKey(index, registration.receiver) === key && (event === null || registration.event.value === event.value),
  );
  const removable = (registration: Registration): boolean =>
    registration.form === 'method' && registration.event.value !== null && isReachableHandler(index, registration, removeAll.call);
  if (added.length === 0 || !added.every(removable)) return null;
  const { text } = index.input;
  const prefix = text.slice(callee.range[0], callee.property.range[0]);
  const eventArgument = removeAll.call.arguments[0];
  const removals = new Map<string, { code: string; handler: string }>();
  for (const registration of added) {
    const eventText = eventArgument ? sourceOf(text, eventArgument) : sourceOf(text, registration.call.arguments[0]!);
    const handler = sourceOf(text, registration.handler!);
    const method = registration.method === 'addEventListener' ? 'removeEventListener' : 'removeListener';
    const code = `${prefix}${method}(${eventText}, ${handler})`;
    removals.set(code, { code, handler });
  }
  const codes = [...removals.values()];
  let edit: TextEdit;
  if (codes.length === 1) {
    edit = { range: removeAll.call.range, text: codes[0]!.code };
  } else {
    const statement = statementOf(removeAll.call);
    if (!statement) return null;
    const indentation = indentationAt(text, statement.range[0]);
    edit = { range: statement.range, text: codes.map((c) => `${c.code};`).join(`\n${indentation}`) };
  }
  return {
    messageId: 'removeOwnListeners',
    data: { receiver: describeNode(text, removeAll.receiver), handlers: listOf([...new Set(codes.map((c) => c.handler))]) },
    edits: [edit],
  };
}

function sourceOf(text: string, node: TSESTree.Node): string {
  return text.slice(node.range[0], node.range[1]);
}

/**
 * Does the registration's handler name, at the removeAllListeners call, the same function it named when it was
 * added? A variable or member path (no call, so no `.bind()`), visible there under the same binding and declared
 * before the call; or `this.handler` in the same class.
 */
function isReachableHandler(index: FileIndex, registration: Registration, at: TSESTree.Node): boolean {
  const handler = registration.handler ? unwrap(registration.handler) : null;
  if (!handler || memberPath(handler) === null) return false;
  const root = rootOf(handler);
  if (root.type === AST_NODE_TYPES.ThisExpression) {
    const cls = index.enclosingClass(index.enclosingFunction(root));
    return cls !== null && cls === index.enclosingClass(index.enclosingFunction(at));
  }
  if (root.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = index.variableOf.get(root);
  const def = variable?.defs[0];
  if (!variable || !def || visibleVariable(index, at, root.name) !== variable) return false;
  // A function declaration is hoisted; anything else must be declared before the removal runs.
  return def.type === 'FunctionName' || def.name.range[0] < at.range[0];
}

/** The variable a name denotes at a node, climbing scopes as the scope manager does. */
function visibleVariable(index: FileIndex, at: TSESTree.Node, name: string): ScopeVariable | undefined {
  let scope: ScopeLike | null = null;
  for (let node: TSESTree.Node | undefined = at; node && !scope; node = node.parent) {
    scope = index.input.scopeManager.acquire(node, true);
  }
  for (; scope; scope = scope.upper) {
    const variable = scope.set.get(name);
    if (variable) return variable;
  }
  return undefined;
}
