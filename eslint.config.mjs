// n8n's community-node lint (the composition of `@n8n/node-cli` 0.48's config, rebuilt here from
// its parts because node-cli itself pulls in LangChain and hundreds of packages we never run).
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

// Not aiming at n8n Cloud (one service per package rules it out), so the Cloud-only import and
// globals restrictions are off; everything else of the community rules applies.
const community = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{ ignores: ['dist/**', '.build/**', 'node_modules/**', 'coverage/**', '.n8n-e2e/**'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, community],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		files: ['package.json'],
		extends: [community],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.community.rules,
			// zod is the package's one runtime dependency: it validates every server answer, and
			// users install through the Community Nodes panel, which runs npm and installs it.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// The core is shared with the Deno scripts, so it cannot import n8n-workflow: it throws its
		// own typed errors, which the item loop (nodes/shared/n8n/items.ts) turns into NodeApiError
		// or NodeOperationError. The n8n transport hands errors to the core in the core's terms.
		files: ['nodes/shared/core/**/*.ts', 'nodes/shared/providers/**/*.ts', 'nodes/shared/n8n/transport.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// Test code and the Node-side tools may use timers, process and the console.
		files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
	{
		// The command-line tool and its tests are not n8n nodes: they throw their own errors (which
		// become exit codes), and the tests start the tool as a subprocess.
		files: ['scripts/**/*.ts', 'test/scripts/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off', '@n8n/community-nodes/no-dangerous-functions': 'off' },
	},
	{
		// The action node's only webhook is a restart webhook (Run Flow and Wait "By Callback"): n8n
		// never registers it with a third party, so checkExists/create/delete would be dead code.
		// n8n's own nodes with restart webhooks (Wait, GitHub dispatch-and-wait) have none either.
		files: ['nodes/VisionatrixTask/VisionatrixTask.node.ts'],
		rules: { '@n8n/community-nodes/webhook-lifecycle-complete': 'off' },
	},
	{
		// The end-to-end harness starts n8n, n8n workers and Redis as processes, and gives the
		// throwaway n8n instances a fixed encryption key; none of it ships in the package.
		files: ['test/e2e/**/*.ts'],
		rules: { '@n8n/community-nodes/no-dangerous-functions': 'off', '@n8n/community-nodes/no-hardcoded-secrets': 'off' },
	},
);
