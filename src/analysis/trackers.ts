// Question 4, for the codemod: the shape of each tracker the rule reports (a function that receives an emitter
// and registers listeners on it, run per request) and whether "attach its listeners once per emitter" is all a
// registry rewrite would change. The codemod builds code from these plans; it decides nothing about safety.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { describeNode, filterInRun, isFunctionNode, isInside, keyName, line, memberPath, pushChildNodes, rootOf, unwrap, type FunctionNode } from './ast.js';
import type { CallGraph } from './call-graph.js';
import { bindingKey, definitionOf } from './bindings.js';
import type { FileIndex, FunctionInfo, ScopeVariable } from './file-index.js';
import { analyzeFile, type DetectorOptions, type Finding } from './index.js';
import type { AnalysisInput } from './file-index.js';
import { repeatsWithoutBound, type RepeatKind, type RepeatingContexts } from './repeating-contexts.js';
import { isOwnConstant, PerCallValues, resultParts, useBeyondListening } from './tracker-safety.js';

export type TrackerVerdict =
  /** Attaching once per emitter changes nothing else. */
  | { readonly kind: 'rewrite' }
  /** A handler reads a value of the call that the rewrite would keep from the first call: only with `--unsafe`. */
  | { readonly kind: 'freezes'; readonly reason: string; readonly frozen: readonly string[] }
  /** Not rewritable: the reason says why. */
  | { readonly kind: 'left-alone'; readonly reason: string };

/** Where the registry lives: on the tracker's class, or in the module or closure scope around it. */
export type TrackerState =
  | {
      readonly kind: 'class';
      readonly classBody: TSESTree.ClassBody;
      /** `#registry` field, `registry` field (`private readonly` in TypeScript), or `this.registry = ...` in the constructor. */
      readonly style: 'private-field' | 'field' | 'typed-field' | 'constructor';
      /** Class member or constructor statement the declaration goes after; null: first. */
      readonly after: TSESTree.Node | null;
      readonly constructorBody: TSESTree.BlockStatement | null;
    }
  | {
      readonly kind: 'scope';
      /** The statement (of the module, or of the closure factory's body) the declaration goes before. */
      readonly before: TSESTree.Node;
    };

/** Per-call updates kept on later calls: `record.lastActivity = Date.now()` for the record stored under the result. */
export interface Refresh {
  /** The map holding the records (`this.connections`), as written. */
  readonly records: string;
  /** A local name for the record in the repeat branch. */
  readonly record: string;
  readonly assignments: readonly { readonly key: string; readonly value: string }[];
}

export interface TrackerPlan {
  /** `ConnectionTracker.trackConnection`, for reports. */
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly fn: FunctionNode;
  readonly verdict: TrackerVerdict;
  /** The findings inside it (what the rule reports). */
  readonly findings: readonly Finding[];
  /** Everything below is set unless the verdict is `left-alone`. */
  readonly rewrite: TrackerRewrite | null;
}

export interface TrackerRewrite {
  /** The emitter parameter's name. */
  readonly emitter: string;
  readonly body: TSESTree.BlockStatement;
  /** Leading guards (`if (!enabled || !socket) return;`) that stay first. */
  readonly preludeLength: number;
  readonly isAsync: boolean;
  /** The tracker returns a value (a WeakMap keeps it per emitter); otherwise a WeakSet marks the emitter. */
  readonly keepsResult: boolean;
  /** The name of the value every return gives (`connectionId`), when they all give one variable. */
  readonly result: string | null;
  /** Returns after the prelude, in the tracker's own run: each stores its value first. */
  readonly returns: readonly TSESTree.ReturnStatement[];
  /** Those of them whose value is a plain name or member path (`connectionId`, `session.id`): safe to read twice. */
  readonly plainReturns: readonly TSESTree.ReturnStatement[];
  /** The body can end without a return: the value `undefined` is stored there. */
  readonly fallsThrough: boolean;
  /** The body of the inline `'close'` handler on the emitter, where the entry is dropped; null: add a listener. */
  readonly closeHandlerBody: TSESTree.Node | null;
  readonly state: TrackerState;
  readonly registryName: string;
  /** How the tracker reads the registry: `this.#trackedSockets`, `this.trackedSockets`, `trackedSockets`. */
  readonly registry: string;
  readonly refresh: Refresh | null;
}

export interface TrackerPlanOptions extends DetectorOptions {
  /** The file is TypeScript: class state is a field declaration, never a constructor assignment. */
  readonly typescript?: boolean;
}

/** The plans for every function the rule reports in a file; empty when it reports nothing. */
export function planTrackers(input: AnalysisInput, options: TrackerPlanOptions = {}): TrackerPlan[] {
  const { typescript = false, ...detectorOptions } = options;
  const analysis = analyzeFile(input, detectorOptions);
  const { index, contexts, graph } = analysis;
  if (!index || !contexts || !graph || analysis.findings.length === 0) return [];

  const groups = new Map<TSESTree.Node, { fn: FunctionInfo | null; emitter: ScopeVariable | null; findings: Finding[]; stray: Finding | null }>();
  for (const finding of analysis.findings) {
    // A teardown that makes the client reconnect is no tracker's doing (the teardown codemod lists it).
    if (finding.kind === 'reconnectsAfterTeardown') continue;
    const target = emitterParameter(index, finding);
    const fn = target ? index.functionByNode.get(target.fn) ?? null : index.enclosingFunction(finding.node);
    const key: TSESTree.Node = fn?.node ?? finding.frame.node;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { fn, emitter: target?.variable ?? null, findings: [], stray: null }));
    group.findings.push(finding);
    if (!target || (group.emitter && group.emitter !== target.variable)) group.stray ??= finding;
  }

  const plans: TrackerPlan[] = [];
  // Registry names handed out so far, per class body (or `index` for the file's scopes): two trackers of one file
  // must not both declare `trackedSockets`.
  const chosen = new Map<object, Set<string>>();
  for (const group of groups.values()) {
    const first = group.findings[0]!;
    const name = group.fn?.displayName ?? 'module code';
    const fnNode = group.fn?.node;
    const member = fnNode?.parent;
    const named = member && (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.Property || member.type === AST_NODE_TYPES.PropertyDefinition) ? member.key : null;
    const at = named ?? fnNode ?? first.node;
    const base = { name, line: line(at), column: at.loc.start.column + 1, findings: group.findings };
    const leftAlone = (reason: string): TrackerPlan => ({
      ...base,
      fn: group.fn?.node ?? (first.node as unknown as FunctionNode),
      verdict: { kind: 'left-alone', reason },
      rewrite: null,
    });
    if (!group.fn) {
      plans.push(leftAlone(`listeners go on ${first.data.receiver ?? 'an emitter'} outside any function: no tracker to rewrite`));
      continue;
    }
    if (group.stray || !group.emitter) {
      const stray = group.stray ?? first;
      plans.push(leftAlone(`listeners go on ${stray.data.receiver ?? 'an emitter'} (line ${line(stray.node)}), not on a parameter of ${name}`));
      continue;
    }
    // A registration that repeats within one call of the tracker (a timer callback, a recurring event's listener, a
    // loop without bound): running the tracker once per emitter would not stop it, and the rule would still report it.
    const tracker = group.fn;
    const inner = group.findings
      .map((finding) =>
        finding.frame.node !== tracker.node && isInside(finding.frame.node, tracker.node)
          ? { line: line(finding.node), what: finding.frame.reason.what }
          : repeatsWithin(index, contexts, graph, tracker, finding.node),
      )
      .find((found) => found !== null);
    if (inner) {
      plans.push(
        leftAlone(
          `the listener at line ${inner.line} is added again inside ${name} (${inner.what}): running ${name} once per emitter would not stop that`,
        ),
      );
      continue;
    }
    plans.push(planOne(index, contexts, group.fn, group.emitter, base, typescript, chosen));
  }
  return plans.sort((a, b) => a.fn.range[0] - b.fn.range[0]);
}

/** Repeat kinds that run again on their own, not once per run of the function around them. */
const REPEATS_ON_ITS_OWN: ReadonlySet<RepeatKind> = new Set(['interval', 'recurring-event', 'reentered', 'loop']);

/**
 * Whether `node` (a registration) runs more than once in a single call of `tracker`: inside a nested function that
 * repeats on its own (`setInterval(() => ...)`, `socket.on('data', () => ...)`), or one called from such a function
 * inside the tracker, or inside a loop without bound. What repeats, and the registration's line; null: once per call.
 */
function repeatsWithin(
  index: FileIndex,
  contexts: RepeatingContexts,
  graph: CallGraph,
  tracker: FunctionInfo,
  node: TSESTree.Node,
  depth = 0,
  seen: Set<FunctionInfo> = new Set(),
): { line: number; what: string } | null {
  const at = line(node);
  let child: TSESTree.Node = node;
  for (let current = node.parent; current && current !== tracker.node; child = current, current = current.parent) {
    if (repeatsWithoutBound(current, child)) return { line: at, what: 'a loop without bound' };
    if (!isFunctionNode(current)) continue;
    const fn = index.functionByNode.get(current);
    if (!fn || seen.has(fn)) continue;
    seen.add(fn);
    const reason = contexts.reasonOf(fn);
    if (reason && REPEATS_ON_ITS_OWN.has(reason.kind)) return { line: at, what: reason.what };
    // A nested helper (`const add = () => socket.on(...)`) called from a timer callback in the tracker.
    if (depth >= 3) continue;
    for (const call of graph.callSitesOf(fn)) {
      if (!isInside(call, tracker.node) || isInside(call, current)) continue;
      const found = repeatsWithin(index, contexts, graph, tracker, call, depth + 1, seen);
      if (found) return { line: at, what: found.what };
    }
  }
  return null;
}

/** The parameter a finding's receiver is (`socket` in `track(socket) { socket.on(...) }`), with its function. */
function emitterParameter(index: FileIndex, finding: Finding): { fn: FunctionNode; variable: ScopeVariable } | null {
  const receiver = unwrap(finding.registration.receiver);
  if (receiver.type !== AST_NODE_TYPES.Identifier) return null;
  const definition = definitionOf(index, receiver);
  if (definition?.kind !== 'parameter' || !isFunctionNode(definition.node)) return null;
  return { fn: definition.node, variable: definition.variable };
}

type PlanBase = Pick<TrackerPlan, 'name' | 'line' | 'column' | 'findings'>;

function planOne(
  index: FileIndex,
  contexts: RepeatingContexts,
  fn: FunctionInfo,
  emitter: ScopeVariable,
  base: PlanBase,
  typescript: boolean,
  chosen: Map<object, Set<string>>,
): TrackerPlan {
  const node = fn.node;
  const leftAlone = (reason: string): TrackerPlan => ({ ...base, fn: node, verdict: { kind: 'left-alone', reason }, rewrite: null });
  const emitterName = emitter.name;
  const body = node.body;
  if (body.type !== AST_NODE_TYPES.BlockStatement) return leftAlone(`${base.name} has an expression body; give it a block body first`);
  if (node.generator) return leftAlone(`${base.name} is a generator`);
  const method = node.parent.type === AST_NODE_TYPES.MethodDefinition || node.parent.type === AST_NODE_TYPES.Property ? node.parent : null;
  if (method && method.kind !== 'method' && method.kind !== 'init') return leftAlone(`${base.name} is a ${method.kind}ter`);

  const reassigned = emitter.references.find((reference) => !reference.init && reference.isWrite());
  if (reassigned) return leftAlone(`${base.name} assigns its emitter parameter \`${emitterName}\` (line ${line(reassigned.identifier)})`);

  const emitterKey = bindingKey(index, emitter.identifiers[0]!);
  const ownRegistrations = index.registrations.filter((registration) => registration.fn === fn);
  const elsewhere = ownRegistrations.find((registration) => bindingKey(index, registration.receiver) !== emitterKey);
  if (elsewhere) {
    return leftAlone(
      `${base.name} also adds listeners to ${text(index, elsewhere.receiver)} (line ${line(elsewhere.call)}), which is not its emitter parameter \`${emitterName}\`: later calls would stop adding them`,
    );
  }

  const otherUse = useBeyondListening(index, node, emitter);
  if (otherUse) {
    return leftAlone(
      `${base.name} does more with \`${emitterName}\` than listen to it (line ${line(otherUse)}: ${describeNode(index.input.text, otherUse)}): running its body once per emitter would skip that on later calls`,
    );
  }

  const preludeLength = countPrelude(body);
  const returns = filterInRun(body, (n) => n.type === AST_NODE_TYPES.ReturnStatement).filter(
    (n) => !body.body.slice(0, preludeLength).some((statement) => isInside(n, statement)),
  ) as TSESTree.ReturnStatement[];
  const keepsResult = returns.some((statement) => statement.argument !== null);
  const resultVariable = sameReturnedVariable(index, returns, node);

  // An inline tracker inside a function that runs per request (`req.on('socket', (s) => ...)` in `fetch`) sees that
  // run's bindings too (`response`, `signal`): those are per call as much as the tracker's own.
  let callScope: TSESTree.Node = node;
  for (let outer = fn.parent; outer; outer = outer.parent) if (contexts.reasonOf(outer) !== null) callScope = outer.node;
  const perCall = new PerCallValues(index, node, callScope, emitter, resultParts(index, returns, node));
  // `on(emitter, event, listener)`: a helper that adds whatever listener, for whatever event, its caller passes. Once
  // per emitter, the listeners of every later call would be dropped, not merely see the first call's values.
  for (const registration of ownRegistrations) {
    const handler = registration.handler ? unwrap(registration.handler) : null;
    const passedIn = handler?.type === AST_NODE_TYPES.Identifier && index.variableOf.get(handler)?.defs[0]?.type === 'Parameter' ? handler.name : null;
    const eventRead = registration.event.node ? perCall.readBy(registration.event.node) : [];
    if (passedIn === null && eventRead.length === 0) continue;
    const what = [...eventRead.map((name) => `the event \`${name}\``), ...(passedIn === null ? [] : [`the listener \`${passedIn}\``])].join(' and ');
    return leftAlone(
      `${base.name} adds ${what} its caller passes (line ${line(registration.call)}): once per emitter, the listeners of later calls would never be added (not even --unsafe rewrites that)`,
    );
  }
  const frozen = new Set<string>();
  for (const registration of ownRegistrations) {
    if (registration.handler) for (const name of perCall.readBy(registration.handler)) frozen.add(name);
  }

  const state = stateOf(index, contexts, fn, typescript);
  if (!state) return leftAlone(`${base.name} has no scope to keep a registry in (an expression-bodied factory)`);
  const registryName = registryNameFor(index, state, emitterName, chosen);
  const registry = state.kind === 'scope' ? registryName : `this.${state.style === 'private-field' ? '#' : ''}${registryName}`;

  const closeHandler = ownRegistrations
    .filter((registration) => registration.event.value === 'close' && registration.handler && isFunctionNode(unwrap(registration.handler)))
    .map((registration) => unwrap(registration.handler!) as FunctionNode)
    .find((handler) => state.kind === 'scope' || handler.type === AST_NODE_TYPES.ArrowFunctionExpression);

  const last = body.body.at(-1);
  const rewrite: TrackerRewrite = {
    emitter: emitterName,
    body,
    preludeLength,
    isAsync: node.async,
    keepsResult,
    result: resultVariable?.name ?? null,
    returns,
    plainReturns: returns.filter((statement) => statement.argument !== null && memberPath(unwrap(statement.argument)) !== null && unwrap(statement.argument) === statement.argument),
    fallsThrough: last?.type !== AST_NODE_TYPES.ReturnStatement && last?.type !== AST_NODE_TYPES.ThrowStatement,
    closeHandlerBody: closeHandler?.body ?? null,
    state,
    registryName,
    registry,
    refresh: keepsResult && resultVariable ? refreshOf(index, node, body, resultVariable, perCall) : null,
  };
  const verdict: TrackerVerdict =
    frozen.size === 0
      ? { kind: 'rewrite' }
      : {
          kind: 'freezes',
          frozen: [...frozen],
          reason: `a handler in ${base.name} reads ${[...frozen].map((n) => `\`${n}\``).join(', ')}, which change${frozen.size === 1 ? 's' : ''} per call: attaching once would keep the first call's value (--unsafe accepts that)`,
        };
  return { ...base, fn: node, verdict, rewrite };
}

function text(index: FileIndex, node: TSESTree.Node): string {
  return index.input.text.slice(node.range[0], node.range[1]);
}

/** `if (!enabled || !socket) return;`: leading guards that leave early and change nothing. */
function countPrelude(body: TSESTree.BlockStatement): number {
  let count = 0;
  for (const statement of body.body) {
    if (statement.type !== AST_NODE_TYPES.IfStatement || statement.alternate) break;
    const exit = statement.consequent.type === AST_NODE_TYPES.BlockStatement && statement.consequent.body.length === 1 ? statement.consequent.body[0]! : statement.consequent;
    if (exit.type !== AST_NODE_TYPES.ReturnStatement && exit.type !== AST_NODE_TYPES.ThrowStatement) break;
    const writes = filterInRun(statement.test, (n) => n.type === AST_NODE_TYPES.AssignmentExpression || n.type === AST_NODE_TYPES.UpdateExpression);
    if (writes.length > 0) break;
    count++;
  }
  return count;
}

/** The local every value-return gives (`return connectionId`), if they all give the same never-reassigned one. */
function sameReturnedVariable(index: FileIndex, returns: readonly TSESTree.ReturnStatement[], fn: FunctionNode): ScopeVariable | null {
  let found: ScopeVariable | null = null;
  for (const statement of returns) {
    if (!statement.argument) continue;
    const argument = unwrap(statement.argument);
    if (argument.type !== AST_NODE_TYPES.Identifier) return null;
    const variable = index.variableOf.get(argument);
    if (!variable || (found && found !== variable)) return null;
    found = variable;
  }
  return found && isOwnConstant(found, fn) ? found : null;
}

/** Property names that say they hold the latest call's value: `lastActivity`, `lastSeenAt`, `updatedAt`. */
const LATEST_VALUE = /^(last|latest)([A-Z_]|$)|(Updated|Seen|Touched|Used)(At)?$|^(updated|seen|touched|used)At$/;

/**
 * `this.connections.set(connectionId, { ..., lastActivity: now, metadata })`: on later calls the record under the
 * stored result gets the values that describe the latest call (the call's own arguments, `last*` timestamps).
 */
function refreshOf(index: FileIndex, fn: FunctionNode, body: TSESTree.BlockStatement, result: ScopeVariable, perCall: PerCallValues): Refresh | null {
  const store = filterInRun(body, (n) => {
    if (n.type !== AST_NODE_TYPES.CallExpression || n.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const [key, value] = n.arguments;
    return (
      keyName(n.callee.property, n.callee.computed) === 'set' &&
      key?.type === AST_NODE_TYPES.Identifier &&
      index.variableOf.get(key) === result &&
      value?.type === AST_NODE_TYPES.ObjectExpression
    );
  })[0] as TSESTree.CallExpression | undefined;
  if (!store || store.callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  const records = store.callee.object;
  const recordsPath = memberPath(records);
  const recordsRoot = rootOf(records);
  if (recordsPath === null) return null;
  if (recordsRoot.type === AST_NODE_TYPES.Identifier) {
    const variable = index.variableOf.get(recordsRoot);
    if (variable && perCall.isOwn(variable, null)) return null;
  }

  const assignments: { key: string; value: string }[] = [];
  for (const property of (store.arguments[1] as TSESTree.ObjectExpression).properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed || property.kind !== 'init') continue;
    const key = keyName(property.key, false);
    if (key === null || property.value.type === AST_NODE_TYPES.AssignmentPattern) continue;
    const value = unwrap(property.value);
    const variable = value.type === AST_NODE_TYPES.Identifier ? index.variableOf.get(value) : undefined;
    const definition = value.type === AST_NODE_TYPES.Identifier ? definitionOf(index, value) : null;
    if (variable && definition?.kind === 'parameter' && definition.node === fn && perCall.isPerCall(variable)) {
      assignments.push({ key, value: variable.name });
    } else if (LATEST_VALUE.test(key)) {
      const source = definition?.kind === 'variable' && definition.init && variable && perCall.isOwn(variable, null) ? definition.init : value;
      if (perCall.readsNothingOwn(source)) assignments.push({ key, value: text(index, source) });
    }
  }
  if (assignments.length === 0) return null;
  const last = recordsPath.split('.').pop() ?? '';
  const singular = /[a-z]s$/i.test(last) && !/ss$/.test(last) ? last.slice(0, -1) : 'record';
  const taken = namesIn(fn);
  let record = singular;
  for (let n = 2; taken.has(record); n++) record = `${singular}${n}`;
  return { records: text(index, records), record, assignments };
}

function namesIn(node: TSESTree.Node): Set<string> {
  const names = new Set<string>();
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === AST_NODE_TYPES.Identifier) names.add(current.name);
    pushChildNodes(stack, current);
  }
  return names;
}

/** Where the registry lives: the class for methods, else the closure or module scope that outlives the calls. */
function stateOf(index: FileIndex, contexts: RepeatingContexts, fn: FunctionInfo, typescript: boolean): TrackerState | null {
  const member = fn.node.parent;
  const isInstanceMember =
    (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) && !member.static;
  if (isInstanceMember && fn.classNode) {
    const classBody = fn.classNode.body;
    const usesPrivate = namesOfPrivate(classBody);
    const fields = classBody.body.filter((m) => m.type === AST_NODE_TYPES.PropertyDefinition);
    const constructor = classBody.body.find(
      (m): m is TSESTree.MethodDefinition => m.type === AST_NODE_TYPES.MethodDefinition && m.kind === 'constructor',
    );
    const style = usesPrivate ? 'private-field' : typescript ? 'typed-field' : fields.length > 0 || !constructor?.value.body ? 'field' : 'constructor';
    if (style === 'constructor') {
      const ctorBody = constructor!.value.body!;
      // After the leading `super(...)` and `this.x = ...` statements: before anything that might call the tracker.
      let after: TSESTree.Node | null = null;
      for (const statement of ctorBody.body) {
        if (!isFieldSetup(statement)) break;
        after = statement;
      }
      return { kind: 'class', classBody, style, after, constructorBody: ctorBody };
    }
    let after: TSESTree.Node | null = null;
    // After the leading data fields, before fields that hold functions (`track = (socket) => {...}`) and methods.
    for (const m of classBody.body) {
      if (m.type !== AST_NODE_TYPES.PropertyDefinition || m.static || (m.value && isFunctionNode(m.value))) break;
      after = m;
    }
    return { kind: 'class', classBody, style, after, constructorBody: null };
  }

  // A closure factory that runs once keeps the registry in its scope; one that repeats (a request handler) cannot.
  let scope: FunctionInfo | null = fn.parent;
  while (scope && (contexts.reasonOf(scope) !== null || scope.node.body.type !== AST_NODE_TYPES.BlockStatement)) scope = scope.parent;
  const list: TSESTree.Node = scope ? scope.node.body : index.input.ast;
  let child: TSESTree.Node = fn.node;
  while (child.parent && child.parent !== list) child = child.parent;
  if (child.parent !== list) return null;
  return { kind: 'scope', before: child };
}

function isFieldSetup(statement: TSESTree.Node): boolean {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const expression = statement.expression;
  if (expression.type === AST_NODE_TYPES.CallExpression) return expression.callee.type === AST_NODE_TYPES.Super;
  return (
    expression.type === AST_NODE_TYPES.AssignmentExpression &&
    expression.left.type === AST_NODE_TYPES.MemberExpression &&
    expression.left.object.type === AST_NODE_TYPES.ThisExpression &&
    filterInRun(expression.right, (n) => n.type === AST_NODE_TYPES.CallExpression || n.type === AST_NODE_TYPES.ThisExpression).length === 0
  );
}

function namesOfPrivate(classBody: TSESTree.ClassBody): boolean {
  return classBody.body.some(
    (m) => (m.type === AST_NODE_TYPES.PropertyDefinition || m.type === AST_NODE_TYPES.MethodDefinition) && m.key.type === AST_NODE_TYPES.PrivateIdentifier,
  );
}

/** `trackedSockets` for `socket`, `trackedConns` for `conn`; free in the class or the file. */
function registryNameFor(index: FileIndex, state: TrackerState, emitter: string, chosen: Map<object, Set<string>>): string {
  const noun = emitter.length <= 2 ? 'Emitters' : `${emitter[0]!.toUpperCase()}${emitter.slice(1)}${emitter.endsWith('s') ? '' : 's'}`;
  const base = `tracked${noun}`;
  const taken =
    state.kind === 'class'
      ? new Set(
          state.classBody.body
              .map((m) => ('key' in m ? keyName(m.key, 'computed' in m ? m.computed : false) ?? (m.key.type === AST_NODE_TYPES.PrivateIdentifier ? m.key.name : null) : null))
            .concat([...(index.fieldWrites.get(state.classBody.parent)?.keys() ?? [])]),
        )
      : null;
  const owner: object = state.kind === 'class' ? state.classBody : index;
  let given = chosen.get(owner);
  if (!given) chosen.set(owner, (given = new Set()));
  const isTaken = (name: string): boolean => given.has(name) || (taken ? taken.has(name) : index.isNameTaken(name));
  let name = base;
  for (let n = 2; isTaken(name); n++) name = `${base}${n}`;
  given.add(name);
  return name;
}
