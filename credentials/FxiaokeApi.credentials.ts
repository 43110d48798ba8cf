import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CUSTOM_CLOUD, FXIAOKE_CLOUDS } from '../nodes/Fxiaoke/transport/baseUrl';
import { authenticateRequest } from '../nodes/Fxiaoke/transport/authenticate';
import { requestToken } from '../nodes/Fxiaoke/transport/token';

/** Codes the token endpoint may answer with (API.md §6.2), each with what to check. */
const TOKEN_ERRORS: Array<[number, string]> = [
	[10006, 'App Secret missing or wrong (errorCode 10006): copy it again from the app\'s Development Mode'],
	[20006, 'App ID or App Secret wrong (errorCode 20006)'],
	[20015, 'Permanent Code wrong (errorCode 20015)'],
	[20016, 'Token rejected (errorCode 20016): check that the app is enabled and its IP allow-list'],
	[20017, 'No credentials reached Fxiaoke (errorCode 20017)'],
	[20021, 'The app is disabled in this company (errorCode 20021)'],
	[20022, 'The company has not authorized this app (errorCode 20022)'],
	[15003, 'The app has no permission for this interface (errorCode 15003)'],
	[14001, 'Rate limit exceeded (errorCode 14001): try again in a minute'],
	[30004, 'Per-second frequency exceeded (errorCode 30004): try again in a minute'],
	[30002, 'The company\'s daily OpenAPI quota is used up (errorCode 30002)'],
	[30003, 'The company has not bought an OpenAPI quota (errorCode 30003)'],
	[50009, 'Fxiaoke service exception (errorCode 50009): try again later'],
	[-1, 'Fxiaoke is busy (errorCode -1): try again later'],
	[-2, 'Fxiaoke system error (errorCode -2): try again later'],
];

const TOKEN_ERROR_RULES: ICredentialTestRequest['rules'] = TOKEN_ERRORS.map(([value, message]) => ({
	type: 'responseSuccessBody',
	properties: { key: 'errorCode', value, message },
}));

export class FxiaokeApi implements ICredentialType {
	name = 'fxiaokeApi';

	displayName = 'Fxiaoke API';

	icon: Icon = { light: 'file:../nodes/Fxiaoke/fxiaoke.svg', dark: 'file:../nodes/Fxiaoke/fxiaoke.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-fxiaoke/n8n-nodes-fxiaoke/blob/main/docs/credentials.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Cloud Domain',
			name: 'cloud',
			type: 'options',
			options: [...FXIAOKE_CLOUDS, { name: 'Custom URL (Private Deployment)', value: CUSTOM_CLOUD }],
			default: FXIAOKE_CLOUDS[0].value,
			description:
				'The OpenAPI host of the cloud your company logs in on. Use Custom URL for a private deployment.',
		},
		{
			displayName: 'Custom URL',
			name: 'customUrl',
			type: 'string',
			default: '',
			placeholder: 'https://open.example.com',
			description: 'Base URL of the OpenAPI (http or https, optional path prefix, no query)',
			displayOptions: { show: { cloud: [CUSTOM_CLOUD] } },
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'FSAID_xxxxxxxx',
			description:
				'Admin console → Applications → Application Management → your self-built app → Development Mode',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown next to the App ID in the app\'s Development Mode',
		},
		// The permanent authorization code is a secret of the app, like the App Secret.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Permanent Code',
			name: 'permanentCode',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The permanent authorization code, shown in the app\'s Development Mode',
		},
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '1000',
			description:
				'Employee ID of the acting employee (sent as x-fs-userid): CRM → Personnel → the person → account info → Employee ID',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Enterprise Account',
			name: 'ea',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Token Expires At',
			typeOptions: { password: true },
			name: 'tokenExpiresAt',
			type: 'hidden',
			default: 0,
		},
		{
			displayName: 'Token Fingerprint',
			typeOptions: { password: true },
			name: 'tokenFingerprint',
			type: 'hidden',
			default: '',
		},
	];

	/** The token call; n8n persists what it returns, so executions and workers share one token. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return { ...(await requestToken.call(this, credentials)) } as IDataObject;
	}

	/** Adds the token, company and user headers and a fresh thirdTraceId (also for the HTTP Request node). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return authenticateRequest(credentials, requestOptions);
	}

	/**
	 * The token call, the one request every app may make (any other endpoint needs a permission the
	 * app may lack). n8n runs preAuthentication before it, so a Test calls the token endpoint twice.
	 * Fxiaoke answers errors with HTTP 200: the rules turn every documented error code into a failure.
	 */
	test: ICredentialTestRequest = {
		rules: TOKEN_ERROR_RULES,
		request: {
			method: 'POST',
			baseURL:
				'={{ $credentials.cloud === "custom" ? $credentials.customUrl.trim().replace(/\\/+$/, "") : $credentials.cloud }}',
			url: '/oauth2.0/token',
			body: {
				appId: '={{ $credentials.appId }}',
				appSecret: '={{ $credentials.appSecret }}',
				permanentCode: '={{ $credentials.permanentCode }}',
				grantType: 'app_secret',
			},
			json: true,
		},
	};
}
