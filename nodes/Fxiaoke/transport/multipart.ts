import { randomUUID } from 'crypto';

import type { Payload } from './send';

export interface UploadFile {
	/** The multipart field name Fxiaoke reads (`media`). */
	field: string;
	fileName: string;
	mimeType: string;
	data: Buffer;
}

/** One file as multipart/form-data, the upload endpoints' documented example. */
export function multipartPayload(file: UploadFile): Payload {
	const boundary = `----n8nFxiaoke${randomUUID().replace(/-/g, '')}`;
	const safeName = file.fileName.replace(/["\r\n]/g, '_');
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${safeName}"\r\n` +
			`Content-Type: ${file.mimeType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	return { body: Buffer.concat([head, file.data, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}
