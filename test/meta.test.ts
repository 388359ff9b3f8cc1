// The plugin's shape, as users and eslint-doc-generator see it: every rule exported, documented, tested,
// in the recommended config, and every example in its doc behaving as the doc says.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../rules/index.js';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const ruleFiles = readdirSync(join(root, 'rules'))
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
  .map((file) => file.slice(0, -3));
const ruleIds = Object.keys(plugin.rules);

describe('plugin', () => {
  it('names itself from package.json', () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version, namespace: 'listener-leak' });
  });

  it('has a rule file for every rule and a rule for every file', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect([...ruleIds].sort()).toEqual([...ruleFiles].sort());
  });

  it('offers flat configs with names, recommended and its flat/ alias', () => {
    expect(plugin.configs.recommended.name).toBe('listener-leak/recommended');
    expect(plugin.configs['flat/recommended']).toBe(plugin.configs.recommended);
    expect(plugin.configs.recommended.plugins?.['listener-leak']).toBe(plugin);
  });
});

describe.each(ruleFiles)('rule %s', (id) => {
  const docPath = join(root, 'docs', 'rules', `${id}.md`);
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';

  it('is in the recommended config when its docs say so', () => {
    const rule = plugin.rules[id as keyof typeof plugin.rules];
    const inConfig = plugin.configs.recommended.rules?.[`listener-leak/${id}`];
    const recommended = rule.meta.docs?.recommended === true;
    expect(recommended ? inConfig : undefined).toBe(recommended ? 'error' : undefined);
  });

  it('is documented with why, examples, options and when not to use it', () => {
    expect(doc).toContain(`# listener-leak/${id}`);
    for (const heading of ['## Why', '### ❌ Incorrect', '### ✅ Correct', '## Options', '## When not to use it']) {
      expect(doc).toContain(heading);
    }
  });

  it('has a test file', () => {
    const tests = readdirSync(join(root, 'test', 'rules')).filter((file) => file.startsWith(`${id}.`) && file.endsWith('.test.ts'));
    expect(tests.length).toBeGreaterThan(0);
  });

  const examples = (heading: string): string[] => {
    const start = doc.indexOf(heading);
    if (start === -1) return [];
    const next = doc.indexOf('\n#', start + heading.length);
    const section = doc.slice(start, next === -1 ? undefined : next);
    return [...section.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((match) => match[1]!);
  };
  const lint = (code: string) =>
    new Linter({ configType: 'flat' })
      .verify(code, [{ files: ['**/*.js'], plugins: { 'listener-leak': plugin as never }, rules: { [`listener-leak/${id}`]: 'error' } }], 'example.js');

  it.each(examples('### ❌ Incorrect').map((code, i) => [i + 1, code] as const))('reports ❌ example %i', (_, code) => {
    const messages = lint(code);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    expect(messages.filter((m) => m.ruleId === `listener-leak/${id}`).length).toBeGreaterThan(0);
  });

  it.each(examples('### ✅ Correct').map((code, i) => [i + 1, code] as const))('accepts ✅ example %i', (_, code) => {
    expect(lint(code)).toEqual([]);
  });
});
