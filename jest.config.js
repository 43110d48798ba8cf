/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/test/**/*.test.{js,ts}'],
	testTimeout: 60_000,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
