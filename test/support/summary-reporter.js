// Ends a jest run with the ten slowest files and the one line CI reads, "N passed, N failed" (jest's
// own summary is not read; see summary.js). Under scripts/test.js (npm test), which runs jest in two
// lanes, that script prints them for the whole run instead.
const path = require('node:path');

const { summaryText } = require('./summary');

class SummaryReporter {
	constructor(globalConfig) {
		this.rootDir = globalConfig.rootDir;
	}

	onRunComplete(_contexts, results) {
		if (process.env.FXIAOKE_TEST_LANES) return;
		const files = results.testResults.map((r) => ({ file: path.relative(this.rootDir, r.testFilePath), seconds: (r.perfStats.end - r.perfStats.start) / 1000 }));
		const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
		process.stdout.write(summaryText({ files, seconds: (Date.now() - results.startTime) / 1000, passed: results.numPassedTests, failed }));
	}
}

module.exports = SummaryReporter;
