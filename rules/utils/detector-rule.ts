// What the rules built on the detector share: the nodes of ESLint's own traversal that the file index reads (so
// the index is not built from a second walk), and reporting a finding with its suggestions as editor quick fixes.
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { INDEXED_NODE_TYPES, type TextEdit } from '../../src/analysis/index.js';

/** Listeners that gather the INDEXED_NODE_TYPES nodes in traversal (source) order, and the list they fill. */
export function indexedNodeCollector(): { listeners: TSESLint.RuleListener; nodes: TSESTree.Node[] } {
  const nodes: TSESTree.Node[] = [];
  const collect = (node: TSESTree.Node): void => {
    nodes.push(node);
  };
  const listeners: TSESLint.RuleListener = {};
  for (const type of INDEXED_NODE_TYPES) listeners[type] = collect;
  return { listeners, nodes };
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
