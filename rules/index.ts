// The ESLint plugin: every rule of listener-leak and the flat configs that enable them.
import type { TSESLint } from '@typescript-eslint/utils';
import { packageInfo } from '../src/package-info.js';
import noPerRequestListener from './no-per-request-listener.js';

const rules = {
  'no-per-request-listener': noPerRequestListener,
};

type FlatConfig = TSESLint.FlatConfig.Config;

interface Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: typeof rules;
  configs: Record<'recommended' | 'flat/recommended', FlatConfig>;
}

const plugin: Plugin = {
  meta: { name: packageInfo.name, version: packageInfo.version, namespace: 'listener-leak' },
  rules,
  configs: {} as Plugin['configs'],
};

const recommended: FlatConfig = {
  name: 'listener-leak/recommended',
  plugins: { 'listener-leak': plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: {
    'listener-leak/no-per-request-listener': 'error',
  },
};

plugin.configs.recommended = recommended;
plugin.configs['flat/recommended'] = recommended;

export default plugin;
