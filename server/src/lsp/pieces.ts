import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

// Large texts go through Buffers in pieces, never as one Buffer. glibc's malloc serves a block of 128 KiB or more
// with a mapping of its own and, when such a block is freed, raises the size from which it does so to that block's
// size and lets every thread's arena keep up to twice that unused, for the rest of the process: one large file read,
// opened or packed left ~15 MiB idle in the arenas of V8's four compiler threads (and more in the main one).
// Node's `require` and `readFileSync(path, 'utf8')` read a file into one block of its size, grown by doubling;
// vscode-jsonrpc reads and writes each message as one Buffer.

// Files are read this many bytes at a time.
const READ_PIECE = 64 * 1024;

/** A UTF-8 file's text, read piece by piece into one reused buffer (what `readFileSync(path, 'utf8')` gives). */
export function readTextFile(path: string): string {
  const descriptor = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(READ_PIECE);
    const decoder = new StringDecoder('utf8');
    let text = '';
    for (let read = readSync(descriptor, buffer, 0, READ_PIECE, null); read > 0; read = readSync(descriptor, buffer, 0, READ_PIECE, null)) {
      text += decoder.write(buffer.subarray(0, read));
    }
    return text + decoder.end();
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Where the piece of `text` that starts at `start` and is at most `size` UTF-16 units long ends: never between the
 * two halves of a surrogate pair, which each piece's UTF-8 could not hold.
 */
export function pieceEnd(text: string, start: number, size: number): number {
  const end = Math.min(text.length, start + size);
  const code = text.charCodeAt(end - 1);
  return end < text.length && end - 1 > start && code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}
