'use strict';
/**
 * Reference for bench/run.js: the plainest node that does the Revoke job with n8n's own client.
 * One token call per run (this.helpers.httpRequest), then one revoke per item, one after the
 * other, with the token, x-fs-ea, x-fs-userid headers and a fresh thirdTraceId. No retries, no
 * limiter, no token cache. Reads the app from the Fxiaoke API credential.
 */
const { properties, revokeAll } = require('./shared');

class FxiaokeBenchSequential {
	constructor() {
		this.description = {
			displayName: 'Fxiaoke Bench Sequential',
			name: 'fxiaokeBenchSequential',
			group: ['transform'],
			version: 1,
			description: 'Benchmark reference: token call + one this.helpers.httpRequest per item, sequential',
			defaults: { name: 'Sequential' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'fxiaokeApi', required: true }],
			properties,
		};
	}

	/** @this {any} */
	async execute() {
		return [await revokeAll(this, 1)];
	}
}

module.exports = { FxiaokeBenchSequential };
