/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite needs a real n8n; it has its own config (jest.e2e.config.js).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		// Type errors are the job of `npm run typecheck`; here each file is only transpiled.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Sources import siblings as `./x.ts` (for Deno); the compiler rewrites that to `./x.js`.
	moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
	testTimeout: 30_000,
	reporters: ['default', '<rootDir>/test/summaryReporter.js'],
};
