// Prints the ten slowest test files with their seconds (so that growth is seen when it happens), then
// the one line CI reads: "N passed, N failed" (jest's own summary is not read). Under scripts/test.js
// (npm test), which runs jest in two lanes, that script prints both for the whole run.
const path = require('node:path');

const SHOWN = 10;

class SummaryReporter {
	constructor(globalConfig) {
		this.rootDir = globalConfig.rootDir;
	}

	onRunComplete(_contexts, results) {
		// scripts/test.js runs jest in lanes and prints the whole run's lines itself
		if (process.env.FXIAOKE_TEST_LANES) return;
		const files = results.testResults
			.map((r) => ({ file: path.relative(this.rootDir, r.testFilePath), seconds: (r.perfStats.end - r.perfStats.start) / 1000 }))
			.sort((a, b) => b.seconds - a.seconds);
		const wall = (Date.now() - results.startTime) / 1000;
		const lines = [`\nSlowest test files (of ${files.length}; whole run ${wall.toFixed(0)} s):`];
		for (const { file, seconds } of files.slice(0, SHOWN)) lines.push(`${seconds.toFixed(1).padStart(8)} s  ${file}`);
		process.stdout.write(`${lines.join('\n')}\n`);
		const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
		process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
	}
}

module.exports = SummaryReporter;
