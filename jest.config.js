/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/test/**/*.test.{js,ts}'],
	testTimeout: 60_000,
	// One test file at a time: the end-to-end suites start several n8n processes and the queue-mode
	// suite measures wall time against Fxiaoke's limit; the machine has 2 cores. In a worker process,
	// renewed when it grows (one jest process running every file in band died with SIGSEGV here).
	maxWorkers: 1,
	workerIdleMemoryLimit: '512MB',
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
