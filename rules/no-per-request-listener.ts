// Reports listener registrations that run once per request on an emitter that outlives the request.
import { createRule } from './utils/create-rule.js';

type Options = [];
type MessageIds = 'perRequestListener';

export default createRule<Options, MessageIds>({
  name: 'no-per-request-listener',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow adding listeners to a long-lived emitter from code that runs once per request',
      recommended: true,
      requiresTypeChecking: false,
    },
    messages: { perRequestListener: '{{message}}' },
    schema: [],
  },
  defaultOptions: [],
  create() {
    return {};
  },
});
