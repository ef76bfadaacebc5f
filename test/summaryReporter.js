// Prints one plain closing line ("tests: N passed, N failed") that CI can read whatever the runner.
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
		process.stdout.write(`tests: ${results.numPassedTests} passed, ${failed} failed\n`);
	}
}

module.exports = SummaryReporter;
