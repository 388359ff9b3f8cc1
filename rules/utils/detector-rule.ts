// What the rules built on the detector share: the nodes of ESLint's own traversal that the file index reads (so
// the index is not built from a second walk), and reporting a finding with its suggestions as editor quick fixes.
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { FUNCTION_NODE_TYPES, INDEXED_NODE_TYPES, IndexedNodeList, type AnalysisInput, type IndexedNodes, type TextEdit } from '../../src/analysis/index.js';

/** Made once: a selector built for each file is a new string, hashed again wherever ESLint keys a map by it. */
const FUNCTION_EXIT_SELECTORS = FUNCTION_NODE_TYPES.map((type) => `${type}:exit` as const);

/** The list of each file being linted, by its SourceCode: one for all the rules of the plugin that read it. */
const listsBySource = new WeakMap<object, IndexedNodeList>();

/**
 * Listeners that take the INDEXED_NODE_TYPES nodes in traversal (source) order, with the function around each
 * (ESLint's exit from a function closes it), into the index's tables, and the list that holds them. The rules of the
 * plugin linting one file share the list: ESLint creates every rule before its traversal, so the first rule to ask
 * gets the listeners and the others no listeners and the same list, complete by the time any `Program:exit` runs.
 */
export function indexedNodeCollector(sourceCode: object): { listeners: TSESLint.RuleListener; nodes: IndexedNodes } {
  const shared = listsBySource.get(sourceCode);
  if (shared) return { listeners: {}, nodes: shared };
  const list = new IndexedNodeList();
  listsBySource.set(sourceCode, list);
  const enter = (node: TSESTree.Node): void => {
    list.enter(node);
  };
  const exitFunction = (): void => {
    list.exitFunction();
  };
  const listeners: TSESLint.RuleListener = {};
  for (const type of INDEXED_NODE_TYPES) listeners[type] = enter;
  for (const selector of FUNCTION_EXIT_SELECTORS) listeners[selector] = exitFunction;
  return { listeners, nodes: list };
}

interface SuggestedFix<MessageIds extends string> {
  readonly messageId: MessageIds;
  readonly data: Record<string, string>;
  readonly edits: readonly TextEdit[];
}

/** A finding's suggestions as ESLint suggestion descriptors: each one's text edits, applied together. */
export function suggestionsOf<MessageIds extends string>(
  suggestions: readonly SuggestedFix<MessageIds>[],
): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
  return suggestions.map((suggestion) => ({
    messageId: suggestion.messageId,
    data: suggestion.data,
    fix: (fixer) => suggestion.edits.map((edit) => fixer.replaceTextRange([edit.range[0], edit.range[1]], edit.text)),
  }));
}

/** The detector's input for the file ESLint lints: its tree, scope manager and text, and the nodes gathered in traversal. */
export function analysisInputOf(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  program: TSESTree.Program,
  indexedNodes: IndexedNodes,
): AnalysisInput {
  const { sourceCode } = context;
  return { ast: program, scopeManager: sourceCode.scopeManager!, text: sourceCode.text, indexedNodes };
}

interface ReportedFinding<MessageIds extends string> {
  readonly node: TSESTree.Node;
  readonly kind: MessageIds;
  readonly data: Record<string, string>;
  readonly suggestions?: readonly SuggestedFix<MessageIds>[];
}

/** Reports each finding under its kind's message, with its suggestions (if it has any) as editor quick fixes. */
export function reportFindings<MessageIds extends string, Options extends readonly unknown[]>(
  context: Readonly<TSESLint.RuleContext<MessageIds, Options>>,
  findings: readonly ReportedFinding<MessageIds>[],
): void {
  for (const finding of findings) {
    context.report({
      node: finding.node,
      messageId: finding.kind,
      data: finding.data,
      ...(finding.suggestions ? { suggest: suggestionsOf(finding.suggestions) } : {}),
    });
  }
}
