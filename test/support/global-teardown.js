'use strict';
const fs = require('node:fs');

module.exports = async () => {
	const dir = process.env.FXIAOKE_TEST_RUN_DIR;
	if (dir && !process.env.E2E_KEEP_HOME) fs.rmSync(dir, { recursive: true, force: true });
};
