'use strict';
// The end of a test run's output: the ten slowest files with their seconds (so that growth is seen
// when it happens), then the one line CI reads, "N passed, N failed". Printed by the summary reporter
// (one jest run) or by scripts/test.js (npm test's two lanes).

const SHOWN = 10;

/**
 * @param {{ files: Array<{ file: string, seconds: number }>, seconds: number, passed: number, failed: number }} run
 * @returns {string}
 */
function summaryText({ files, seconds, passed, failed }) {
	const slowest = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, SHOWN);
	const lines = [`Slowest test files (of ${files.length}; whole run ${seconds.toFixed(0)} s):`];
	for (const { file, seconds: s } of slowest) lines.push(`${s.toFixed(1).padStart(8)} s  ${file}`);
	return `\n${lines.join('\n')}\n\n${passed} passed, ${failed} failed\n`;
}

module.exports = { summaryText };
