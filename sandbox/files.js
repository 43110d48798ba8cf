'use strict';

/**
 * Files for file and image fields (API.md §16 "Files into file/image fields"): an upload credential
 * from the OpenAPI, the upload itself to the file service (not an OpenAPI call: no token, no
 * thirdTraceId, its own answer envelope), a signed download URL and the download.
 *
 *   POST /cgi/crm/v2/generatorFileUploadCredential        (OpenAPI) → data: {method, url, acid, resource, ak, sign, expiry, filename, size, digest, contentType}
 *   POST /fs/upload?traceId=&linkId=                       (file service) headers from the credential, raw bytes or multipart `facishareFile` → {success, code, message, data: npath}
 *   POST /cgi/crm/v2/generateDownloadSignatureUrlByAuth    (OpenAPI) → data: {url}
 *   GET  /fs/download?path=&expires=&sign=                 (file service) → the bytes
 *
 * The credential call and the field formats are [S] only (§16 uncertain 2, 3): where they are silent
 * the sandbox chooses, strictly. Times come from the CRM clock, as record times do.
 */

const crypto = require('node:crypto');
const { CODES, problem } = require('./codes');
const { boundaryOf, parseMultipart } = require('./multipart');

/** The largest file a credential may announce (§16: fileSize 1–104857600 bytes). */
const MAX_FILE_BYTES = 104857600;
/** Extensions the sandbox refuses to issue a credential for (a sandbox choice). */
const BLOCKED_EXTENSIONS = new Set(['exe', 'bat', 'cmd', 'sh', 'js', 'msi', 'com', 'scr']);
/** Extensions an image field takes (a sandbox choice). */
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp']);
/** A TN_ (temporary) file not saved into a record is gone after this long (§16: "temporary, 3 days"). */
const TEMPORARY_MS = 3 * 24 * 3600 * 1000;
/** A signed download URL works this long (§16: "default expiration 3600 s"). */
const DOWNLOAD_URL_MS = 3600 * 1000;
/** The headers an upload carries, as the credential gave them. */
const UPLOAD_HEADERS = ['acid', 'resource', 'ak', 'sign', 'expiry', 'filename', 'size', 'digest'];
const CREDENTIAL_KEYS = ['expireTime', 'resourceType', 'isStreamUpload', 'filename', 'extension', 'fileSize'];

/** Content types by extension for downloads (anything else: application/octet-stream). */
const CONTENT_TYPES = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
};

/**
 * @typedef {object} StoredFile
 * @property {string} npath
 * @property {Buffer} bytes
 * @property {string} filename      as given to the credential call (not URI-encoded)
 * @property {string} ext           the credential's extension, lower case
 * @property {number} size
 * @property {string} contentType   guessed from ext
 * @property {'N'|'TN'} resourceType
 * @property {number} uploadedAt    CRM clock
 * @property {boolean} saved        a record's field holds it (a TN_ file then stays for good)
 *
 * @typedef {object} Credential
 * @property {Record<string, string>} headers   what the upload must send (expiry and size as text)
 * @property {string} originalFilename
 * @property {string} ext
 * @property {number} size
 * @property {number} expiry
 * @property {'N'|'TN'} resourceType
 * @property {boolean} isStreamUpload
 * @property {boolean} used
 *
 * @typedef {{ status: number, json: { success: boolean, code: number, message: string, data: string|null } }} FileServiceAnswer
 */

const bad = (/** @type {string} */ detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });
const isObject = (/** @type {unknown} */ v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The file service's own envelope; failures too come with HTTP 200 (a sandbox choice). */
const fsAnswer = (/** @type {number} */ code, /** @type {string} */ message, data = null) => ({ status: 200, json: { success: code === 200, code, message, data } });
/** RFC 5987 value for `filename*=UTF-8''…` (encodeURIComponent leaves ' ( ) * as they are). */
const rfc5987 = (/** @type {string} */ s) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

class FileStore {
  /** @param {() => number} now the CRM clock */
  constructor(now) {
    this.now = now;
    /** @type {Map<string, Credential>} sign → credential */
    this.credentials = new Map();
    /** @type {Map<string, StoredFile>} npath → file */
    this.stored = new Map();
    this.secret = crypto.randomBytes(32);
    this.seq = 0;
  }

  // ---------------------------------------------------------------- for tests

  /** @param {string} npath @returns {StoredFile|undefined} */
  get(npath) {
    return this.stored.get(npath);
  }

  /** Files stored (uploaded or put). */
  get count() {
    return this.stored.size;
  }

  /**
   * Stores a file without an upload (for tests) → its npath.
   * @param {Buffer|string} bytes @param {{ filename: string, ext?: string, resourceType?: 'N'|'TN' }} meta
   */
  put(bytes, { filename, ext = String(filename).split('.').pop() || 'bin', resourceType = 'N' }) {
    return this.keep(Buffer.from(bytes), filename, ext.toLowerCase(), resourceType);
  }

  /** Whether `npath` names a file a record may hold: stored, and not a TN_ file left unsaved for 3 days. @param {unknown} npath */
  usable(npath) {
    const file = typeof npath === 'string' ? this.stored.get(npath) : undefined;
    return file !== undefined && (file.resourceType === 'N' || file.saved || this.now() - file.uploadedAt <= TEMPORARY_MS);
  }

  /** A record's field now holds these files: a TN_ one stays for good (§16 "made permanent when saved"). @param {string[]} npaths */
  markSaved(npaths) {
    for (const npath of npaths) {
      const file = this.stored.get(npath);
      if (file) file.saved = true;
    }
  }

  // ---------------------------------------------------------------- OpenAPI calls

  /**
   * `{data:{expireTime, resourceType, isStreamUpload, filename, extension, fileSize}}`, all six required
   * (a sandbox choice), unknown keys refused.
   * @param {any} body @param {string} baseUrl the sandbox's own base URL (the file service's)
   */
  credential(body, baseUrl) {
    const data = body && isObject(body.data) ? body.data : null;
    if (!data) return bad('data is required');
    const extra = Object.keys(data).filter((k) => !CREDENTIAL_KEYS.includes(k));
    if (extra.length > 0) return bad(`unknown field(s) in data: ${extra.join(', ')}`);
    const { expireTime, resourceType, isStreamUpload, filename, extension, fileSize } = data;
    if (!Number.isInteger(expireTime) || expireTime < 60 || expireTime > 604800) return bad('data.expireTime must be an integer of seconds from 60 to 604800');
    if (resourceType !== 'N' && resourceType !== 'TN') return bad('data.resourceType must be "N" (permanent) or "TN" (temporary)');
    if (typeof isStreamUpload !== 'boolean') return bad('data.isStreamUpload must be a boolean');
    if (typeof filename !== 'string' || filename.trim() === '') return bad('data.filename is required (non-empty string)');
    // the extension without its dot, e.g. "pdf" (a sandbox choice)
    if (typeof extension !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(extension)) return bad('data.extension is required: letters and digits without the dot, e.g. "pdf"');
    if (!Number.isInteger(fileSize) || fileSize < 1 || fileSize > MAX_FILE_BYTES) return bad(`data.fileSize must be an integer of bytes from 1 to ${MAX_FILE_BYTES}`);
    const ext = extension.toLowerCase();
    if (BLOCKED_EXTENSIONS.has(ext)) return { problem: problem(CODES.FILE_TYPE_NOT_ALLOWED, `.${ext}`) };

    this.seq += 1;
    const sign = crypto.randomBytes(16).toString('hex');
    const expiry = this.now() + expireTime * 1000;
    const headers = {
      acid: 'FSAC_sandbox',
      resource: `sandbox-bucket/${resourceType}/${this.seq}`,
      ak: 'SANDBOXFSAK0001',
      sign,
      expiry: String(expiry),
      // URI-encoded so that it is safe as an HTTP header (a sandbox choice)
      filename: encodeURIComponent(filename),
      size: String(fileSize),
      digest: crypto.createHmac('sha256', this.secret).update(`digest\n${sign}`).digest('hex').slice(0, 32),
    };
    this.credentials.set(sign, { headers, originalFilename: filename, ext, size: fileSize, expiry, resourceType, isStreamUpload, used: false });
    const answer = { method: 'POST', url: `${baseUrl}/fs/upload`, ...headers, expiry, contentType: 'application/octet-stream' };
    return { extra: { data: answer }, applied: true };
  }

  /**
   * `{data:{path}}` → `data: {url}` (the answer's field name is a sandbox choice: §16 uncertain 3),
   * valid for 3600 s.
   * @param {any} body @param {string} baseUrl
   */
  downloadUrl(body, baseUrl) {
    const data = body && isObject(body.data) ? body.data : null;
    if (!data) return bad('data is required');
    const extra = Object.keys(data).filter((k) => k !== 'path');
    if (extra.length > 0) return bad(`unknown field(s) in data: ${extra.join(', ')}`);
    if (typeof data.path !== 'string' || data.path === '') return bad('data.path is required (an npath)');
    if (!this.usable(data.path)) return { problem: problem(CODES.FILE_NOT_FOUND, data.path) };
    const expires = this.now() + DOWNLOAD_URL_MS;
    const query = new URLSearchParams({ path: data.path, expires: String(expires), sign: this.downloadSign(data.path, expires) });
    return { extra: { data: { url: `${baseUrl}/fs/download?${query}` } }, applied: false };
  }

  /** @param {string} npath @param {number|string} expires */
  downloadSign(npath, expires) {
    return crypto.createHmac('sha256', this.secret).update(`download\n${npath}\n${expires}`).digest('hex');
  }

  // ---------------------------------------------------------------- the file service

  /**
   * `POST /fs/upload?traceId=&linkId=`: the credential's eight headers, then raw bytes
   * (application/octet-stream) or multipart with exactly one part, `facishareFile`.
   * Codes (a sandbox choice): 400 malformed request or a body shorter than `size`, 401 unknown
   * signature or a header not as the credential gave it, 403 signature expired or already used,
   * 413 a body longer than `size`. A signature is used up only by a successful upload.
   * @param {{ query: URLSearchParams, headers: Record<string, string|string[]|undefined>, body: { buffer: Buffer, tooLarge: boolean } }} req
   * @returns {FileServiceAnswer}
   */
  upload({ query, headers, body }) {
    for (const name of ['traceId', 'linkId']) {
      if (!query.get(name)) return fsAnswer(400, `query parameter ${name} is required`);
    }
    for (const name of UPLOAD_HEADERS) {
      if (typeof headers[name] !== 'string' || headers[name] === '') return fsAnswer(400, `header ${name} is required`);
    }
    const credential = this.credentials.get(String(headers.sign));
    if (!credential) return fsAnswer(401, 'unknown signature');
    if (credential.used) return fsAnswer(403, 'signature already used: ask for a new credential');
    if (this.now() > credential.expiry) return fsAnswer(403, 'signature expired');
    for (const name of UPLOAD_HEADERS) {
      if (name === 'filename') {
        let decoded;
        try {
          decoded = decodeURIComponent(String(headers.filename));
        } catch {
          return fsAnswer(400, 'header filename is not URI-encoded');
        }
        if (decoded !== credential.originalFilename) return fsAnswer(401, 'header filename does not match the credential');
      } else if (headers[name] !== credential.headers[name]) {
        return fsAnswer(401, `header ${name} does not match the credential`);
      }
    }
    if (body.tooLarge) return fsAnswer(413, `body larger than ${credential.size} bytes`);
    const contentType = String(headers['content-type'] || '');
    let bytes;
    if (/^application\/octet-stream\s*(;|$)/i.test(contentType)) {
      bytes = body.buffer;
    } else if (/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
      const boundary = boundaryOf(contentType);
      if (!boundary) return fsAnswer(400, 'multipart Content-Type without a boundary');
      let parts;
      try {
        parts = parseMultipart(body.buffer, boundary);
      } catch (err) {
        return fsAnswer(400, `malformed multipart body (${/** @type {Error} */ (err).message})`);
      }
      if (parts.length !== 1 || parts[0].name !== 'facishareFile') return fsAnswer(400, 'the multipart body must hold exactly one part, named facishareFile');
      bytes = parts[0].data;
    } else {
      return fsAnswer(400, 'Content-Type must be application/octet-stream or multipart/form-data');
    }
    if (bytes.length > credential.size) return fsAnswer(413, `body of ${bytes.length} bytes is larger than size ${credential.size}`);
    if (bytes.length < credential.size) return fsAnswer(400, `body of ${bytes.length} bytes does not match size ${credential.size}`);
    credential.used = true;
    return fsAnswer(200, 'success', this.keep(Buffer.from(bytes), credential.originalFilename, credential.ext, credential.resourceType));
  }

  /**
   * `GET /fs/download?path=&expires=&sign=`: the bytes with the stored content type and
   * `Content-Disposition: attachment; filename*=UTF-8''…`; a bad or expired signature 403 JSON.
   * @param {URLSearchParams} query
   * @returns {{ status: number, json: any } | { status: 200, bytes: Buffer, headers: Record<string, string> }}
   */
  download(query) {
    const npath = query.get('path') || '';
    const expires = query.get('expires') || '';
    const sign = query.get('sign') || '';
    const expected = Buffer.from(this.downloadSign(npath, expires));
    if (!/^\d+$/.test(expires) || sign.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sign), expected)) {
      return { status: 403, json: fsAnswer(403, 'bad signature').json };
    }
    if (this.now() > Number(expires)) return { status: 403, json: fsAnswer(403, 'link expired').json };
    const file = this.usable(npath) ? this.stored.get(npath) : undefined;
    if (!file) return { status: 404, json: fsAnswer(404, 'file not found').json };
    return {
      status: 200,
      bytes: file.bytes,
      headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename*=UTF-8''${rfc5987(file.filename)}` },
    };
  }

  /** @param {Buffer} bytes @param {string} filename @param {string} ext @param {'N'|'TN'} resourceType */
  keep(bytes, filename, ext, resourceType) {
    const npath = `${resourceType}_${crypto.randomBytes(16).toString('hex')}`;
    this.stored.set(npath, {
      npath,
      bytes,
      filename,
      ext,
      size: bytes.length,
      contentType: CONTENT_TYPES[/** @type {keyof typeof CONTENT_TYPES} */ (ext)] || 'application/octet-stream',
      resourceType,
      uploadedAt: this.now(),
      saved: false,
    });
    return npath;
  }
}

/**
 * What is wrong with a value for a `file_attachment` or `image` field, or null: a list (at most the
 * field's `file_amount_limit`) of `{path, filename, size, ext}` (images also `isImage`), each path a
 * file this store holds. Other keys are refused (a sandbox choice; §16 uncertain 2).
 * @param {{ api_name: string, type: string, file_amount_limit?: number }} f @param {unknown} value @param {FileStore} files
 * @returns {string|null}
 */
function fileValueProblem(f, value, files) {
  const name = f.api_name;
  const image = f.type === 'image';
  if (!Array.isArray(value)) return `${name}: a ${f.type} field takes a list of {path, filename, size, ext${image ? ', isImage' : ''}}`;
  const limit = f.file_amount_limit ?? Infinity;
  if (value.length > limit) return `${name}: at most ${limit} file(s), got ${value.length}`;
  const allowed = image ? ['path', 'filename', 'size', 'ext', 'isImage'] : ['path', 'filename', 'size', 'ext'];
  for (const [i, entry] of value.entries()) {
    const at = `${name}[${i}]`;
    if (!isObject(entry)) return `${at}: each file is a map {path, filename, size, ext}`;
    const extra = Object.keys(entry).filter((k) => !allowed.includes(k));
    if (extra.length > 0) return `${at}: unknown key(s) ${extra.join(', ')}`;
    if (typeof entry.path !== 'string' || entry.path === '') return `${at}.path is required (the npath the upload returned)`;
    if (!files.usable(entry.path)) return `${name}: no uploaded file ${entry.path}`;
    if (typeof entry.filename !== 'string' || entry.filename === '') return `${at}.filename is required (string)`;
    const sizeOk = (typeof entry.size === 'number' && Number.isInteger(entry.size) && entry.size >= 0) || (typeof entry.size === 'string' && /^\d+$/.test(entry.size));
    if (!sizeOk) return `${at}.size is required (bytes, a number or a numeric string)`;
    if (typeof entry.ext !== 'string' || entry.ext === '') return `${at}.ext is required (string)`;
    if (image && !IMAGE_EXTENSIONS.has(entry.ext.toLowerCase())) return `${at}.ext: an image is ${[...IMAGE_EXTENSIONS].join(', ')}, got ${JSON.stringify(entry.ext)}`;
    if (image && 'isImage' in entry && typeof entry.isImage !== 'boolean') return `${at}.isImage must be a boolean`;
  }
  return null;
}

module.exports = { FileStore, fileValueProblem, BLOCKED_EXTENSIONS, IMAGE_EXTENSIONS, MAX_FILE_BYTES, TEMPORARY_MS, DOWNLOAD_URL_MS };
