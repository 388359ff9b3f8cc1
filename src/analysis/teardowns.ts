// Question 4, for the teardown codemod: for each listener a lifecycle method (connect, start, a reconnect) adds to an
// emitter that outlives the connection, how to make it removable and where its teardown removes it. The codemod builds
// code from these plans; the decisions (which handler shape, which teardown, what to leave alone) are made here.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { isFunctionNode, isInside, isReference, keyName, line, memberName, memberPath, pushChildNodes, rootOf, runsAtOnce, unwrap, type FunctionNode } from './ast.js';
import { bindingKey, definitionOf } from './bindings.js';
import type { AnalysisInput, ClassNode, FileIndex } from './file-index.js';
import { analyzeFile, type DetectorOptions, type Finding } from './index.js';
import { buildLifecycles, methodOf, type LifecycleContext } from './lifecycles.js';
import { shownEvent, type Registration } from './registrations.js';
import { TEARDOWN_LIFECYCLE_METHODS } from './vocabulary.js';

export interface TeardownPlan {
  /** The method the listener is added in: `WebSocketClient.connect`. */
  readonly name: string;
  /** Where the registration is, 1-based. */
  readonly line: number;
  readonly column: number;
  /** The event as messages show it: `'SIGINT'`, or the code that names a computed one (shownEvent). */
  readonly event: string;
  readonly verdict: { readonly kind: 'rewrite' } | { readonly kind: 'left-alone'; readonly reason: string };
  /** Set when the verdict is `rewrite`. */
  readonly rewrite: TeardownRewrite | null;
}

/**
 * How a listener becomes removable, in the registration's own method:
 * - `field`: `if (this.onSigint) process.off('SIGINT', this.onSigint); this.onSigint = <handler>; process.on('SIGINT', this.onSigint);`
 * - `own-field`: the method already stores the handler (`this.onSigint = ...` right before): the removal goes before that.
 * - `stable`: the handler is the same function every time (a method, a field set once, a module function): remove it first.
 */
export type HandlerShape = 'field' | 'own-field' | 'stable';

export interface TeardownRewrite {
  readonly shape: HandlerShape;
  /** The registration's statement. */
  readonly statement: TSESTree.ExpressionStatement;
  /** For `own-field`: the statement that stores the handler; the removal of the previous one goes before it. */
  readonly store: TSESTree.ExpressionStatement | null;
  /** The registration's handler argument (moved into the field for `field`). */
  readonly handler: TSESTree.Node;
  /** How the code names the listener from now on: `this.onSigint`, `this.onJob`, `onShutdown`. */
  readonly reference: string;
  /** For `field`: the new field's name. */
  readonly field: string | null;
  /** The removal call's text, without `;`: `process.off('SIGINT', this.onSigint)`. */
  readonly removal: string;
  /** The removal may meet a field not set yet (`field`, `own-field`): it is guarded by `if (reference)`. */
  readonly guarded: boolean;
  /** The teardown method's body, where the removal goes first; null when the teardown removes it already. */
  readonly teardownBody: TSESTree.BlockStatement | null;
  /** `WebSocketClient.disconnect`, for reports. */
  readonly teardown: string;
  /** Where the new field is declared, if anywhere (JavaScript without fields or constructor: nowhere). */
  readonly declaration: FieldDeclaration | null;
}

export type FieldDeclaration =
  | {
      readonly kind: 'field';
      readonly classBody: TSESTree.ClassBody;
      /** The class member it goes after; null: first. */
      readonly after: TSESTree.Node | null;
      /** The member as written: `onSigint = null;`, `private onSigint?: () => void;`. */
      readonly text: string;
    }
  | {
      readonly kind: 'constructor';
      readonly body: TSESTree.BlockStatement;
      readonly after: TSESTree.Node | null;
      readonly text: string;
    };

export interface TeardownPlanOptions extends DetectorOptions {
  /** The file is TypeScript: a new field is declared with its type. */
  readonly typescript?: boolean;
}

const REMOVAL_OF: ReadonlyMap<string, string> = new Map([
  ['on', 'off'],
  ['once', 'off'],
  ['addListener', 'removeListener'],
  ['prependListener', 'removeListener'],
  ['prependOnceListener', 'removeListener'],
  ['addEventListener', 'removeEventListener'],
]);
const TEARDOWN_NAMES = TEARDOWN_LIFECYCLE_METHODS.map((name) => `${name}()`).join(', ');

/** The plans for every listener the rule reports as part of a lifecycle in a file, in source order. */
export function planTeardowns(input: AnalysisInput, options: TeardownPlanOptions = {}): TeardownPlan[] {
  const { typescript = false, ...detectorOptions } = options;
  const analysis = analyzeFile(input, detectorOptions);
  const { index, contexts, graph } = analysis;
  if (!index || !contexts || !graph || analysis.findings.length === 0) return [];
  const lifecycles = buildLifecycles(index, graph, contexts);
  const names = new FieldNames(index);
  const plans: TeardownPlan[] = [];
  for (const finding of analysis.findings) {
    const { registration } = finding;
    const base = {
      name: methodOf(registration.fn)?.displayName ?? index.enclosingFunction(finding.node)?.displayName ?? 'module code',
      line: line(finding.node),
      column: finding.node.loc.start.column + 1,
      event: shownEvent(registration.event),
    };
    const leftAlone = (reason: string): TeardownPlan => ({ ...base, verdict: { kind: 'left-alone', reason }, rewrite: null });
    if (finding.kind === 'reconnectsAfterTeardown') {
      const { teardown, object, event, listenerLine } = finding.data;
      plans.push({
        ...base,
        name: teardown?.replace(/\(\)$/, '') ?? base.name,
        event: event ?? base.event,
        verdict: {
          kind: 'left-alone',
          reason: `${teardown ?? 'the teardown'} closes ${object ?? 'the connection'}, whose ${event ?? "'close'"} listener (line ${listenerLine ?? '?'}) then reconnects: set a flag in ${teardown ?? 'the teardown'} and check it in that listener before reconnecting (by hand)`,
        },
        rewrite: null,
      });
      continue;
    }
    const context = lifecycles.contextOf(registration, finding.frame);
    if (!context) continue; // not a lifecycle: the registry codemod's, or a fix by hand
    const nested = nestedRegistration(registration, context);
    if (nested) {
      plans.push(leftAlone(nested));
      continue;
    }
    if (finding.pairing.lifecycle !== true || !context.teardown) {
      plans.push(leftAlone(`${className(context.cls)} has no teardown method (${TEARDOWN_NAMES}) to remove the ${shownEvent(registration.event)} listener in: add one, then run the codemod again`));
      continue;
    }
    const planned = planOne(index, finding, context, names, typescript);
    plans.push(typeof planned === 'string' ? leftAlone(planned) : { ...base, verdict: { kind: 'rewrite' }, rewrite: planned });
  }
  return plans.sort((a, b) => a.line - b.line || a.column - b.column);
}

function className(cls: ClassNode): string {
  return cls.id?.name ?? 'the class';
}

function text(index: FileIndex, node: TSESTree.Node): string {
  return index.input.text.slice(node.range[0], node.range[1]);
}

/**
 * Why a registration is not one the method itself makes each run, or null when it is: inside a class declared in the
 * method (a static block, an initializer: `this` is that class), or inside a callback that may run later (a timer, a
 * listener, forEach). A callback that runs at once (an IIFE, a Promise executor) counts as the method's own code, as
 * the rule counts it: there the previous listener's removal runs before the next one is added.
 */
function nestedRegistration(registration: Registration, context: LifecycleContext): string | null {
  const method = context.method.node;
  const where = `${context.method.displayName} (line ${line(registration.call)})`;
  const event = shownEvent(registration.event);
  for (let node: TSESTree.Node | undefined = registration.call.parent; node && node !== method; node = node.parent) {
    if (node.type === AST_NODE_TYPES.ClassBody) {
      return `the ${event} listener in ${where} is added inside a class declared there (line ${line(node.parent)}), where \`this\` is that class, not ${className(context.cls)}: remove it by hand`;
    }
    if (isFunctionNode(node) && !runsAtOnce(node)) {
      const teardown = context.teardown ? `${context.teardown.displayName}()` : 'the teardown';
      return `the ${event} listener in ${where} is added in a callback (line ${line(node)}), not by ${context.method.displayName}() itself: the callback may run after ${teardown}, or more than once a run, so a handler kept in a field may be replaced before it is removed; remove it by hand`;
    }
  }
  return null;
}

/** The plan, or why the registration is left alone. */
function planOne(
  index: FileIndex,
  finding: Finding,
  context: LifecycleContext,
  names: FieldNames,
  typescript: boolean,
): TeardownRewrite | string {
  const { registration } = finding;
  const teardown = context.teardown!;
  const where = `${context.method.displayName} (line ${line(registration.call)})`;
  if (registration.form !== 'method' || !registration.handler) return `the listener in ${where} is not added with an on()-style call`;
  if (registration.event.value === null || registration.event.value.startsWith('@')) {
    return `the event of the listener in ${where} is computed (${registration.event.text}): one field cannot hold a listener for each event`;
  }
  const statement = registration.call.parent;
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return `the registration in ${where} is part of a larger expression`;
  if (teardown.node.body.type !== AST_NODE_TYPES.BlockStatement) return `${teardown.displayName} has an expression body; give it a block body first`;
  const receiverProblem = unreachableFromTeardown(index, registration.receiver, context);
  if (receiverProblem) return `the listener in ${where} goes on ${receiverProblem}`;
  const handler = registration.handler;
  const perCall = perCallReads(index, handler, context.method.node);
  if (perCall.length > 0) {
    return `the ${shownEvent(registration.event)} listener in ${where} reads ${perCall.map((name) => `\`${name}\``).join(', ')}, a value of each call: ${context.method.name ?? 'the method'}() may mean to add one per call; remove it by hand`;
  }

  const receiver = text(index, unwrap(registration.receiver));
  const removalMethod = REMOVAL_OF.get(registration.method) ?? 'removeListener';
  const [eventArgument, , options] = registration.call.arguments;
  const extra = options && registration.method === 'addEventListener' ? `, ${text(index, options)}` : '';
  const removalOf = (reference: string): string => `${receiver}.${removalMethod}(${text(index, eventArgument!)}, ${reference}${extra})`;
  const teardownRemoves = alreadyRemovedInTeardown(finding, context);
  const base = {
    statement,
    handler,
    teardownBody: teardownRemoves ? null : teardown.node.body,
    teardown: teardown.displayName,
  };

  const inner = unwrap(handler);
  const stable = stableHandler(index, inner, context);
  if (stable === 'own-field') {
    const store = storedJustBefore(index, statement, inner);
    if (!store) return `the ${shownEvent(registration.event)} listener in ${where} is this.${memberName(inner as TSESTree.MemberExpression) ?? '?'}, assigned elsewhere than right before it: remove it by hand`;
    const reference = text(index, inner);
    return { ...base, shape: 'own-field', store, reference, field: null, removal: removalOf(reference), guarded: true, declaration: null };
  }
  if (stable === 'stable') {
    const reference = text(index, inner);
    return { ...base, shape: 'stable', store: null, reference, field: null, removal: removalOf(reference), guarded: false, declaration: null };
  }
  const field = names.take(context.cls, registration.event.value, receiver);
  const reference = `this.${field}`;
  return {
    ...base,
    shape: 'field',
    store: null,
    reference,
    field,
    removal: removalOf(reference),
    guarded: true,
    declaration: declarationFor(index, context.cls, field, inner, typescript),
  };
}

/** Why the teardown cannot name the receiver the way the registration does, or null when it can. */
function unreachableFromTeardown(index: FileIndex, receiver: TSESTree.Node, context: LifecycleContext): string | null {
  const root = rootOf(receiver);
  const path = memberPath(unwrap(receiver));
  if (path === null) return `${text(index, receiver)}, which the teardown cannot name`;
  if (root.type === AST_NODE_TYPES.ThisExpression) return null;
  if (root.type !== AST_NODE_TYPES.Identifier) return `${path}, which the teardown cannot name`;
  const definition = definitionOf(index, root);
  if (!definition) return null; // a global: `process`, `globalThis`
  if (definition.kind === 'import' || definition.scopeBlock.type === AST_NODE_TYPES.Program) return null;
  return `${path}, a local of ${context.method.displayName} that the teardown cannot reach`;
}

/**
 * Identifiers the handler reads that belong to one run of the method (its parameters and locals): keeping the
 * handler across runs would keep the first run's values. A local holding a function (`const onSigint = () => ...`)
 * is read through: what counts is what that function reads.
 */
function perCallReads(index: FileIndex, handler: TSESTree.Node, method: FunctionNode): string[] {
  const found = new Set<string>();
  const visit = (root: TSESTree.Node, seen: Set<TSESTree.Node>): void => {
    const stack: TSESTree.Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      pushChildNodes(stack, node);
      if (node.type !== AST_NODE_TYPES.Identifier || !isReference(node)) continue;
      const definition = definitionOf(index, node);
      if (!definition || !isInside(definition.name, method) || isInside(definition.name, root)) continue;
      if (definition.kind === 'variable' && definition.init && isFunctionNode(unwrap(definition.init)) && !seen.has(definition.init)) {
        const declaration = definition.node.parent;
        const assignedAgain = definition.variable.references.some((reference) => !reference.init && reference.isWrite());
        if (declaration?.type === AST_NODE_TYPES.VariableDeclaration && declaration.kind === 'const' && !assignedAgain) {
          seen.add(definition.init);
          visit(definition.init, seen);
          continue;
        }
      }
      found.add(node.name);
    }
  };
  visit(handler, new Set());
  return [...found];
}

/**
 * Is the handler the same function on every run? `own-field`: `this.x` that the method itself assigns; `stable`: a
 * method, a field set once (initializer or constructor), or a module-level function; null: made anew each run.
 */
function stableHandler(index: FileIndex, handler: TSESTree.Node, context: LifecycleContext): HandlerShape | null {
  if (handler.type === AST_NODE_TYPES.MemberExpression && unwrap(handler.object).type === AST_NODE_TYPES.ThisExpression) {
    const name = memberName(handler);
    if (name === null) return null;
    const writes = index.fieldWrites.get(context.cls)?.get(name) ?? [];
    const writtenHere = writes.some((write) => methodOf(index.enclosingFunction(write)) === context.method);
    if (writtenHere) return 'own-field';
    const once = writes.every((write) => write.parent?.type === AST_NODE_TYPES.PropertyDefinition || index.enclosingFunction(write)?.isConstructor === true);
    const isMethod = context.cls.body.body.some((member) => member.type === AST_NODE_TYPES.MethodDefinition && keyName(member.key, member.computed) === name);
    return (writes.length > 0 && once) || (writes.length === 0 && isMethod) ? 'stable' : null;
  }
  if (handler.type === AST_NODE_TYPES.Identifier) {
    const definition = definitionOf(index, handler);
    if (!definition) return null;
    const moduleLevel = definition.kind === 'import' || definition.scopeBlock.type === AST_NODE_TYPES.Program;
    const reassigned = definition.variable.references.some((reference) => !reference.init && reference.isWrite());
    if (moduleLevel && !reassigned && (definition.kind === 'function' || definition.kind === 'import' || definition.kind === 'variable')) return 'stable';
  }
  return null;
}

/** `this.onSigint = () => ...;` as the statement right before the registration, in the same block. */
function storedJustBefore(index: FileIndex, statement: TSESTree.ExpressionStatement, handler: TSESTree.Node): TSESTree.ExpressionStatement | null {
  const parent = statement.parent;
  if (parent.type !== AST_NODE_TYPES.BlockStatement) return null;
  const previous = parent.body[parent.body.indexOf(statement) - 1];
  if (previous?.type !== AST_NODE_TYPES.ExpressionStatement) return null;
  const expression = previous.expression;
  if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== '=') return null;
  return bindingKey(index, expression.left) === bindingKey(index, handler) ? previous : null;
}

/** The teardown already removes this very handler (the registration's problem was the reconnect, not the teardown). */
function alreadyRemovedInTeardown(finding: Finding, context: LifecycleContext): boolean {
  if (finding.kind !== 'removedOnlyInTeardown') return false;
  const removal = finding.pairing.evidence;
  return removal !== null && context.teardowns.some((teardown) => isInside(removal, teardown.node));
}

/** Where and how a new field is declared, in the style of the class (see trackers.ts for the registry's fields). */
function declarationFor(index: FileIndex, cls: ClassNode, field: string, handler: TSESTree.Node, typescript: boolean): FieldDeclaration | null {
  const classBody = cls.body;
  let lastDataField: TSESTree.Node | null = null;
  for (const member of classBody.body) {
    if (member.type !== AST_NODE_TYPES.PropertyDefinition || member.static || (member.value && isFunctionNode(member.value))) break;
    lastDataField = member;
  }
  const hasFields = classBody.body.some((member) => member.type === AST_NODE_TYPES.PropertyDefinition && !member.static);
  if (typescript) return { kind: 'field', classBody, after: lastDataField, text: `private ${field}?: ${handlerType(index, handler)};` };
  if (hasFields) return { kind: 'field', classBody, after: lastDataField, text: `${field} = null;` };
  const constructor = classBody.body.find((m): m is TSESTree.MethodDefinition => m.type === AST_NODE_TYPES.MethodDefinition && m.kind === 'constructor');
  const body = constructor?.value.body;
  if (!body) return null;
  // After the leading `super()` and `this.x = <value>` statements: before anything that might call connect().
  let after: TSESTree.Node | null = null;
  for (const statement of body.body) {
    if (!isFieldSetup(statement)) break;
    after = statement;
  }
  return { kind: 'constructor', body, after, text: `this.${field} = null;` };
}

function isFieldSetup(statement: TSESTree.Node): boolean {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const expression = statement.expression;
  if (expression.type === AST_NODE_TYPES.CallExpression) return expression.callee.type === AST_NODE_TYPES.Super;
  if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.left.type !== AST_NODE_TYPES.MemberExpression) return false;
  if (expression.left.object.type !== AST_NODE_TYPES.ThisExpression) return false;
  let calls = false;
  const stack: TSESTree.Node[] = [expression.right];
  while (stack.length > 0 && !calls) {
    const node = stack.pop()!;
    if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.ThisExpression) calls = true;
    else if (!isFunctionNode(node)) pushChildNodes(stack, node);
  }
  return !calls;
}

/**
 * The field's type in TypeScript: the inline handler's own signature when every parameter is annotated, else a
 * signature that accepts what the emitter passes (the handler's parameters were typed by the call it was written in).
 */
function handlerType(index: FileIndex, handler: TSESTree.Node): string {
  if (!isFunctionNode(handler)) return '(...args: any[]) => void';
  const params: string[] = [];
  for (const param of handler.params) {
    if (param.type === AST_NODE_TYPES.Identifier && param.typeAnnotation) {
      params.push(`${param.name}${param.optional ? '?' : ''}${text(index, param.typeAnnotation)}`);
    } else if (param.type === AST_NODE_TYPES.RestElement && param.argument.type === AST_NODE_TYPES.Identifier && param.typeAnnotation) {
      params.push(`...${param.argument.name}${text(index, param.typeAnnotation)}`);
    } else {
      return '(...args: any[]) => void';
    }
  }
  return `(${params.join(', ')}) => void`;
}

/** New field names, free in the class (no member, no `this.x` of that name) and among the ones already handed out. */
class FieldNames {
  private readonly taken = new Map<ClassNode, Set<string>>();

  constructor(private readonly index: FileIndex) {}

  take(cls: ClassNode, event: string, receiver: string): string {
    let taken = this.taken.get(cls);
    if (!taken) {
      taken = new Set(this.index.fieldWrites.get(cls)?.keys());
      for (const member of cls.body.body) {
        if ('key' in member && member.key.type !== AST_NODE_TYPES.PrivateIdentifier) {
          const name = keyName(member.key, member.computed);
          if (name !== null) taken.add(name);
        }
      }
      this.taken.set(cls, taken);
    }
    const eventWords = words(event);
    const receiverWords = words(receiver.split('.').pop() ?? '');
    const candidates = [`on${eventWords}`, `on${receiverWords}${eventWords}`];
    let name = candidates.find((candidate) => !taken.has(candidate));
    for (let n = 2; name === undefined; n++) if (!taken.has(`${candidates[0]!}${String(n)}`)) name = `${candidates[0]!}${String(n)}`;
    taken.add(name);
    return name;
  }
}

/** `SIGINT` -> `Sigint`, `uncaughtException` -> `UncaughtException`, `job:done` -> `JobDone`. */
function words(value: string): string {
  const parts = value.split(/[^A-Za-z0-9]+/).filter((part) => part !== '');
  if (parts.length === 0) return 'Event';
  return parts.map((part) => (part === part.toUpperCase() ? part.toLowerCase() : part)).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
}
