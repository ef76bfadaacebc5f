// The end-to-end suite: a real n8n (installed by test/e2e/setup/install-n8n.sh) against the
// simulators. One file at a time: each boots n8n processes, and the machines have two cores.
const unit = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
	...unit,
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	// Node's environment, plus removing a test file's temporary n8n folders once the file passed.
	testEnvironment: '<rootDir>/test/e2e/harness/environment.ts',
	maxWorkers: 1,
	testTimeout: 180_000,
};
