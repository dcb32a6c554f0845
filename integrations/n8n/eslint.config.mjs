// n8n's linter for community nodes (eslint-plugin-n8n-nodes-base), as n8n's node starter configures it:
// the `community` rules on package.json, the `credentials` rules on credentials/, the `nodes` rules on nodes/.
// `npm run check` runs it (`npm run lint:n8n`); the files it reads are generated, so a finding is fixed in
// scripts/lib/n8n-package.ts, never by hand.
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tsParser from '@typescript-eslint/parser';
import * as jsoncParser from 'jsonc-eslint-parser';

const plugins = { 'n8n-nodes-base': n8nNodesBase };

export default [
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'src/**'] },
  {
    files: ['package.json'],
    languageOptions: { parser: jsoncParser },
    plugins,
    rules: n8nNodesBase.configs.community.rules,
  },
  {
    files: ['credentials/**/*.ts'],
    languageOptions: { parser: tsParser, sourceType: 'module' },
    plugins,
    rules: {
      ...n8nNodesBase.configs.credentials.rules,
      // "Only applicable to nodes in the main repository" (the rule's own words): there documentationUrl is a
      // slug of docs.n8n.io; a community credential links an HTTP URL (cred-class-field-documentation-url-not-http-url).
      'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
    },
  },
  {
    files: ['nodes/**/*.ts'],
    languageOptions: { parser: tsParser, sourceType: 'module' },
    plugins,
    rules: n8nNodesBase.configs.nodes.rules,
  },
];
