import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'data/', 'bin/', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An un-awaited promise in a consumer is a lost ack or an unhandled rejection.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/test return promises the runner itself awaits.
          allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'suite', 'test'], package: 'node:test' }],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Vigil's own SSH clients load ssh2 through lib/ssh/ssh2.ts, which pools its packets' random
    // padding. The host simulator stands in for the hosts' sshd and keeps stock ssh2.
    files: ['services/**/*.ts', 'lib/**/*.ts', 'cli/**/*.ts'],
    ignores: ['lib/ssh/ssh2.ts', 'lib/simulator/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'ssh2', allowTypeImports: true, message: "import ssh2's values from lib/ssh/ssh2.ts (types may come from 'ssh2')" }],
      }],
    },
  },
);
