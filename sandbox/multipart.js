'use strict';

/**
 * Minimal multipart/form-data parser (RFC 7578) working on the whole body Buffer, so binary
 * file contents stay byte-exact.
 *
 * @typedef {object} Part
 * @property {string} name
 * @property {string|null} filename      null for plain fields
 * @property {string|null} contentType
 * @property {Buffer} data
 */

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Boundary from a Content-Type header, or null when the type is not multipart/form-data.
 * @param {string|undefined} contentType
 * @returns {string|null}
 */
function boundaryOf(contentType) {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!match) return null;
  return match[1] || match[2];
}

/**
 * @param {Buffer} body
 * @param {string} boundary
 * @returns {Part[]}
 * @throws {Error} when the body is not well-formed multipart
 */
function parseMultipart(body, boundary) {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  const parts = [];

  let pos = body.indexOf(delimiter);
  if (pos !== 0 && !(pos > 0 && body.subarray(pos - 2, pos).equals(CRLF))) {
    throw new Error('multipart body does not start with the boundary');
  }
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing "--boundary--"
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw new Error('malformed boundary line');
    pos += 2;

    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd < 0) throw new Error('part headers not terminated');
    const headers = parseHeaders(body.toString('utf8', pos, headerEnd));
    const dataStart = headerEnd + HEADER_END.length;
    const dataEnd = body.indexOf(nextDelimiter, dataStart);
    if (dataEnd < 0) throw new Error('part not terminated by a boundary');

    const disposition = headers['content-disposition'] || '';
    const name = paramOf(disposition, 'name');
    if (!/^form-data\b/i.test(disposition) || name === null) throw new Error('part without form-data name');
    parts.push({
      name,
      filename: paramOf(disposition, 'filename'),
      contentType: headers['content-type'] || null,
      data: body.subarray(dataStart, dataEnd),
    });
    pos = dataEnd + 2; // now at "--boundary"
  }
}

/** @param {string} text @returns {Record<string, string>} */
function parseHeaders(text) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** @param {string} header @param {string} key @returns {string|null} */
function paramOf(header, key) {
  const match = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

module.exports = { boundaryOf, parseMultipart };
