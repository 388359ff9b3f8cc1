// The `registry` codemod: rewrites each tracker the rule reports (a function that adds listeners to an emitter it
// receives, run per request) so its listeners go on once per emitter. The detector in src/analysis finds the
// trackers and decides what is safe (planTrackers); this file only turns a plan into code, with jscodeshift and
// recast so everything it does not touch keeps its formatting and comments.
//
// As a jscodeshift transform: npx jscodeshift -t node_modules/listener-leak/dist/codemods/registry.js src/
// From the CLI:                npx listener-leak codemod registry src/
import { extname } from 'node:path';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import jscodeshift, { type API, type Collection, type FileInfo, type JSCodeshift, type Options } from 'jscodeshift';
import { isTypeScriptOnly, ParseError, parseFile } from '../src/analysis/parse.js';
import { mayRegisterText } from '../src/analysis/registrations.js';
import type { ExternalCaller } from '../src/analysis/index.js';
import { analyzeProject } from '../src/analysis/project.js';
import { planTrackers, type TrackerPlan, type TrackerRewrite } from '../src/analysis/trackers.js';

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

// The recast plumbing below (parser choice, source style, node lookup by position, snippets) is exported for the
// other transforms (teardown.ts).

/** The tab width recast counts columns with while parsing (its default, made explicit: positions depend on it). */
export const PARSE_TAB_WIDTH = 4;
/** jscodeshift's parser for a file: TypeScript by extension, Babel (with JSX and Flow) for everything else. */
export function parserFor(path: string): 'ts' | 'tsx' | 'babel' {
  if (extname(path).toLowerCase() === '.tsx') return 'tsx';
  return isTypeScriptOnly(path) ? 'ts' : 'babel';
}

/**
 * The calls into each file from repeating code in the others, for `externalCallers`: a run over several files
 * finds a tracker that only another module calls (`HTTPClient` in one file, `ConnectionTracker` in the next).
 * Every file is parsed for this; files that do not parse are left to rewriteTrackers to report.
 */
export function callersAcross(files: readonly { readonly path: string; readonly text: string }[]): ReadonlyMap<string, readonly ExternalCaller[]> {
  return analyzeProject(files).callers;
}

/** Rewrites the trackers of one file. Throws CodemodParseError for a file that does not parse. */
export function rewriteTrackers(path: string, source: string, options: RegistryOptions = {}): RegistryResult {
  if (!mayRegisterText(source)) return { output: null, trackers: [], parsed: false };
  const input = parseFile(path, source);
  const parser = parserFor(path);
  const plans = planTrackers(input, { typescript: parser !== 'babel', ...(options.externalCallers ? { externalCallers: options.externalCallers } : {}) });
  const rewritable = plans.filter((plan) => plan.verdict.kind === 'rewrite' || (plan.verdict.kind === 'freezes' && options.unsafe === true));
  const outcomes = plans.map((plan): TrackerOutcome => {
    const rewritten = rewritable.includes(plan);
    const reason = plan.verdict.kind === 'rewrite' ? null : plan.verdict.reason;
    return { name: plan.name, line: plan.line, column: plan.column, status: rewritten ? 'rewritten' : 'left-alone', reason };
  });
  if (rewritable.length === 0) return { output: null, trackers: outcomes, parsed: true };

  const j = jscodeshift.withParser(parser);
  const style = styleOf(source);
  let root: Collection;
  try {
    root = j(source, { tabWidth: PARSE_TAB_WIDTH, useTabs: style.useTabs });
  } catch (error) {
    const located = error as { loc?: { line: number; column: number }; message?: unknown };
    throw new ParseError(String(located.message), located.loc?.line ?? 1, (located.loc?.column ?? 0) + 1);
  }
  const positions = new Positions(source, PARSE_TAB_WIDTH);
  const builder = new Builder(j, style);
  // Later plans first: an edit never moves the nodes an earlier plan still has to find (all found by offset).
  for (const plan of [...rewritable].reverse()) applyPlan(j, source, root, positions, builder, plan);
  const printed = root.toSource({ quote: style.quote, tabWidth: style.tabWidth, useTabs: style.useTabs, lineTerminator: style.lineTerminator });
  const output = style.useTabs ? tabifyNewLines(printed, source, style.tabWidth) : printed;
  return { output: output === source ? null : output, trackers: outcomes, parsed: true };
}

export interface SourceStyle {
  quote: 'single' | 'double';
  tabWidth: number;
  useTabs: boolean;
  lineTerminator: string;
}

/** Quotes, indentation and line ends as the file writes them, so new code looks like the code around it. */
export function styleOf(source: string): SourceStyle {
  const singles = (source.match(/'[^'\n]*'/g) ?? []).length;
  const doubles = (source.match(/"[^"\n]*"/g) ?? []).length;
  const indents = source.match(/^[ \t]+(?=\S)/gm) ?? [];
  const useTabs = indents.filter((indent) => indent.startsWith('\t')).length > indents.length / 2;
  const widths = indents.filter((indent) => !indent.startsWith('\t')).map((indent) => indent.length);
  const tabWidth = widths.length === 0 ? 2 : Math.min(...widths.filter((width) => width >= 2), 8);
  return {
    quote: doubles > singles ? 'double' : 'single',
    // Recast measured tabs at PARSE_TAB_WIDTH columns: printing with another width would re-indent every line.
    tabWidth: useTabs ? PARSE_TAB_WIDTH : Number.isFinite(tabWidth) ? tabWidth : 2,
    useTabs,
    lineTerminator: source.includes('\r\n') ? '\r\n' : '\n',
  };
}

/** A node of jscodeshift's (Babel) AST with the offsets Babel records; found by the detector's offsets. */
export interface BabelNode {
  type: string;
  loc?: { start: { line: number; column: number }; end: { line: number; column: number } } | null;
  body?: unknown;
  comments?: unknown[] | null;
}
export const babel = (node: unknown): BabelNode => node as BabelNode;

/**
 * Recast indents the first statement it inserts into a tab-indented block with the block's tabs plus spaces.
 * Lines the file did not have before get their leading spaces turned into tabs; the file's own lines stay as they are.
 */
export function tabifyNewLines(printed: string, source: string, tabWidth: number): string {
  const original = new Set(source.split(/\r?\n/));
  return printed.replace(/^(\t*)( +)(?=\S)(.*)$/gm, (line: string, tabs: string, spaces: string, rest: string) => {
    if (original.has(line.replace(/\r$/, ''))) return line;
    return `${tabs}${'\t'.repeat(Math.floor(spaces.length / tabWidth))}${' '.repeat(spaces.length % tabWidth)}${rest}`;
  });
}

/**
 * Makes statements and class members from source snippets, parsed like the file. Recast reuses a snippet's text
 * as written, so snippets are written in the file's quotes and indentation (given here in two-space steps).
 */
export class Builder {
  constructor(
    private readonly j: JSCodeshift,
    private readonly style: SourceStyle,
  ) {}

  /** Statements, parsed as a method body of a class that declares the `#names` they use (Babel checks those). */
  statements(code: string): BabelNode[] {
    const method = this.members(`method() {\n${code}\n}`).at(-1) as unknown as { body?: { body: BabelNode[] }; value?: { body: { body: BabelNode[] } } };
    // Babel's ClassMethod holds the body; with the estree plugin (jscodeshift's `babel` parser) a MethodDefinition's value does.
    return (method.body ?? method.value!.body).body;
  }

  member(code: string): BabelNode {
    return this.members(code).at(-1)!;
  }

  private members(code: string): BabelNode[] {
    const privateNames = [...new Set(code.match(/#[A-Za-z_$][\w$]*/g) ?? [])];
    const declared = privateNames.filter((name) => !new RegExp(`^${name.replace('$', '\\$')}\\b`).test(code)).map((name) => `${name};`);
    const source = `class Registry {\n${declared.join('\n')}\n${code}\n}`;
    const program = this.j(this.styled(source), { tabWidth: PARSE_TAB_WIDTH, useTabs: this.style.useTabs }).find(this.j.Program).paths()[0]!.node as unknown as { body: { body: { body: BabelNode[] } }[] };
    return program.body[0]!.body.body;
  }

  private styled(code: string): string {
    const unit = this.style.useTabs ? '\t' : ' '.repeat(this.style.tabWidth);
    const indented = code.replace(/^(?: {2})+/gm, (steps) => unit.repeat(steps.length / 2));
    return this.style.quote === 'double' ? indented.replace(/'/g, '"') : indented;
  }
}

/**
 * Where a node of the detector's AST is in jscodeshift's. Recast rewrites Babel's offsets from lines and columns in
 * which a tab counts to the next tab stop, so nodes are matched by line and tab-expanded column, never by offset.
 */
export class Positions {
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly source: string,
    readonly tabWidth: number,
  ) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** `line:column` of an offset, as recast counts them. */
  at(offset: number): string {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    let column = 0;
    for (let i = this.lineStarts[low]!; i < offset; i++) {
      if (this.source[i] === '\t') {
        const next = Math.ceil(column / this.tabWidth) * this.tabWidth;
        column = next === column ? column + this.tabWidth : next;
      } else column++;
    }
    return `${String(low + 1)}:${String(column)}`;
  }

  startOf(node: BabelNode): string {
    return node.loc ? `${String(node.loc.start.line)}:${String(node.loc.start.column)}` : '';
  }

  endOf(node: BabelNode): string {
    return node.loc ? `${String(node.loc.end.line)}:${String(node.loc.end.column)}` : '';
  }

  /** Does the jscodeshift node span exactly the detector's range? */
  spans(node: BabelNode, range: readonly [number, number]): boolean {
    return this.startOf(node) === this.at(range[0]) && this.endOf(node) === this.at(range[1]);
  }
}

/** The node of the jscodeshift AST at the range of a node of the detector's AST. */
export function nodeAt(j: JSCodeshift, root: Collection, positions: Positions, range: readonly [number, number], type: string): BabelNode {
  const found = root.find(j.Node).filter((path) => {
    const node = babel(path.node);
    return node.type === type && positions.spans(node, range);
  });
  if (found.length === 0) throw new Error(`registry codemod: no ${type} at ${positions.at(range[0])}; the two parsers disagree`);
  return babel(found.paths()[0]!.node);
}

export function listOf(node: BabelNode): BabelNode[] {
  return (node as unknown as { body: BabelNode[] }).body;
}

function indexOfStart(list: readonly BabelNode[], positions: Positions, start: number): number {
  const wanted = positions.at(start);
  const at = list.findIndex((item) => positions.startOf(item) === wanted);
  if (at === -1) throw new Error(`registry codemod: no statement starts at ${wanted}`);
  return at;
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

/** The jscodeshift entry point: `npx jscodeshift -t dist/codemods/registry.js src/` (`--unsafe` passes through). */
export default function transform(file: FileInfo, api: API, options: Options): string | undefined {
  const result = rewriteTrackers(file.path, file.source, { unsafe: options.unsafe === true });
  for (const tracker of result.trackers) {
    if (tracker.status === 'left-alone') api.report(`${file.path}:${String(tracker.line)}:${String(tracker.column)} ${tracker.name} left alone: ${tracker.reason ?? ''}`);
  }
  if (!result.parsed) return undefined;
  return result.output ?? file.source;
}
