// Lint as Temporal's TypeScript SDK and samples do: floating promises are errors everywhere, type
// imports are marked, and workflow code (the determinism zone) cannot import Node built-ins or I/O.
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.loadout/', 'dist/', 'coverage/', 'bin/', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      // `typeof import('x')` stays allowed: the comparison script types modules it loads only when present.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-debugger': 'error',
      'no-duplicate-imports': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The determinism zone: workflows are bundled and replayed; they may not touch the machine.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((name) => [
              { name, message: 'workflow code is deterministic: no Node built-ins (compute in an activity)' },
              {
                name: `node:${name}`,
                message: 'workflow code is deterministic: no Node built-ins (compute in an activity)',
              },
            ]),
            { name: '@temporalio/activity', message: 'workflows call activities through proxyActivities' },
            { name: '@temporalio/client', message: 'workflows start children with @temporalio/workflow' },
            { name: '@temporalio/worker', message: 'the worker is not workflow code' },
          ],
          patterns: [
            // Types only (they vanish from the bundle): activities through proxyActivities, plans from the warehouse planner.
            {
              group: ['**/stores/**', '**/activities/*', '!**/activities/index'],
              allowTypeImports: true,
              message: 'workflows do no I/O: import activities and stores as types only',
            },
            { group: ['@aws-sdk/*', 'pg', 'pg-*', '@duckdb/*'], message: 'workflows do no I/O' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' }],
    },
  },
);
