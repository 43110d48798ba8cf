'use strict';
/**
 * Reference for bench/run.js: the plainest node that does the Revoke job with n8n's own client.
 * One token call per run (this.helpers.httpRequest), then one revoke per item, one after the
 * other, with the token, x-fs-ea, x-fs-userid headers and a fresh thirdTraceId. No retries, no
 * limiter, no token cache. Reads the app from the Fxiaoke API credential.
 */
const { randomUUID } = require('node:crypto');
const { properties, readRunParameters, readItem } = require('./shared');

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
		const items = this.getInputData();
		readRunParameters(this);
		const credentials = await this.getCredentials('fxiaokeApi');
		const baseUrl = String(credentials.cloud === 'custom' ? credentials.customUrl : credentials.cloud).replace(/\/+$/, '');
		const token = await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/oauth2.0/token`,
			qs: { thirdTraceId: randomUUID() },
			body: {
				appId: credentials.appId,
				appSecret: credentials.appSecret,
				permanentCode: credentials.permanentCode,
				grantType: 'app_secret',
			},
			json: true,
		});
		if (!token || token.errorCode !== 0) throw new Error(`token call failed: errorCode ${token && token.errorCode}`);
		const headers = {
			authorization: `Bearer ${token.accessToken}`,
			'x-fs-ea': token.ea,
			'x-fs-userid': String(credentials.userId),
		};
		const output = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const body = readItem(this, itemIndex);
			const json = await this.helpers.httpRequest({
				method: 'POST',
				url: `${baseUrl}/cgi/app/message/revoke`,
				qs: { thirdTraceId: randomUUID() },
				headers,
				body,
				json: true,
			});
			output.push({ json, pairedItem: { item: itemIndex } });
		}
		return [output];
	}
}

module.exports = { FxiaokeBenchSequential };
