// Raising the listener limit instead of fixing the registration: `x.setMaxListeners(0 | Infinity | large)`,
// `events.setMaxListeners(n, ...targets)` and `EventEmitter.defaultMaxListeners = n`. MaxListenersExceededWarning
// is how a listener leak shows itself; these hide it.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { calleeName, describeNode, memberName, pushChildNodes, unwrap } from './ast.js';
import { definitionOf } from './bindings.js';
import { fileIndexOf, indexedNodesOf, type AnalysisInput, type FileIndex } from './file-index.js';
import { moduleValueOf } from './modules.js';

export type MaxListenersFindingKind = 'raisesEmitterLimit' | 'raisesDefaultLimit';

export interface MaxListenersOptions {
  /** An emitter's limit at or above this is reported (0 and Infinity always are). Default 100. */
  readonly threshold?: number;
}

export interface MaxListenersFinding {
  readonly kind: MaxListenersFindingKind;
  readonly node: TSESTree.Node;
  /** Message data: code, effect, and for one emitter's limit, target. */
  readonly data: Record<string, string>;
}

export interface MaxListenersInput extends AnalysisInput {
  /**
   * The file's update expressions (`EventEmitter.defaultMaxListeners++`), when the caller walked the AST already
   * together with indexedNodes; without indexedNodes both are found by one walk here.
   */
  readonly updateExpressions?: readonly TSESTree.UpdateExpression[];
}

export const DEFAULT_THRESHOLD = 100;
/** Node's own default limit: a default raised above it hides warnings, one at or below it does not. */
const NODE_DEFAULT_MAX_LISTENERS = 10;

/** Text every file this module reports on has. */
export function mayRaiseMaxListenersText(text: string): boolean {
  return text.includes('setMaxListeners') || text.includes('defaultMaxListeners');
}

/** How a limit reads: off (0, Infinity) or a number. */
type Limit = { readonly kind: 'off'; readonly text: string } | { readonly kind: 'number'; readonly value: number; readonly text: string };

export function findMaxListenersSuppressions(input: MaxListenersInput, options: MaxListenersOptions = {}): MaxListenersFinding[] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const indexedNodes = indexedNodesOf(input);
  const updates = input.updateExpressions ?? (input.indexedNodes ? undefined : collectUpdates(input.ast));
  const index = fileIndexOf(input);
  const { text } = input;
  const findings: MaxListenersFinding[] = [];

  for (const call of index.calls) {
    if (calleeName(call) !== 'setMaxListeners') continue;
    const [first, ...targets] = call.arguments;
    if (!first || first.type === AST_NODE_TYPES.SpreadElement) continue;
    const callee = unwrap(call.callee);
    const isEventsFunction =
      callee.type === AST_NODE_TYPES.Identifier
        ? eventsApiName(index, callee) === 'setMaxListeners'
        : callee.type === AST_NODE_TYPES.MemberExpression && eventsApiName(index, callee.object) === '';
    if (!isEventsFunction && callee.type !== AST_NODE_TYPES.MemberExpression) continue;
    const limit = limitOf(index, first, 0);
    if (limit === null || (limit.kind === 'number' && limit.value < threshold)) continue;
    // Casts and parentheses left out: the message names the emitter and the call.
    const calleeText = callee.type === AST_NODE_TYPES.MemberExpression ? `${describeNode(text, unwrap(callee.object))}.setMaxListeners` : describeNode(text, callee);
    const code = `${calleeText}(${[first, ...targets].map((arg) => describeNode(text, arg)).join(', ')})`;
    if (isEventsFunction && targets.length === 0) {
      // With no targets, events.setMaxListeners(n) sets EventEmitter.defaultMaxListeners.
      findings.push({ kind: 'raisesDefaultLimit', node: call, data: { code, effect: defaultEffect(limit) } });
      continue;
    }
    const target = isEventsFunction
      ? targets.map((arg) => describeNode(text, arg)).join(', ')
      : describeNode(text, unwrap((callee as TSESTree.MemberExpression).object));
    findings.push({ kind: 'raisesEmitterLimit', node: call, data: { code, effect: emitterEffect(limit), target } });
  }

  for (const node of indexedNodes.tables.assignments) {
    if (!isDefaultMaxListeners(index, node.left)) continue;
    const code = `${targetText(text, node.left)} ${node.operator} ${describeNode(text, node.right)}`;
    if (node.operator === '=') {
      const limit = limitOf(index, node.right, 0);
      if (limit?.kind === 'number' && limit.value <= NODE_DEFAULT_MAX_LISTENERS) continue;
      findings.push({ kind: 'raisesDefaultLimit', node, data: { code, effect: limit ? defaultEffect(limit) : 'sets the listener limit' } });
    } else if (node.operator === '+=' || node.operator === '*=' || node.operator === '**=') {
      findings.push({ kind: 'raisesDefaultLimit', node, data: { code, effect: 'raises the listener limit' } });
    }
  }
  for (const node of updates ?? []) {
    if (node.operator !== '++' || !isDefaultMaxListeners(index, node.argument)) continue;
    findings.push({ kind: 'raisesDefaultLimit', node, data: { code: `${targetText(text, node.argument)}++`, effect: 'raises the listener limit' } });
  }
  return findings.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/**
 * What an expression names in the events API: '' for the module or its EventEmitter class (the same object,
 * `events.EventEmitter === events`), the export's name for a function or property of either, null otherwise.
 */
function eventsApiName(index: FileIndex, node: TSESTree.Node): string | null {
  const value = moduleValueOf(index, node);
  if (value?.module !== 'events') return null;
  let name = value.name === 'default' ? '' : value.name;
  while (name === 'EventEmitter' || name.startsWith('EventEmitter.')) name = name.slice('EventEmitter.'.length);
  return name;
}

function isDefaultMaxListeners(index: FileIndex, target: TSESTree.Node): boolean {
  const inner = unwrap(target);
  if (inner.type === AST_NODE_TYPES.Identifier) return eventsApiName(index, inner) === 'defaultMaxListeners';
  return inner.type === AST_NODE_TYPES.MemberExpression && memberName(inner) === 'defaultMaxListeners' && eventsApiName(index, inner.object) === '';
}

/** The limit an expression sets, when it is known: a number, 0, Infinity, Number.MAX_SAFE_INTEGER, a const of one. */
function limitOf(index: FileIndex, node: TSESTree.Node, depth: number): Limit | null {
  const inner = unwrap(node);
  const text = describeNode(index.input.text, inner);
  if (inner.type === AST_NODE_TYPES.Literal && typeof inner.value === 'number') {
    return inner.value === 0 ? { kind: 'off', text } : { kind: 'number', value: inner.value, text };
  }
  if (inner.type === AST_NODE_TYPES.Identifier) {
    if (inner.name === 'Infinity' && !index.variableOf.get(inner)?.defs.length) return { kind: 'off', text };
    const definition = definitionOf(index, inner);
    const declaration = definition?.node.parent;
    if (depth < 3 && definition?.kind === 'variable' && definition.init && declaration?.type === AST_NODE_TYPES.VariableDeclaration && declaration.kind === 'const') {
      const limit = limitOf(index, definition.init, depth + 1);
      return limit && { ...limit, text: `${inner.name} (${limit.text})` };
    }
    return null;
  }
  if (inner.type === AST_NODE_TYPES.MemberExpression && unwrap(inner.object).type === AST_NODE_TYPES.Identifier && (unwrap(inner.object) as TSESTree.Identifier).name === 'Number') {
    const name = memberName(inner);
    if (name === 'POSITIVE_INFINITY') return { kind: 'off', text };
    if (name === 'MAX_SAFE_INTEGER' || name === 'MAX_VALUE') return { kind: 'number', value: Number[name], text };
  }
  return null;
}

/** `<object>.defaultMaxListeners`, shortening only the object (and leaving out casts) so the property's name always shows. */
function targetText(text: string, target: TSESTree.Node): string {
  const inner = unwrap(target);
  return inner.type === AST_NODE_TYPES.MemberExpression ? `${describeNode(text, unwrap(inner.object))}.defaultMaxListeners` : describeNode(text, inner);
}

function emitterEffect(limit: Limit): string {
  return limit.kind === 'off'
    ? `turns MaxListenersExceededWarning off (${limit.text} means no limit)`
    : `lets ${limit.text} listeners of one event pile up before Node warns`;
}

function defaultEffect(limit: Limit): string {
  return limit.kind === 'off'
    ? `turns MaxListenersExceededWarning off (${limit.text} means no limit)`
    : `raises the listener limit from ${NODE_DEFAULT_MAX_LISTENERS} to ${limit.text}`;
}

function collectUpdates(ast: TSESTree.Program): TSESTree.UpdateExpression[] {
  const found: TSESTree.UpdateExpression[] = [];
  const stack: TSESTree.Node[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === AST_NODE_TYPES.UpdateExpression) found.push(node);
    pushChildNodes(stack, node);
  }
  return found;
}
