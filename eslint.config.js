// Lints this project itself: typescript-eslint strict (type-aware) everywhere, eslint-plugin-eslint-plugin on the rules.
import eslint from '@eslint/js';
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    name: 'listener-leak/ignores',
    ignores: ['dist/', 'node_modules/', 'examples/', 'bench/corpus/', 'coverage/', 'test/**/fixtures/', 'tmp-try/', '*.mjs', 'bench/*.mjs'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    name: 'listener-leak/typed',
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    name: 'listener-leak/rules',
    files: ['rules/**/*.ts'],
    ...eslintPlugin.configs.recommended,
  },
  {
    name: 'listener-leak/config-file',
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
