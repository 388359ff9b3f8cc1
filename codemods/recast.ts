// The recast side every transform shares: jscodeshift's parser for a file, the file's own style (quotes, indents,
// line ends), finding a node of the detector's AST in jscodeshift's by position, building new code from snippets,
// and printing so that everything a transform did not touch keeps its formatting and comments.
import { extname } from 'node:path';
import jscodeshift, { type Collection, type JSCodeshift } from 'jscodeshift';
import { isTypeScriptOnly, ParseError } from '../src/analysis/parse.js';

/** The tab width recast counts columns with while parsing (its default, made explicit: positions depend on it). */
export const PARSE_TAB_WIDTH = 4;
/** jscodeshift's parser for a file: TypeScript by extension, Babel (with JSX and Flow) for everything else. */
export function parserFor(path: string): 'ts' | 'tsx' | 'babel' {
  if (extname(path).toLowerCase() === '.tsx') return 'tsx';
  return isTypeScriptOnly(path) ? 'ts' : 'babel';
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
    /** Rewrite the snippets' quotes and two-space steps to the file's; off for snippets copied from the file itself. */
    private readonly restyle = true,
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
    const source = `class Snippet {\n${declared.map((line) => `${line}\n`).join('')}${code}\n}`;
    const program = this.j(this.styled(source), { tabWidth: PARSE_TAB_WIDTH, useTabs: this.style.useTabs }).find(this.j.Program).paths()[0]!.node as unknown as { body: { body: { body: BabelNode[] } }[] };
    return program.body[0]!.body.body;
  }

  private styled(code: string): string {
    if (!this.restyle) return code;
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
  if (found.length === 0) throw new Error(`codemod: no ${type} at ${positions.at(range[0])}; the two parsers disagree`);
  return babel(found.paths()[0]!.node);
}

export function listOf(node: BabelNode): BabelNode[] {
  return (node as unknown as { body: BabelNode[] }).body;
}

export function indexOfStart(list: readonly BabelNode[], positions: Positions, start: number): number {
  const wanted = positions.at(start);
  const at = list.findIndex((item) => positions.startOf(item) === wanted);
  if (at === -1) throw new Error(`codemod: no statement starts at ${wanted}`);
  return at;
}


/** A file opened for rewriting: its jscodeshift AST, its style, and where the detector's nodes are in it. */
export interface Rewriting {
  readonly j: JSCodeshift;
  readonly root: Collection;
  readonly style: SourceStyle;
  readonly positions: Positions;
}

/** Parses a file with jscodeshift as the file's own style requires; a parse failure is a located ParseError. */
export function openForRewrite(path: string, source: string): Rewriting {
  const j = jscodeshift.withParser(parserFor(path));
  const style = styleOf(source);
  let root: Collection;
  try {
    root = j(hideHashbang(source), { tabWidth: PARSE_TAB_WIDTH, useTabs: style.useTabs });
  } catch (error) {
    const located = error as { loc?: { line: number; column: number }; message?: unknown };
    throw new ParseError(String(located.message), located.loc?.line ?? 1, (located.loc?.column ?? 0) + 1);
  }
  return { j, root, style, positions: new Positions(source, PARSE_TAB_WIDTH) };
}

/**
 * `#!/usr/bin/env node` as a `//` comment of the same length: recast would print a hashbang after whatever is
 * inserted at the top, where it no longer parses. Positions stay the same; printRewrite puts it back first.
 */
function hideHashbang(source: string): string {
  return source.startsWith('#!') ? `//${source.slice(2)}` : source;
}

function restoreHashbang(output: string, source: string): string {
  if (!source.startsWith('#!')) return output;
  const end = source.indexOf('\n');
  const hashbang = end === -1 ? source : source.slice(0, end);
  const hidden = `//${hashbang.slice(2)}`;
  if (output.startsWith(hidden)) return `#!${output.slice(2)}`;
  const at = output.indexOf(hidden);
  const rest = at === -1 ? output : output.slice(0, at) + output.slice(at + hidden.length).replace(/^\r?\n/, '');
  return `${hashbang}\n${rest}`;
}

/** The rewritten file in its own style, or null when nothing changed. */
export function printRewrite({ root, style }: Rewriting, source: string): string | null {
  const printed = root.toSource({ quote: style.quote, tabWidth: style.tabWidth, useTabs: style.useTabs, lineTerminator: style.lineTerminator });
  const output = restoreHashbang(style.useTabs ? tabifyNewLines(printed, source, style.tabWidth) : printed, source);
  return output === source ? null : output;
}
