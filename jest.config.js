/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/test/**/*.test.{js,ts}'],
	testTimeout: 60_000,
	// One test file at a time unless asked otherwise: `npm test` (scripts/test.js) runs two at a time
	// and the queue-mode suite alone. In a worker process, renewed when it grows (one jest process
	// running every file in band died with SIGSEGV here).
	maxWorkers: 1,
	workerIdleMemoryLimit: '512MB',
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
	// one folder per run for what the e2e files share: one pack, one migrated n8n home (run-assets.js)
	globalSetup: '<rootDir>/test/support/global-setup.js',
	globalTeardown: '<rootDir>/test/support/global-teardown.js',
	testSequencer: '<rootDir>/test/support/sequencer.js',
};
