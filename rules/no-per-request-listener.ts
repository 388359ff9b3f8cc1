// Reports listener registrations that run once per request (or per tick, per reconnect) on an emitter that
// outlives that run, with no removal or registry guard to pair them. The detector lives in src/analysis.
import type { TSESLint } from '@typescript-eslint/utils';
import { analyzeFile, mayRegisterText, type DetectorOptions, type FindingKind, type SuggestionId } from '../src/analysis/index.js';
import { resolve } from 'node:path';
import { analyzeProgram } from '../src/analysis/project.js';
import { createTypeOracle } from '../src/analysis/types.js';
import { createRule } from './utils/create-rule.js';
import { analysisInputOf, indexedNodeCollector, reportFindings } from './utils/detector-rule.js';
import { sharedParseFor } from './utils/shared-parser.js';

type Options = [
  {
    perRequestFunctions?: string[];
    setupFunctions?: string[];
    longLivedReceivers?: string[];
    ignoreEvents?: string[];
    typeChecked?: boolean;
  },
];
type MessageIds = FindingKind | SuggestionId;

const REMEDY = 'Attach it once per emitter with a WeakMap registry (see `listener-leak codemod registry`), or remove it when the request ends.';
const TEARDOWN_REMEDY =
  'Keep the listener in a field, remove the previous one before adding it again, and remove it in {{teardown}} (see `listener-leak codemod teardown`).';

export default createRule<Options, MessageIds>({
  name: 'no-per-request-listener',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow adding listeners to a long-lived emitter from code that runs once per request',
      recommended: true,
      requiresTypeChecking: false,
    },
    // The suggestions go out through reportFindings (utils/detector-rule.ts), which this lint rule cannot follow.
    // eslint-disable-next-line eslint-plugin/require-meta-has-suggestions
    hasSuggestions: true,
    messages: {
      perRequestListener: `A listener for {{event}} is added to {{receiver}} ({{lifetime}}) in code that runs {{context}}. Nothing removes it before that code runs again, so listeners pile up until the emitter closes. ${REMEDY}`,
      onceOnLongLived: `A once({{event}}) listener is added to {{receiver}} ({{lifetime}}) in code that runs {{context}}. A once listener goes away only when {{event}} fires, and that is not once per request, so these pile up just like on(). ${REMEDY}`,
      removedWithDifferentFunction:
        "The {{event}} listener added to {{receiver}} in code that runs {{context}} is removed at line {{removalLine}} with a different function, which removes nothing: an inline function or a .bind() call makes a new function every time. Keep the listener in a variable and pass that same variable to the removal.",
      removedOnlyOnClose: `The {{event}} listener added to {{receiver}} ({{lifetime}}) in code that runs {{context}} is removed only when {{receiver}} emits '{{closeEvent}}' (line {{removalLine}}), which happens once per emitter, not once per request. ${REMEDY}`,
      removedTooLate:
        "The {{event}} listener added to {{receiver}} ({{lifetime}}) in code that runs {{context}} is removed at line {{removalLine}}, which does not run before that code runs again. Remove it when the request ends (in a finally block or on the response's 'close'), or attach it once per emitter with a WeakMap registry.",
      removeAllListenersIsNotAFix:
        "removeAllListeners at line {{removalLine}} does not fix the {{event}} listener added to {{receiver}} in code that runs {{context}}: it also strips the listeners Node itself keeps on {{receiver}}, so a response cut short never ends. Attach the listener once per emitter with a WeakMap registry instead.",
      lifecycleListener: `A listener for {{event}} is added to {{receiver}} ({{lifetime}}) in code that runs {{context}}, and {{teardown}} does not remove it: each run adds one more, and the last one outlives the client. ${TEARDOWN_REMEDY}`,
      removedOutsideTeardown: `The {{event}} listener added to {{receiver}} ({{lifetime}}) in code that runs {{context}} is removed at line {{removalLine}} in {{removalFunction}}, which is not the teardown and does not run before that code runs again; {{teardown}} does not remove it. ${TEARDOWN_REMEDY}`,
      removedOnlyInTeardown:
        "The {{event}} listener added to {{receiver}} ({{lifetime}}) in code that runs {{context}} is removed only in {{teardown}} (line {{removalLine}}), and the reconnect runs that code again without {{teardown}}, so each reconnect adds one more. Remove the previous listener before adding it again (see `listener-leak codemod teardown`).",
      reconnectsAfterTeardown:
        "{{teardown}} closes {{object}}, but the {{event}} listener added to it at line {{listenerLine}} then runs {{reconnect}} (line {{reconnectLine}}), which creates {{object}} again: the client reconnects after it was told to stop. Set a flag in {{teardown}} (`this.closing = true`) and check it in that listener, or remove the listener before closing.",
      guardWithWeakSet: "Add the {{event}} listener once per emitter: guard it with the module-level WeakSet {{setName}}.",
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
          typeChecked: {
            description:
              'Use type information (set by the recommended-type-checked config; needs parserOptions.projectService): receivers are classified by their types, registrations on non-emitters are dropped, and calls are followed into other files of the program.',
            type: 'boolean',
          },
        },
      },
    ],
  },
  create(context, [options]) {
    // Most files of a project never add a listener: a look at the text spares them every listener below.
    if (!mayRegisterText(context.sourceCode.text)) return {};
    // The options go to the detector as ESLint hands them over (it ignores typeChecked): for a rule set by severity
    // alone that is one object for every file, and the detector makes its settings for an options object once.
    const typed = options.typeChecked === true ? typedAnalysis(context, options) : null;
    // The detector's index is built from ESLint's own traversal instead of a second walk of the file.
    const { listeners, nodes: indexedNodes } = indexedNodeCollector(context.sourceCode);
    return {
      ...listeners,
      'Program:exit'(program) {
        const { findings } = analyzeFile(
          { ...analysisInputOf(context, program, indexedNodes), ...(typed ? { types: typed.types } : {}) },
          typed ? { ...options, externalCallers: typed.externalCallers } : options,
        );
        reportFindings(context, findings);
      },
    };
  },
});

/**
 * The type-checked mode: TypeScript's view of receivers, and the calls into this file from repeating code in the
 * rest of the program. Without type information it stops with what to configure, never silently running untyped.
 */
function typedAnalysis(context: Readonly<TSESLint.RuleContext<MessageIds, Options>>, options: DetectorOptions) {
  const services = context.sourceCode.parserServices;
  if (!services?.program || !services.esTreeNodeToTSNodeMap) {
    throw new Error(
      `listener-leak/no-per-request-listener: the option typeChecked (set by configs['recommended-type-checked']) needs type information, and ${context.filename} was parsed without it. ` +
        "Use typescript-eslint's parser with languageOptions.parserOptions.projectService: true (and tsconfigRootDir), or use configs.recommended.",
    );
  }
  const map = services.esTreeNodeToTSNodeMap;
  const types = createTypeOracle(services.program, (node) => map.get(node as never));
  const path = resolve(context.filename);
  // The project pass reads this file from ESLint's parse rather than parsing it again.
  const { sourceCode } = context;
  const input = { ast: sourceCode.ast, scopeManager: sourceCode.scopeManager!, text: sourceCode.text };
  // With the config's own parser, the pass parses the files it needs as ESLint will, and ESLint then reuses them.
  const parse = sharedParseFor(context.languageOptions.parser, path, services.program);
  const externalCallers = analyzeProgram(services.program, options, { linted: { path, input }, parse }).callers.get(path) ?? [];
  return { types, externalCallers };
}
