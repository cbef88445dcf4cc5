import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { TextPacker } from './compactDocuments';

// UTF-8 cannot hold a lone surrogate (an editor's text can have one): such a text is packed as UTF-16, which holds any.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Deflated text, its bytes held as a one-byte string (one char a byte) after a tag for the encoding: a string
 * lives on V8's heap at its length, where a Buffer a document would add an external allocation and its wrappers.
 */
export const deflatePacker: TextPacker = {
  pack: (text) => {
    const encoding = LONE_SURROGATE.test(text) ? 'utf16le' : 'utf8';
    return (encoding === 'utf8' ? '8' : 'u') + deflateRawSync(Buffer.from(text, encoding)).toString('latin1');
  },
  unpack: (packed) => inflateRawSync(Buffer.from(packed.slice(1), 'latin1')).toString(packed[0] === '8' ? 'utf8' : 'utf16le'),
};
