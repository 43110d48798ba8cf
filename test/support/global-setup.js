'use strict';
// One folder per jest run for what its e2e files share (test/support/run-assets.js); the workers,
// started after this, inherit the variable.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
	process.env.FXIAOKE_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'fxiaoke-test-run-'));
};
