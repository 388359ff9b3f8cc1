// The rule factory: every rule's docs URL points at its page in docs/rules, and its create() gets the options with
// their defaults filled in.
//
// typescript-eslint's RuleCreator does the same, but fills the defaults in with structuredClone on every file, and
// that one call cost more than the rest of the rule does on a file without a registration: about 20 µs a file in a
// lint (under 1 µs in a loop on its own), or some 130 ms over the 1,900 files of the benchmark corpus. This factory
// merges into fresh objects instead and never clones the defaults: they are frozen once here, so no rule can change
// them for the next file.
import type { ESLintUtils, TSESLint } from '@typescript-eslint/utils';

export interface ListenerLeakDocs {
  description: string;
  recommended: boolean;
  requiresTypeChecking: boolean;
}

const docsUrl = (name: string): string => `https://github.com/listener-leak/listener-leak/blob/main/docs/rules/${name}.md`;

export function createRule<Options extends readonly unknown[], MessageIds extends string>({
  name,
  meta,
  create,
}: Readonly<ESLintUtils.RuleWithMetaAndName<Options, MessageIds, ListenerLeakDocs>>): TSESLint.RuleModule<MessageIds, Options, ListenerLeakDocs> & {
  name: string;
} {
  const defaults = deepFreeze(meta.defaultOptions ?? ([] as unknown as Options));
  return {
    name,
    meta: { ...meta, docs: { ...meta.docs, url: docsUrl(name) } },
    create: (context) => create(context, withDefaults(defaults, context.options)),
  };
}

/**
 * The options a rule was configured with, over its defaults: typescript-eslint's `applyDefault` without the clone.
 * Each default's position takes the configured value, merged into it when both are plain objects. (ESLint 9.15 and
 * later fill meta.defaultOptions in already; earlier versions do not, so the rule still does.)
 */
export function withDefaults<Options extends readonly unknown[]>(defaults: Options, configured: readonly unknown[] | undefined): Options {
  return defaults.map((value, i) => {
    const given = configured?.[i];
    if (given === undefined || given === value) return value;
    return isPlainObject(value) && isPlainObject(given) ? mergeObjects(value, given) : given;
  }) as unknown as Options;
}

function mergeObjects(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const key of Object.keys(over)) {
    const value = over[key];
    const current = merged[key];
    merged[key] = key in base && isPlainObject(current) && isPlainObject(value) ? mergeObjects(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
