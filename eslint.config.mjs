import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.test-cache/**', 'dist-vsix/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // `import { z }` pulls every zod locale into the bundle; the namespace import lets esbuild drop them.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod'` (keeps the bundle small).",
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'vscode',
            '@anthropic-ai/sdk',
            'exa-js',
          ],
        },
      ],
    },
  },
  {
    // Bundled into both the extension and the webview: neither VS Code, nor Node, nor an SDK,
    // nor the full zod (zod/mini is a fraction of its size in the webview).
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', '@anthropic-ai/sdk', 'exa-js', { name: 'zod', message: "Use 'zod/mini' in code bundled into the webview." }],
          patterns: ['node:*', '../core/*', '../vscode/*', '../providers/*'],
        },
      ],
    },
  },
  {
    // The webview: what it imports from the extension's side comes through src/shared.
    files: ['media/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: "Use 'zod/mini' in the webview." }],
          patterns: ['**/src/core/*', '**/src/vscode/*'],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly' } },
  },
);
