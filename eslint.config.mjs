// n8n's community-node lint (the composition of `@n8n/node-cli` 0.48's config, rebuilt here from
// its parts because node-cli itself pulls in LangChain and hundreds of packages we never run).
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

// Not aiming at n8n Cloud (one service per package rules it out), so the Cloud-only import and
// globals restrictions are off; everything else of the community rules applies.
const community = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

// The boundaries between the parts (README, Layout), as no-restricted-imports zones. The rule
// matches an import as it is written (`../../core/job.ts`), not the file it resolves to, hence the
// regular expressions. ESLint keeps only the last setting of a rule that matches a file, so every
// zone lists all the restrictions of its files, and a later zone replaces an earlier one.
const NODE_BUILTINS = {
	regex: `^(node:|(${builtinModules.filter((name) => !name.includes('/')).join('|')})(/|$))`,
	message:
		'Node built-ins only in scripts/runtime/ (through CliRuntime): the CLI runs under Deno too, the core and the providers in n8n and Deno.',
};
const N8N = {
	regex: '^(@n8n/|n8n-)|(^|/)n8n/',
	message: 'Nothing of n8n here (no n8n package, nothing of nodes/shared/n8n): this code also runs in the command-line tool, under Deno.',
};
const TEST_CODE = {
	regex: '(^|/)test/',
	message: 'Scripts import no test code; what a script needs moves out of test/ (only the development tools may, see below).',
};

/**
 * Keeps the files under `top` inside it: a file `depth` folders down leaves `top` with
 * `depth + 1` "../", which is refused unless it heads for `allowed` (seen from the folder above `top`).
 */
function confinedTo(top, message, allowed) {
	const deepest = 3; // a deeper folder would be unchecked: raise this
	return Array.from({ length: deepest + 1 }, (_, depth) => ({
		files: [`${top}/${'*/'.repeat(depth)}*.ts`],
		pattern: { regex: `^(\\.\\./){${depth + 1}}${allowed ? `(?!${allowed})` : ''}`, message },
	}));
}

const importZones = [
	{ files: ['**/*.ts'], restricted: [NODE_BUILTINS] },
	...confinedTo('nodes/shared/core', 'The core imports only its own files: no provider, nothing of n8n (nodes/shared/n8n, the nodes).').map(
		({ files, pattern }) => ({ files, restricted: [NODE_BUILTINS, N8N, pattern] }),
	),
	...confinedTo('nodes/shared/providers/*', 'A provider imports only its own files and the core: no other provider, nothing of n8n.', '\\.\\./core/').map(
		({ files, pattern }) => ({ files, restricted: [NODE_BUILTINS, N8N, pattern] }),
	),
	{ files: ['scripts/**/*.ts'], restricted: [NODE_BUILTINS, N8N, TEST_CODE] },
	{ files: ['scripts/runtime/**/*.ts'], restricted: [N8N, TEST_CODE] },
	// Development tools, run only under Node from a checkout and never shipped in dist/: the demo
	// (`npm run demo`) and `npm start` (scripts/start.ts, scripts/start/) start the bundled
	// simulators and the end-to-end harness's n8n, which live under test/ because the tests drive
	// them too (each entry point's header says so). Tests and the benchmark may import anything.
	{ files: ['scripts/demo.ts', 'scripts/start.ts', 'scripts/start/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'], restricted: [] },
].map(({ files, restricted }) => ({
	files,
	rules: { 'no-restricted-imports': restricted.length > 0 ? ['error', { patterns: restricted }] : 'off' },
}));

// Code that runs under Node, Deno and n8n alike reaches no runtime's globals either: those are
// scripts/runtime/'s (CliRuntime) or the n8n edge's business.
const RUNTIME_GLOBAL = 'Runtime-neutral code: go through CliRuntime (scripts/runtime/) or the n8n edge (nodes/shared/n8n/).';
const runtimeNeutral = {
	files: ['nodes/shared/core/**/*.ts', 'nodes/shared/providers/**/*.ts', 'scripts/genflows.ts', 'scripts/cli/**/*.ts'],
	rules: {
		'no-restricted-globals': ['error', ...['process', 'Buffer', 'Deno', '__dirname', '__filename'].map((name) => ({ name, message: RUNTIME_GLOBAL }))],
		'no-restricted-properties': ['error', ...['process', 'Buffer', 'Deno'].map((property) => ({ object: 'globalThis', property, message: RUNTIME_GLOBAL }))],
	},
};

export default tseslint.config(
	{ ignores: ['dist/**', '.build/**', 'node_modules/**', 'coverage/**', '.n8n-e2e/**', '.n8n-start/**'] },
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
	...importZones,
	runtimeNeutral,
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
	{
		// The benchmark measures each download in a fresh Node process; it never ships either.
		files: ['bench/**/*.ts'],
		rules: { '@n8n/community-nodes/no-dangerous-functions': 'off' },
	},
);
