// Reports raising the listener limit (`setMaxListeners(0 | Infinity | large)`, `events.setMaxListeners`,
// `EventEmitter.defaultMaxListeners = n`), which hides MaxListenersExceededWarning instead of fixing the
// registration behind it. The logic lives in src/analysis/max-listeners.ts.
import type { TSESTree } from '@typescript-eslint/utils';
import {
  DEFAULT_THRESHOLD,
  findMaxListenersSuppressions,
  mayRaiseMaxListenersText,
  type MaxListenersFindingKind,
} from '../src/analysis/max-listeners.js';
import { createRule } from './utils/create-rule.js';
import { analysisInputOf, indexedNodeCollector, reportFindings } from './utils/detector-rule.js';

type Options = [
  {
    threshold?: number;
  },
];
type MessageIds = MaxListenersFindingKind;

const WHY = 'that warning is how a listener leak shows itself, and this hides it instead of fixing the code that adds the listeners.';
const REMEDY =
  'Find that code (run with `node --trace-warnings`, or watch the emitter with watchListeners from `listener-leak/runtime`), then add the listener once per emitter or remove it when its work is done.';

export default createRule<Options, MessageIds>({
  name: 'no-max-listeners-suppression',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow raising or removing the listener limit to silence MaxListenersExceededWarning',
      recommended: true,
      requiresTypeChecking: false,
    },
    messages: {
      raisesEmitterLimit: `{{code}} {{effect}} for {{target}}: ${WHY} ${REMEDY}`,
      raisesDefaultLimit: `{{code}} {{effect}} for every emitter in the process, Node's own sockets and agents included: ${WHY} ${REMEDY}`,
    },
    defaultOptions: [{ threshold: DEFAULT_THRESHOLD }],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          threshold: {
            type: 'integer',
            minimum: 1,
            description: `The smallest limit reported for one emitter (\`x.setMaxListeners(n)\`, \`events.setMaxListeners(n, x)\`); 0 and Infinity always are.`,
          },
        },
      },
    ],
  },
  create(context, [options]) {
    if (!mayRaiseMaxListenersText(context.sourceCode.text)) return {};
    const { listeners, nodes: indexedNodes } = indexedNodeCollector(context.sourceCode);
    const updateExpressions: TSESTree.UpdateExpression[] = [];
    return {
      ...listeners,
      UpdateExpression(node) {
        updateExpressions.push(node);
      },
      'Program:exit'(program) {
        reportFindings(context, findMaxListenersSuppressions({ ...analysisInputOf(context, program, indexedNodes), updateExpressions }, options));
      },
    };
  },
});
