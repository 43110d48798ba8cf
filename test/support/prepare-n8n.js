'use strict';
// Installs (into the cache, test/support/n8n.js) every n8n version the e2e files run, all at once:
// scripts/test.js starts it beside the first test files, so that on a clean machine the installs
// overlap the tests that need no n8n. Already installed versions return at once.
const { ensureN8n } = require('./n8n');
const { VERSION, COMPAT_VERSIONS } = require('./e2e-fixture');

Promise.all([...new Set([VERSION, ...COMPAT_VERSIONS])].map((version) => ensureN8n(version))).catch((error) => {
	// the e2e files call ensureN8n themselves and report the failure where it matters
	process.stderr.write(`preparing n8n failed: ${error.message.split('\n')[0]}\n`);
	process.exitCode = 1;
});
