// Layering (see README "Code map"): shared <- core <- {main, cli}; shared <- preload; shared <- renderer.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electron = { name: 'electron', message: 'Only src/main and src/preload may import electron.' };
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This layer runs without Node: no Node built-ins.' }));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**', 'build/native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron, ...noNode],
        patterns: [{ group: ['**/core/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'shared depends on nothing.' }],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [{ group: ['**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'core may depend on shared only.' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [{ group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'The CLI is a shell over core.' }],
      }],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/cli/**', '**/renderer/**'], message: 'main is a shell over core.' }],
      }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/shared/**'], allowTypeImports: true, message: 'preload takes only types from shared.' },
          { group: ['**/core/**', '**/cli/**', '**/main/**', '**/renderer/**'], message: 'preload depends on shared types only.' },
        ],
      }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [electron, ...noNode] }],
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          // shared/format holds pure formatting (units, machine keys) the renderer may run as is.
          { regex: '(^|/)shared/(?!format/)', allowTypeImports: true, message: 'renderer takes only types from shared (and shared/format).' },
          { group: ['**/core/**', '**/cli/**', '**/main/**', '**/preload/**'], message: 'renderer talks to core through the IPC contract only.' },
        ],
      }],
    },
  },
);
