// Reports removeAllListeners on an emitter this code does not own alone (a socket, an agent, `process`, a server,
// a response, anything handed in): it strips listeners Node and other code keep there. The logic lives in
// src/analysis/remove-all.ts.
import { findUnsafeRemoveAlls, mayRemoveAllText, type RemoveAllFindingKind, type RemoveAllSuggestionId } from '../src/analysis/remove-all.js';
import { createRule } from './utils/create-rule.js';
import { analysisInputOf, indexedNodeCollector, reportFindings } from './utils/detector-rule.js';

type Options = [
  {
    ownedEmitters?: string[];
  },
];
type MessageIds = RemoveAllFindingKind | RemoveAllSuggestionId;

const REMEDY = 'Remove only the listeners this code added, with removeListener(event, handler).';

export default createRule<Options, MessageIds>({
  name: 'no-socket-remove-all-listeners',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow removeAllListeners on sockets, agents, process, servers and other emitters this code does not own',
      recommended: true,
      requiresTypeChecking: false,
    },
    // The suggestions go out through reportFindings (utils/detector-rule.ts), which this lint rule cannot follow.
    // eslint-disable-next-line eslint-plugin/require-meta-has-suggestions
    hasSuggestions: true,
    messages: {
      stripsNodeListeners: `{{call}} removes {{removed}} from {{receiver}} ({{what}}), including the ones Node itself keeps there ({{nodeListeners}}): without them {{consequence}}. ${REMEDY}`,
      mayStripNodeListeners: `{{call}} removes {{removed}} from {{receiver}} ({{what}}). If it is {{noun}}, that includes the ones Node itself keeps there ({{nodeListeners}}): without them {{consequence}}. ${REMEDY}`,
      stripsOthersListeners: `{{call}} removes {{removed}} from {{receiver}} ({{what}}), including listeners other code added, which then stop hearing its events without being told. ${REMEDY}`,
      removeOwnListeners: 'Remove only the listeners this code added to {{receiver}}: {{handlers}}.',
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ownedEmitters: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Identifiers or member paths (`bus`, `this.events`) of emitters that only this code listens to; never reported.',
          },
        },
      },
    ],
  },
  create(context, [options]) {
    if (!mayRemoveAllText(context.sourceCode.text)) return {};
    // The detector's index is built from ESLint's own traversal instead of a second walk of the file.
    const { listeners, nodes: indexedNodes } = indexedNodeCollector(context.sourceCode);
    return {
      ...listeners,
      'Program:exit'(program) {
        reportFindings(context, findUnsafeRemoveAlls(analysisInputOf(context, program, indexedNodes), options));
      },
    };
  },
});
