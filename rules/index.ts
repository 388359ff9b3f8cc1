// The ESLint plugin: every rule of listener-leak and the flat configs that enable them.
import type { ESLint, Linter } from 'eslint';
import { packageInfo } from '../src/package-info.js';
import noMaxListenersSuppression from './no-max-listeners-suppression.js';
import noPerRequestListener from './no-per-request-listener.js';
import noSocketRemoveAllListeners from './no-socket-remove-all-listeners.js';
import { typedParser } from './utils/shared-parser.js';

const rules = {
  'no-per-request-listener': noPerRequestListener,
  'no-socket-remove-all-listeners': noSocketRemoveAllListeners,
  'no-max-listeners-suppression': noMaxListenersSuppression,
};

// ESLint's own config type, so that `defineConfig([listenerLeak.configs.recommended])` type-checks in eslint.config.ts.
type FlatConfig = Linter.Config;

interface Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: typeof rules;
  configs: Record<'recommended' | 'flat/recommended' | 'recommended-type-checked', FlatConfig>;
}

const plugin: Plugin = {
  meta: { name: packageInfo.name, version: packageInfo.version, namespace: 'listener-leak' },
  rules,
  configs: {} as Plugin['configs'],
};

const recommended: FlatConfig = {
  name: 'listener-leak/recommended',
  plugins: { 'listener-leak': plugin as unknown as ESLint.Plugin },
  rules: {
    'listener-leak/no-per-request-listener': 'error',
    'listener-leak/no-socket-remove-all-listeners': 'error',
    'listener-leak/no-max-listeners-suppression': 'error',
  },
};

plugin.configs.recommended = recommended;
plugin.configs['flat/recommended'] = recommended;

/**
 * The same rules with type information: receivers classified by their types, registrations on non-emitters dropped,
 * and calls followed into other files of the program. Needs typescript-eslint's parser with type information.
 */
plugin.configs['recommended-type-checked'] = {
  name: 'listener-leak/recommended-type-checked',
  plugins: recommended.plugins,
  languageOptions: { parser: typedParser, parserOptions: { projectService: true } },
  rules: { ...recommended.rules, 'listener-leak/no-per-request-listener': ['error', { typeChecked: true }] },
};

export default plugin;
// require('listener-leak') from CommonJS (Node >= 20.19 loads this ES module) returns the plugin, not a namespace.
export { plugin as 'module.exports' };
