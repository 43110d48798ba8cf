'use strict';
// The order in which jest hands out test files (npm test runs two at a time, scripts/test.js):
// files that need no n8n first (on a clean machine n8n is still being installed meanwhile), then the
// end-to-end files, the one that mostly waits for n8n's minute-by-minute polls (trigger) first among
// them, so that the other lane works while it waits. Within each group jest's own order (the
// slowest first when it has timings from an earlier run).
const Sequencer = require('@jest/test-sequencer').default;

const E2E = /[\\/]test[\\/]e2e[\\/]/;
const WAITS_LONG = /[\\/]trigger\.e2e\.test\.js$/;

class FxiaokeSequencer extends Sequencer {
	sort(tests) {
		const ordered = super.sort(tests);
		const rank = (test) => (!E2E.test(test.path) ? 0 : WAITS_LONG.test(test.path) ? 1 : 2);
		return [...ordered].sort((a, b) => rank(a) - rank(b));
	}
}

module.exports = FxiaokeSequencer;
