// The `teardown` codemod: for each listener a lifecycle method (connect, start, a reconnect) adds to an emitter that
// outlives the connection (`process`, a module-level bus, a long-lived field), keeps the handler in a field, removes
// the previous one before adding it again, and removes it in the class's teardown (disconnect, close, stop, ...).
// The detector plans each edit (planTeardowns in src/analysis/teardowns.ts); this file only writes them, with
// jscodeshift and recast so everything it does not touch keeps its formatting and comments.
//
// As a jscodeshift transform: npx jscodeshift -t node_modules/listener-leak/dist/codemods/teardown.js --no-babel src/
// From the CLI:                npx listener-leak codemod teardown src/
import type { API, Collection, FileInfo, JSCodeshift } from 'jscodeshift';
import { parseFile } from '../src/analysis/parse.js';
import { mayRegisterText } from '../src/analysis/registrations.js';
import { planTeardowns, type TeardownPlan, type TeardownRewrite } from '../src/analysis/teardowns.js';
import { Builder, listOf, nodeAt, openForRewrite, parserFor, printRewrite, type BabelNode, type Positions } from './recast.js';

export { ParseError as CodemodParseError } from '../src/analysis/parse.js';

export interface ListenerOutcome {
  /** `WebSocketClient.connect ('SIGINT' listener)`. */
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly status: 'rewritten' | 'left-alone';
  /** Why it was left alone; null when rewritten. */
  readonly reason: string | null;
}

export interface TeardownResult {
  /** The new source, or null when the file is unchanged. */
  readonly output: string | null;
  readonly listeners: readonly ListenerOutcome[];
  /** False when the text showed no registration at all, so the file was not parsed. */
  readonly parsed: boolean;
}

/** Rewrites the lifecycle listeners of one file. Throws CodemodParseError for a file that does not parse. */
export function rewriteTeardowns(path: string, source: string): TeardownResult {
  if (!mayRegisterText(source)) return { output: null, listeners: [], parsed: false };
  const input = parseFile(path, source);
  const plans = planTeardowns(input, { typescript: parserFor(path) !== 'babel' });
  const listeners = plans.map(
    (plan): ListenerOutcome => ({
      name: `${plan.name} (${plan.event} listener)`,
      line: plan.line,
      column: plan.column,
      status: plan.verdict.kind === 'rewrite' ? 'rewritten' : 'left-alone',
      reason: plan.verdict.kind === 'rewrite' ? null : plan.verdict.reason,
    }),
  );
  const rewrites = plans.filter((plan): plan is TeardownPlan & { rewrite: TeardownRewrite } => plan.rewrite !== null).map((plan) => plan.rewrite);
  if (rewrites.length === 0) return { output: null, listeners, parsed: true };

  const rewriting = openForRewrite(path, source);
  const { j, root, style, positions } = rewriting;
  // Snippets here carry code copied from the file as written: no restyling.
  const snippets = new Builder(j, style, false);
  // Every node is found by the detector's offsets before any edit; the edits then go by node identity.
  const targets = rewrites.map((rewrite) => findTargets(j, root, positions, rewrite));
  const inserted = new Map<BabelNode[], number>();
  for (const [i, rewrite] of rewrites.entries()) applyRewrite(j, snippets, rewrite, targets[i]!, inserted);
  return { output: printRewrite(rewriting, source), listeners, parsed: true };
}

interface Targets {
  /** The registration's statement and the statement list it is in. */
  readonly statement: BabelNode;
  readonly statements: BabelNode[];
  /** For `own-field`: the statement that stores the handler. */
  readonly store: BabelNode | null;
  /** The teardown's statements; null when the teardown removes the listener already. */
  readonly teardown: BabelNode[] | null;
  /** Where the field is declared: the list, and the member or statement it goes after (null: first). */
  readonly declaration: { readonly list: BabelNode[]; readonly after: BabelNode | null; readonly text: string; readonly member: boolean } | null;
}

function findTargets(j: JSCodeshift, root: Collection, positions: Positions, rewrite: TeardownRewrite): Targets {
  const statement = nodeAt(j, root, positions, rewrite.statement.range, 'ExpressionStatement');
  const statements = listOf(nodeAt(j, root, positions, rewrite.statement.parent.range, 'BlockStatement'));
  const store = rewrite.store ? nodeAt(j, root, positions, rewrite.store.range, 'ExpressionStatement') : null;
  const teardown = rewrite.teardownBody ? listOf(nodeAt(j, root, positions, rewrite.teardownBody.range, 'BlockStatement')) : null;
  const { declaration } = rewrite;
  let declared: Targets['declaration'] = null;
  if (declaration) {
    const list = listOf(nodeAt(j, root, positions, declaration.kind === 'field' ? declaration.classBody.range : declaration.body.range, declaration.kind === 'field' ? 'ClassBody' : 'BlockStatement'));
    const wanted = declaration.after ? positions.at(declaration.after.range[0]) : null;
    const after = wanted === null ? null : (list.find((item) => positions.startOf(item) === wanted) ?? null);
    if (wanted !== null && after === null) throw new Error(`teardown codemod: no class member or statement at ${wanted}`);
    declared = { list, after, text: declaration.text, member: declaration.kind === 'field' };
  }
  return { statement, statements, store, teardown, declaration: declared };
}

interface Comment {
  type: string;
  value: string;
  leading?: boolean;
}

/**
 * Statements and class members parsed from code, like the file. Recast prints such nodes as their code reads, so they
 * are written whole, comments included; unlike the registry's Builder, quotes are left as they are: the code is made
 * of the file's own text (its event names, its handlers) and quotes of its own it has none.
 */
/** A statement's leading comments, as code. */
function leadingCommentsOf(statement: BabelNode): string {
  return ((statement.comments ?? []) as Comment[])
    .filter((comment) => comment.leading === true)
    .map((comment) => (/Block$/.test(comment.type) ? `/*${comment.value}*/\n` : `//${comment.value}\n`))
    .join('');
}

/**
 * Puts new statements before one of the file's own. Its leading comments go first, so they still head the group.
 * Recast spaces statements by their original positions: the old statement forgets its own, so the blank line before
 * the group stays before the group and none opens inside it.
 */
function insertBefore(snippets: Builder, statements: BabelNode[], statement: BabelNode, code: string, more: readonly BabelNode[] = []): void {
  const nodes = [...snippets.statements(`${leadingCommentsOf(statement)}${code}`), ...more];
  statement.comments = ((statement.comments ?? []) as Comment[]).filter((comment) => comment.leading !== true);
  statement.loc = null;
  statements.splice(statements.indexOf(statement), 0, ...nodes);
}

/** Inserts into a list, after what was inserted there before (so several insertions keep their order). */
function insertAt(inserted: Map<BabelNode[], number>, list: BabelNode[], start: number, nodes: readonly BabelNode[]): void {
  const offset = inserted.get(list) ?? 0;
  list.splice(start + offset, 0, ...nodes);
  inserted.set(list, offset + nodes.length);
}

function applyRewrite(j: JSCodeshift, snippets: Builder, rewrite: TeardownRewrite, targets: Targets, inserted: Map<BabelNode[], number>): void {
  const removeFirst = rewrite.guarded ? `if (${rewrite.reference}) ${rewrite.removal};` : `${rewrite.removal};`;

  // 1. In the lifecycle method: the previous listener goes before a new one is stored and added.
  if (rewrite.shape === 'field') {
    // Built node by node, not parsed: the handler keeps its own text, wherever it now sits.
    const field = (): never => j.memberExpression(j.thisExpression(), j.identifier(rewrite.field!)) as never;
    const call = (targets.statement as unknown as { expression: { arguments: never[] } }).expression;
    const store = j.expressionStatement(j.assignmentExpression('=', field(), call.arguments[1]!)) as unknown as BabelNode;
    // Spaced where the registration was: a multi-line handler gets no blank lines of its own around it.
    store.loc = targets.statement.loc ?? null;
    call.arguments[1] = field();
    insertBefore(snippets, targets.statements, targets.statement, removeFirst, [store]);
  } else {
    insertBefore(snippets, targets.statements, rewrite.shape === 'own-field' ? targets.store! : targets.statement, removeFirst);
  }

  // 2. In the teardown, first: whatever else it does (or fails at), the listener is gone.
  if (targets.teardown) insertAt(inserted, targets.teardown, 0, snippets.statements(removeFirst));

  // 3. The new field, where the class declares its others.
  const { declaration } = targets;
  if (declaration) {
    const nodes = declaration.member ? [snippets.member(declaration.text)] : snippets.statements(declaration.text);
    const start = declaration.after ? declaration.list.indexOf(declaration.after) + 1 : 0;
    // The blank line after the member it follows stays after the new one (recast spaces by original positions).
    if (declaration.after) declaration.after.loc = null;
    insertAt(inserted, declaration.list, start, nodes);
  }
}

/** The jscodeshift entry point: `npx jscodeshift -t dist/codemods/teardown.js src/`. */
export default function transform(file: FileInfo, api: API): string | undefined {
  const result = rewriteTeardowns(file.path, file.source);
  for (const listener of result.listeners) {
    if (listener.status === 'left-alone') api.report(`${file.path}:${String(listener.line)}:${String(listener.column)} ${listener.name} left alone: ${listener.reason ?? ''}`);
  }
  if (!result.parsed) return undefined;
  return result.output ?? file.source;
}

