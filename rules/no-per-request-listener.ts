// Reports listener registrations that run once per request (or per tick, per reconnect) on an emitter that
// outlives that run, with no removal or registry guard to pair them. The detector lives in src/analysis.
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { analyzeFile, INDEXED_NODE_TYPES, mayRegisterText, type DetectorOptions, type FindingKind, type SuggestionId } from '../src/analysis/index.js';
import { createRule } from './utils/create-rule.js';

type Options = [
  {
    perRequestFunctions?: string[];
    setupFunctions?: string[];
    longLivedReceivers?: string[];
    ignoreEvents?: string[];
  },
];
type MessageIds = FindingKind | SuggestionId;

const REMEDY = 'Attach it once per emitter with a WeakMap registry (see `listener-leak codemod registry`), or remove it when the request ends.';

export default createRule<Options, MessageIds>({
  name: 'no-per-request-listener',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow adding listeners to a long-lived emitter from code that runs once per request',
      recommended: true,
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      perRequestListener: `A listener for '{{event}}' is added to {{receiver}} ({{lifetime}}) in code that runs {{context}}. Nothing removes it before that code runs again, so listeners pile up until the emitter closes. ${REMEDY}`,
      onceOnLongLived: `A once('{{event}}') listener is added to {{receiver}} ({{lifetime}}) in code that runs {{context}}. A once listener goes away only when '{{event}}' fires, and that is not once per request, so these pile up just like on(). ${REMEDY}`,
      removedWithDifferentFunction:
        "The '{{event}}' listener added to {{receiver}} in code that runs {{context}} is removed at line {{removalLine}} with a different function, which removes nothing: an inline function or a .bind() call makes a new function every time. Keep the listener in a variable and pass that same variable to the removal.",
      removedOnlyOnClose: `The '{{event}}' listener added to {{receiver}} ({{lifetime}}) in code that runs {{context}} is removed only when {{receiver}} emits '{{closeEvent}}' (line {{removalLine}}), which happens once per emitter, not once per request. ${REMEDY}`,
      removedTooLate:
        "The '{{event}}' listener added to {{receiver}} ({{lifetime}}) in code that runs {{context}} is removed at line {{removalLine}}, which does not run before that code runs again. Remove it when the request ends (in a finally block or on the response's 'close'), or attach it once per emitter with a WeakMap registry.",
      removeAllListenersIsNotAFix:
        "removeAllListeners at line {{removalLine}} does not fix the '{{event}}' listener added to {{receiver}} in code that runs {{context}}: it also strips the listeners Node itself keeps on {{receiver}}, so a response cut short never ends. Attach the listener once per emitter with a WeakMap registry instead.",
      guardWithWeakSet: "Add the '{{event}}' listener once per emitter: guard it with the module-level WeakSet {{setName}}.",
      removeWhenRequestEnds: "Remove the listener when {{endEmitter}} emits 'close' at the end of the request.",
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          perRequestFunctions: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Names of functions or methods that run once per request, beyond the ones the rule recognises.',
          },
          setupFunctions: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Names of functions that run once (setup), added to the defaults (setup, init, bootstrap, main, ...).',
          },
          longLivedReceivers: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Identifiers or member paths (`bus`, `this.events`) of emitters that always outlive a request.',
          },
          ignoreEvents: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Event names never reported.',
          },
        },
      },
    ],
  },
  create(context, [options]) {
    // Most files of a project never add a listener: a look at the text spares them every listener below.
    if (!mayRegisterText(context.sourceCode.text)) return {};
    const detectorOptions: DetectorOptions = options;
    // The detector's index is built from ESLint's own traversal instead of a second walk of the file.
    const indexedNodes: TSESTree.Node[] = [];
    const collect = (node: TSESTree.Node): void => {
      indexedNodes.push(node);
    };
    const listeners: TSESLint.RuleListener = {};
    for (const type of INDEXED_NODE_TYPES) listeners[type] = collect;
    return {
      ...listeners,
      'Program:exit'(program) {
        const { sourceCode } = context;
        const { findings } = analyzeFile(
          { ast: program, scopeManager: sourceCode.scopeManager!, text: sourceCode.text, indexedNodes },
          detectorOptions,
        );
        for (const finding of findings) {
          context.report({
            node: finding.node,
            messageId: finding.kind,
            data: finding.data,
            suggest: finding.suggestions.map(
              (suggestion): TSESLint.SuggestionReportDescriptor<MessageIds> => ({
                messageId: suggestion.messageId,
                data: suggestion.data,
                fix: (fixer) => suggestion.edits.map((edit) => fixer.replaceTextRange([edit.range[0], edit.range[1]], edit.text)),
              }),
            ),
          });
        }
      },
    };
  },
});
