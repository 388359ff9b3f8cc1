// The rule factory fills options in as typescript-eslint's RuleCreator does (its applyDefault is the reference here),
// without cloning the defaults for every file, and keeps the defaults from being changed by a rule.
import { ESLintUtils } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../rules/index.js';
import { createRule, withDefaults } from '../../rules/utils/create-rule.js';

const DEFAULTS = [{ threshold: 20, names: ['a'], nested: { on: true, depth: 2 } }, 'second'] as const;

describe('withDefaults', () => {
  const cases: [string, unknown[] | undefined][] = [
    ['no options at all', undefined],
    ['an empty list', []],
    ['an undefined first option', [undefined, 'given']],
    ['a partial object', [{ threshold: 5 }]],
    ['an array value, which replaces the default array', [{ names: ['b', 'c'] }]],
    ['a nested object, merged key by key', [{ nested: { depth: 9 } }]],
    ['a key the defaults lack', [{ extra: 1 }]],
    ['a non-object where the default is an object', ['text']],
    ['more options than defaults', [{}, 'x', 'dropped']],
  ];
  for (const [what, configured] of cases) {
    it(`matches typescript-eslint's applyDefault for ${what}`, () => {
      expect(withDefaults(DEFAULTS, configured)).toEqual(ESLintUtils.applyDefault(DEFAULTS, configured as never));
    });
  }

  it('merges into a fresh object, so the merged options can be changed without touching the defaults', () => {
    const merged = withDefaults([{ limit: 1, inner: { a: 1 } }], [{ inner: { b: 2 } }]) as [{ limit: number; inner: Record<string, number> }];
    merged[0].inner.c = 3;
    expect(withDefaults([{ limit: 1, inner: { a: 1 } }], [])).toEqual([{ limit: 1, inner: { a: 1 } }]);
  });
});

describe('createRule', () => {
  const rule = createRule<[{ limit?: number; names?: string[] }], 'seen'>({
    name: 'probe',
    meta: {
      type: 'problem',
      docs: { description: 'Reports the options it got', recommended: false, requiresTypeChecking: false },
      messages: { seen: '{{options}}' },
      schema: [{ type: 'object', properties: { limit: { type: 'number' }, names: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
      defaultOptions: [{ limit: 3, names: ['x'] }],
    },
    create(context, [options]) {
      return {
        Program(node) {
          context.report({ node, messageId: 'seen', data: { options: JSON.stringify(options) } });
        },
      };
    },
  });
  const lint = (ruleConfig: Linter.RuleEntry): string[] =>
    new Linter({ configType: 'flat' })
      .verify('x;', [{ plugins: { probe: { rules: { probe: rule as never } } }, rules: { 'probe/probe': ruleConfig } }])
      .map((message) => message.message);

  it("hands create() the defaults, and a configured object merged over them, through ESLint's Linter", () => {
    expect(lint('error')).toEqual(['{"limit":3,"names":["x"]}']);
    expect(lint(['error', { limit: 7 }])).toEqual(['{"limit":7,"names":["x"]}']);
    expect(lint(['error', { names: [] }])).toEqual(['{"limit":3,"names":[]}']);
  });

  it('freezes its defaults, so no rule can change them for the next file', () => {
    expect(Object.isFrozen(rule.meta.defaultOptions)).toBe(true);
    expect(Object.isFrozen(rule.meta.defaultOptions?.[0]?.names)).toBe(true);
  });

  it('links every rule of the plugin to its page in docs/rules', () => {
    for (const [name, pluginRule] of Object.entries(plugin.rules)) {
      expect(pluginRule.meta.docs?.url).toBe(`https://github.com/listener-leak/listener-leak/blob/main/docs/rules/${name}.md`);
    }
  });
});
