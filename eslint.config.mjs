// Layering (see README "Code map"): shared <- core <- {main, serve, cli}; serve <- cli <- harness-bench;
// shared <- preload; shared <- renderer.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electron = { name: 'electron', message: 'Only src/main and src/preload may import electron.' };
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This layer runs without Node: no Node built-ins.' }));
const coreOnly = { group: ['**/serve/**', '**/cli/**', '**/harness-bench/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'core may depend on shared only.' };
// Only src/core/environments/registry.ts (and dind, on docker) reaches into an environment's folder.
const environmentFolders = { regex: '(^|/)environments/(native|docker|dind|nix|devbox)(/|$)', message: 'Reach environments through src/core/environments/registry.ts (or the contract in runtime.ts), not their folders.' };
const otherEnvironmentFolders = { regex: '^\\.{1,2}/(native|docker|dind|nix|devbox)/', message: 'An environment folder imports no other (dind and remote may use docker): share through src/core/environments/*.ts.' };
const usersOfEnvironments = { regex: '(^|/)(bench|report|export|history|workbench|scenarios|import|stats)/', message: 'Environments never import what uses them (the run engine, scenarios, reports, exports, history, the workbench).' };

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
  // CommonJS scripts (the CLI launcher) load modules with require.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron, ...noNode],
        patterns: [{ group: ['**/core/**', '**/serve/**', '**/cli/**', '**/harness-bench/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'shared depends on nothing.' }],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [coreOnly],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/environments/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [coreOnly, environmentFolders] }],
    },
  },
  {
    // The environments: the registry is the one door into their folders; they build on core's
    // lower layers (machine, measure, workspace) and never on what uses them.
    files: ['src/core/environments/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [coreOnly, usersOfEnvironments, otherEnvironmentFolders],
      }],
    },
  },
  {
    files: ['src/core/environments/registry.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [coreOnly, usersOfEnvironments] }],
    },
  },
  {
    // Docker-in-Docker runs the docker runtime's image, client and labels inside its own daemon;
    // a remote host's docker runs them on that host's engine (remote/).
    files: ['src/core/environments/dind/**/*.ts', 'src/core/environments/remote/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [coreOnly, usersOfEnvironments, { regex: '^\\.\\./(native|nix|devbox)/', message: 'An environment folder imports no other (dind and remote may use docker): share through src/core/environments/*.ts.' }],
      }],
    },
  },
  {
    // The IPC contract over HTTP for the renderer in a browser: a transport over core, as src/main's IPC handlers are.
    files: ['src/serve/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [{ group: ['**/cli/**', '**/harness-bench/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'serve is a transport over core: it may depend on core and shared only.' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [{ group: ['**/harness-bench/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'The CLI is a shell over core.' }],
      }],
    },
  },
  {
    // `npm run bench`: measures the harness through the CLI's core and the app through serve's bridge.
    files: ['src/harness-bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [{ group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'The harness benchmark is a shell over core, serve and the CLI.' }],
      }],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/serve/**', '**/cli/**', '**/harness-bench/**', '**/renderer/**'], message: 'main is a shell over core.' }],
      }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          // shared/ipc/contract: its channel lists (the contract imports only types, so no schema comes with them).
          { regex: '(^|/)shared/(?!ipc/contract$)', allowTypeImports: true, message: 'preload takes only types from shared (and the contract\'s channel lists).' },
          { group: ['**/core/**', '**/serve/**', '**/cli/**', '**/harness-bench/**', '**/main/**', '**/renderer/**'], message: 'preload depends on shared types only.' },
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
          // shared/format holds pure formatting (units, machine keys) the renderer may run as is; shared/ipc/terminal-frame the
          // WebSocket's binary frame codec (bridge-client.ts).
          { regex: '(^|/)shared/(?!format/|i18n/|ipc/terminal-frame|terminal-flood)', allowTypeImports: true, message: 'renderer takes only types from shared (and shared/format, shared/i18n, the terminal frame codec and the flood cut).' },
          { group: ['**/core/**', '**/serve/**', '**/cli/**', '**/harness-bench/**', '**/main/**', '**/preload/**'], message: 'renderer talks to core through the IPC contract only.' },
        ],
      }],
    },
  },
);
