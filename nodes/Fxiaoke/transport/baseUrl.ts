/**
 * Public clouds from Fxiaoke's "Cloud Domain" list (value = OpenAPI base URL; names in English, as
 * n8n's verification asks: Fxiaoke calls them 纷享云, 华为云, 阿里云, 香港华为, 法兰克福, 北美云).
 */
export const FXIAOKE_CLOUDS = [
	{ name: 'China: Fxiaoke Cloud (Default)', value: 'https://open.fxiaoke.com' },
	{ name: 'China: Huawei Cloud', value: 'https://open-hwcloud.fxiaoke.com' },
	{ name: 'China: Alibaba Cloud', value: 'https://open-ale.fxiaoke.com' },
	{ name: 'Hong Kong: Huawei Cloud', value: 'https://open-ksc.sharecrm.com' },
	{ name: 'Europe: Frankfurt', value: 'https://open-hws.fxiaoke.com' },
	{ name: 'North America', value: 'https://open-na.sharecrm.com' },
];

export const CUSTOM_CLOUD = 'custom';

export class InvalidBaseUrl extends Error {}

/**
 * Checks a base URL and returns it without trailing slashes. The raw value is never echoed back:
 * a mistyped URL can hold a password.
 */
export function normalizeBaseUrl(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '') {
		throw new InvalidBaseUrl('Custom URL is empty: enter the base URL of your Fxiaoke deployment, e.g. https://open.fxiaoke.com');
	}
	if (!URL.canParse(text)) {
		throw new InvalidBaseUrl('Custom URL is not a valid URL: use the form https://host[:port][/path]');
	}
	const url = new URL(text);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InvalidBaseUrl(`Custom URL must start with https:// or http:// (got "${url.protocol}")`);
	}
	if (url.hostname === '') {
		throw new InvalidBaseUrl('Custom URL has no host name');
	}
	if (url.username !== '' || url.password !== '') {
		throw new InvalidBaseUrl('Custom URL must not contain a user name or password');
	}
	if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
		throw new InvalidBaseUrl('Custom URL must not contain a query (?) or fragment (#)');
	}
	return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The base URL chosen in a Fxiaoke API credential. */
export function baseUrlOf(credentials: { cloud?: unknown; customUrl?: unknown }): string {
	const cloud = credentials.cloud ?? FXIAOKE_CLOUDS[0].value;
	return normalizeBaseUrl(cloud === CUSTOM_CLOUD ? credentials.customUrl : cloud);
}

/** The host of a base URL, the only part of it an error message shows. */
export function hostOf(baseUrl: string): string {
	try {
		return new URL(baseUrl).host;
	} catch {
		return 'the configured host';
	}
}
