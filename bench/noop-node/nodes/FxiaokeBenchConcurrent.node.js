'use strict';
/**
 * Reference for bench/run.js: the same minimal job as FxiaokeBenchSequential (token call, then one
 * this.helpers.httpRequest per item; no retries, no limiter, no token cache, no checks) but with
 * 5 requests in flight, like the Fxiaoke node's default. The lowest time any node that reads the
 * same parameters and goes through n8n's HTTP helper can reach; the difference to the Fxiaoke node
 * is what the Fxiaoke node's own work costs (limiter, token handling, checks, error mapping).
 */
const { properties, revokeAll } = require('./shared');

class FxiaokeBenchConcurrent {
	constructor() {
		this.description = {
			displayName: 'Fxiaoke Bench Concurrent',
			name: 'fxiaokeBenchConcurrent',
			group: ['transform'],
			version: 1,
			description: 'Benchmark reference: token call + this.helpers.httpRequest per item, 5 in flight',
			defaults: { name: 'Concurrent' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'fxiaokeApi', required: true }],
			properties,
		};
	}

	/** @this {any} */
	async execute() {
		return [await revokeAll(this, 5)];
	}
}

module.exports = { FxiaokeBenchConcurrent };
