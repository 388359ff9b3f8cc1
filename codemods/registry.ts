// The `registry` codemod: rewrites each tracker the rule reports (a function that adds listeners to an emitter it
// receives, run per request) so its listeners go on once per emitter. The detector in src/analysis finds the
// trackers and decides what is safe (planTrackers); this file only turns a plan into code, with jscodeshift and
// recast so everything it does not touch keeps its formatting and comments.
//
// As a jscodeshift transform: npx jscodeshift -t node_modules/listener-leak/dist/codemods/registry.js --no-babel src/
// From the CLI:                npx listener-leak codemod registry src/
import { resolve } from 'node:path';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import type { API, Collection, FileInfo, JSCodeshift, Options } from 'jscodeshift';
import { parsedFile, parseFile } from '../src/analysis/parse.js';
import { mayRegisterText } from '../src/analysis/registrations.js';
import type { ExternalCaller } from '../src/analysis/index.js';
import { analyzeProject } from '../src/analysis/project.js';
import { planTrackers, type TrackerPlan, type TrackerRewrite } from '../src/analysis/trackers.js';
import { babel, Builder, indexOfStart, listOf, nodeAt, openForRewrite, parserFor, printRewrite, type BabelNode, type Positions } from './recast.js';

export interface TrackerOutcome {
  /** `ConnectionTracker.trackConnection`. */
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly status: 'rewritten' | 'left-alone';
  /** Why it was left alone, or (rewritten with `unsafe`) which per-call values its handlers now keep. */
  readonly reason: string | null;
}

export interface RegistryResult {
  /** The new source, or null when the file is unchanged. */
  readonly output: string | null;
  readonly trackers: readonly TrackerOutcome[];
  /** False when the text showed no registration at all, so the file was not parsed. */
  readonly parsed: boolean;
}

export interface RegistryOptions {
  /** Rewrite trackers whose handlers read a per-call value too, keeping the first call's value (stated in a comment). */
  readonly unsafe?: boolean;
  /**
   * Calls into this file from repeating code in other files (from analyzeProject over the files of the run), so a
   * tracker called only from another module is found too. Without them the file is read on its own.
   */
  readonly externalCallers?: readonly ExternalCaller[];
}

/** A file that does not parse: where, and what the parser said (the detector's ParseError, under the codemod's name). */
export { ParseError as CodemodParseError } from '../src/analysis/parse.js';

/**
 * The calls into each file from repeating code in the others, for `externalCallers`: a run over several files
 * finds a tracker that only another module calls (`HTTPClient` in one file, `ConnectionTracker` in the next).
 * Every file is parsed for this; files that do not parse are left to rewriteTrackers to report.
 */
export function callersAcross(files: readonly { readonly path: string; readonly text: string }[]): ReadonlyMap<string, readonly ExternalCaller[]> {
  return analyzeProject(files).callers;
}

/**
 * callersAcross as a plain object keyed by absolute path: JSON-serialisable, so it can be computed once and handed to
 * jscodeshift's workers as the `externalCallers` option (or to worker threads), which the default transform reads.
 */
export type ExternalCallersByPath = Readonly<Record<string, readonly ExternalCaller[]>>;

export function callersByPath(files: readonly { readonly path: string; readonly text: string }[]): ExternalCallersByPath {
  return Object.fromEntries([...callersAcross(files)].map(([path, callers]) => [resolve(path), callers]));
}

/**
 * The rewriteTrackers option for one file of a run whose callers were computed up front: the calls into it (none is
 * an answer too: the file was part of the run), or nothing when there is no such map (the file is read on its own).
 */
export function externalCallersOf(byPath: ExternalCallersByPath | undefined, path: string): Pick<RegistryOptions, 'externalCallers'> {
  if (byPath === undefined) return {};
  const key = resolve(path);
  return { externalCallers: Object.hasOwn(byPath, key) ? byPath[key] : [] };
}

/** Rewrites the trackers of one file. Throws CodemodParseError for a file that does not parse. */
export function rewriteTrackers(path: string, source: string, options: RegistryOptions = {}): RegistryResult {
  if (!mayRegisterText(source)) return { output: null, trackers: [], parsed: false };
  // In a run over a project (externalCallers given), the project pass has parsed this file already.
  const input = options.externalCallers ? parsedFile(path, source) : parseFile(path, source);
  const plans = planTrackers(input, { typescript: parserFor(path) !== 'babel', ...(options.externalCallers ? { externalCallers: options.externalCallers } : {}) });
  const rewritable = plans.filter((plan) => plan.verdict.kind === 'rewrite' || (plan.verdict.kind === 'freezes' && options.unsafe === true));
  const outcomes = plans.map((plan): TrackerOutcome => {
    const rewritten = rewritable.includes(plan);
    const reason = plan.verdict.kind === 'rewrite' ? null : plan.verdict.reason;
    return { name: plan.name, line: plan.line, column: plan.column, status: rewritten ? 'rewritten' : 'left-alone', reason };
  });
  if (rewritable.length === 0) return { output: null, trackers: outcomes, parsed: true };

  const rewriting = openForRewrite(path, source);
  const { j, root, style, positions } = rewriting;
  const builder = new Builder(j, style);
  // Later plans first: an edit never moves the nodes an earlier plan still has to find (all found by offset).
  for (const plan of [...rewritable].reverse()) applyPlan(j, source, root, positions, builder, plan);
  return { output: printRewrite(rewriting, source), trackers: outcomes, parsed: true };
}

function applyPlan(j: JSCodeshift, source: string, root: Collection, positions: Positions, builder: Builder, plan: TrackerPlan): void {
  const rewrite = plan.rewrite!;
  const { registry, emitter } = rewrite;
  const body = listOf(nodeAt(j, root, positions, rewrite.body.range, 'BlockStatement'));

  // Found before any edit: every lookup is by the original offsets.
  const returns = rewrite.returns.map((statement) => ({
    statement,
    path: root.find(j.ReturnStatement).filter((candidate) => positions.spans(babel(candidate.node), statement.range)).paths()[0]!,
  }));
  const closeBody = rewrite.closeHandlerBody;
  const closeTarget =
    closeBody === null
      ? null
      : closeBody.type === AST_NODE_TYPES.BlockStatement
        ? { block: nodeAt(j, root, positions, closeBody.range, 'BlockStatement'), arrow: null }
        : {
            block: null,
            arrow: babel(
              root
                .find(j.ArrowFunctionExpression)
                .filter((candidate) => {
                  return positions.spans(babel(candidate.node.body), closeBody.range);
                })
                .paths()[0]!.node,
            ),
          };

  // 1. Returns after the prelude store their value under the emitter first.
  if (rewrite.keepsResult) {
    for (const { statement, path } of [...returns].reverse()) storeBeforeReturn(j, source, builder, rewrite, statement, path);
    if (rewrite.fallsThrough) body.push(...builder.statements(`${registry}.set(${emitter}, undefined);`));
  }

  // 2. The entry goes when the emitter closes: in the tracker's own 'close' handler, or a listener of its own.
  const drop = `${registry}.delete(${emitter});`;
  let ownCloseListener: BabelNode[] = [];
  if (closeTarget?.block) listOf(closeTarget.block).unshift(...builder.statements(drop));
  else if (closeTarget?.arrow) {
    const expression = closeTarget.arrow.body as BabelNode;
    (closeTarget.arrow as unknown as { body: unknown }).body = j.blockStatement([...builder.statements(drop), j.expressionStatement(expression as never)] as never);
  } else ownCloseListener = builder.statements(`${emitter}.once('close', () => ${registry}.delete(${emitter}));`);

  // 3. After the guards: later calls with a known emitter register nothing and give the stored result.
  const note =
    plan.verdict.kind === 'freezes' ? `// listener-leak codemod --unsafe: handlers attached on the first call keep that call's ${plan.verdict.frozen.join(', ')}.\n` : '';
  const check = repeatBranch(builder, rewrite, note);
  const claim = rewrite.keepsResult
    ? rewrite.isAsync
      ? builder.statements(`${registry}.set(${emitter}, undefined);`) // claimed before the first await
      : []
    : builder.statements(`${registry}.add(${emitter});`);
  body.splice(rewrite.preludeLength, 0, ...check, ...claim, ...ownCloseListener);

  // 4. The registry itself, where the tracker's state lives.
  declareRegistry(j, root, positions, builder, rewrite);
}

function repeatBranch(builder: Builder, rewrite: TrackerRewrite, note: string): BabelNode[] {
  const { registry, emitter, refresh, result } = rewrite;
  if (!rewrite.keepsResult) return builder.statements(`${note}if (${registry}.has(${emitter})) return;`);
  if (!refresh || result === null) return builder.statements(`${note}if (${registry}.has(${emitter})) return ${registry}.get(${emitter});`);
  const updates = refresh.assignments.map(({ key, value }) => `    ${refresh.record}.${key} = ${value};`).join('\n');
  return builder.statements(
    `${note}if (${registry}.has(${emitter})) {\n` +
      `  const ${result} = ${registry}.get(${emitter});\n` +
      `  const ${refresh.record} = ${refresh.records}.get(${result});\n` +
      `  if (${refresh.record}) {\n${updates}\n  }\n` +
      `  return ${result};\n` +
      `}`,
  );
}

function storeBeforeReturn(
  j: JSCodeshift,
  source: string,
  builder: Builder,
  rewrite: TrackerRewrite,
  statement: TSESTree.ReturnStatement,
  path: ReturnType<Collection['paths']>[number],
): void {
  const { registry, emitter } = rewrite;
  const argument = statement.argument;
  const returned = path.node as unknown as { argument: BabelNode | null };
  let replacement: BabelNode[];
  if (argument === null) {
    replacement = [...builder.statements(`${registry}.set(${emitter}, undefined);`), path.node as BabelNode];
  } else if (rewrite.plainReturns.includes(statement)) {
    // `return connectionId` or `return session.id`: reading it twice is the same as once.
    replacement = [...builder.statements(`${registry}.set(${emitter}, ${source.slice(argument.range[0], argument.range[1])});`), path.node as BabelNode];
  } else {
    const [declaration, store, give] = builder.statements(`const result = undefined;\n${registry}.set(${emitter}, result);\nreturn result;`);
    (declaration as unknown as { declarations: { init: unknown }[] }).declarations[0]!.init = returned.argument;
    replacement = [declaration!, store!, give!];
  }
  const parent = path.parent as { node: BabelNode & { type: string } };
  const inList = parent.node.type === 'BlockStatement' || parent.node.type === 'SwitchCase' || parent.node.type === 'Program';
  if (inList) {
    path.replace(...(replacement as never[]));
  } else {
    path.replace(j.blockStatement(replacement as never));
  }
}

function declareRegistry(j: JSCodeshift, root: Collection, positions: Positions, builder: Builder, rewrite: TrackerRewrite): void {
  const { state, registryName } = rewrite;
  const kind = rewrite.keepsResult ? 'WeakMap' : 'WeakSet';
  if (state.kind === 'scope') {
    const container = state.before.parent!;
    const list = container.type === AST_NODE_TYPES.Program ? listOf(babel(root.find(j.Program).paths()[0]!.node)) : listOf(nodeAt(j, root, positions, container.range, 'BlockStatement'));
    list.splice(indexOfStart(list, positions, state.before.range[0]), 0, ...builder.statements(`const ${registryName} = new ${kind}();`));
    return;
  }
  if (state.style === 'constructor') {
    const list = listOf(nodeAt(j, root, positions, state.constructorBody!.range, 'BlockStatement'));
    const at = state.after ? indexOfStart(list, positions, state.after.range[0]) + 1 : 0;
    list.splice(at, 0, ...builder.statements(`this.${registryName} = new ${kind}();`));
    return;
  }
  const members = listOf(nodeAt(j, root, positions, state.classBody.range, 'ClassBody'));
  const at = state.after ? indexOfStart(members, positions, state.after.range[0]) + 1 : 0;
  const declaration =
    state.style === 'private-field' ? `#${registryName} = new ${kind}();` : state.style === 'typed-field' ? `private readonly ${registryName} = new ${kind}();` : `${registryName} = new ${kind}();`;
  members.splice(at, 0, builder.member(declaration));
}

/**
 * The jscodeshift entry point: `npx jscodeshift -t dist/codemods/registry.js src/` (`--unsafe` passes through). Each
 * file is read on its own unless the options carry `externalCallers` (callersByPath over the files of the run), as
 * when a program runs jscodeshift's Runner with them: then a tracker called only from another file is rewritten too.
 */
export default function transform(file: FileInfo, api: API, options: Options): string | undefined {
  const byPath: unknown = options.externalCallers;
  const callers = typeof byPath === 'object' && byPath !== null && !Array.isArray(byPath) ? externalCallersOf(byPath as ExternalCallersByPath, file.path) : {};
  const result = rewriteTrackers(file.path, file.source, { unsafe: options.unsafe === true, ...callers });
  for (const tracker of result.trackers) {
    if (tracker.status === 'left-alone') api.report(`${file.path}:${String(tracker.line)}:${String(tracker.column)} ${tracker.name} left alone: ${tracker.reason ?? ''}`);
  }
  if (!result.parsed) return undefined;
  return result.output ?? file.source;
}
