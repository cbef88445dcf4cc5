import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { TextPacker } from './compactDocuments';
import { pieceEnd } from './pieces';

// UTF-8 cannot hold a lone surrogate (an editor's text can have one): such a text is packed as UTF-16, which holds any.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Texts are packed in pieces of this many UTF-16 units (at most 96 KiB as UTF-8), not as one Buffer (see pieces.ts).
const PIECE = 32 * 1024;
// Each piece is deflated with the end of the one before as its dictionary, as far back as deflate looks (32 KiB):
// the pieces compress as well as the whole text would.
const WINDOW = 32 * 1024;

/**
 * Deflated text, its bytes held as a one-byte string (one char a byte) after a tag for the encoding: a string
 * lives on V8's heap at its length, where a Buffer a document would add an external allocation and its wrappers.
 * Each piece's deflated bytes follow their length (three bytes, most significant first).
 */
export const deflatePacker: TextPacker = {
  pack: (text) => {
    const encoding = LONE_SURROGATE.test(text) ? 'utf16le' : 'utf8';
    let packed = encoding === 'utf8' ? '8' : 'u';
    let previous: Buffer | undefined;
    for (let start = 0, end = 0; start < text.length; start = end) {
      end = pieceEnd(text, start, PIECE);
      const piece = Buffer.from(text.slice(start, end), encoding);
      const deflated = deflateRawSync(piece, previous ? { dictionary: previous.subarray(-WINDOW) } : {});
      const length = deflated.length;
      packed += String.fromCharCode(length >>> 16, (length >>> 8) & 0xff, length & 0xff) + deflated.toString('latin1');
      previous = piece;
    }
    return packed;
  },
  unpack: (packed) => {
    const encoding = packed[0] === '8' ? 'utf8' : 'utf16le';
    let text = '';
    let previous: Buffer | undefined;
    for (let at = 1; at < packed.length; ) {
      const length = (packed.charCodeAt(at) << 16) | (packed.charCodeAt(at + 1) << 8) | packed.charCodeAt(at + 2);
      const deflated = Buffer.from(packed.slice(at + 3, at + 3 + length), 'latin1');
      const piece = inflateRawSync(deflated, previous ? { dictionary: previous.subarray(-WINDOW) } : {});
      text += piece.toString(encoding);
      previous = piece;
      at += 3 + length;
    }
    return text;
  },
};
