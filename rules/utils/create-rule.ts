// The rule factory: every rule's docs URL points at its page in docs/rules.
import { ESLintUtils } from '@typescript-eslint/utils';

export interface ListenerLeakDocs {
  description: string;
  recommended: boolean;
  requiresTypeChecking: boolean;
}

export const createRule = ESLintUtils.RuleCreator<ListenerLeakDocs>(
  (name) => `https://github.com/listener-leak/listener-leak/blob/main/docs/rules/${name}.md`,
);
