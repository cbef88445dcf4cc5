import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { Message } from 'vscode-languageserver/node';
import { pieceEnd, readTextFile } from '../../server/src/lsp/pieces';
import { StreamMessageReader, StreamMessageWriter } from '../../server/src/lsp/streamTransport';

/** LSP framing of `message` as vscode-jsonrpc writes it. */
function framed(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Messages with multi-byte characters (2, 3 and 4 bytes in UTF-8) everywhere, one of them longer than a read. */
const MESSAGES: Message[] = [
  { jsonrpc: '2.0', method: 'a', params: { text: 'é 检查 🚀 end' } } as Message,
  { jsonrpc: '2.0', method: 'b', params: { text: '🚀é检'.repeat(30_000) } } as Message,
  { jsonrpc: '2.0', method: 'c', params: {} } as Message,
];

function readAll(chunks: Buffer[]): Promise<Message[]> {
  const input = new PassThrough();
  const reader = new StreamMessageReader(input);
  const received: Message[] = [];
  const errors: unknown[] = [];
  reader.onError((error) => errors.push(error));
  reader.listen((message) => received.push(message));
  for (const chunk of chunks) input.write(chunk);
  return new Promise((resolve, reject) => {
    setTimeout(() => (errors.length > 0 ? reject(errors[0]) : resolve(received)), 50);
  });
}

/** The bytes cut every `size` bytes (so that headers and characters straddle chunks). */
function cut(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

describe('stream message reader', () => {
  it('reads the very messages, however the bytes are cut into chunks', async () => {
    const bytes = Buffer.concat(MESSAGES.map(framed));
    for (const size of [1, 2, 3, 7, 1000, 65_536, bytes.length]) {
      assert.deepEqual(await readAll(cut(bytes, size)), MESSAGES, `chunks of ${size} bytes`);
    }
  });

  it('reads headers in any case and order, besides Content-Length', async () => {
    const body = JSON.stringify(MESSAGES[0]);
    const header = `content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH: ${Buffer.byteLength(body)}\r\n\r\n`;
    assert.deepEqual(await readAll([Buffer.from(header + body, 'utf8')]), [MESSAGES[0]]);
  });

  it('reports a header without Content-Length, and malformed JSON, as errors', async () => {
    await assert.rejects(readAll([Buffer.from('Content-Type: x\r\n\r\n{}')]), /Content-Length/);
    await assert.rejects(readAll([Buffer.from('Content-Length: 3\r\n\r\n{x}')]), SyntaxError);
  });

  it('stops reading while more than the read-ahead is handed on and not yet handled, and reads on as turns pass', async () => {
    const message = framed({ jsonrpc: '2.0', method: 'm', params: { text: 'x'.repeat(40) } });
    const body = message.length - message.indexOf('\r\n\r\n') - 4;
    const input = new PassThrough();
    const turns: (() => void)[] = [];
    const reader = new StreamMessageReader(input, 2 * body + 1, (run) => turns.push(run));
    let received = 0;
    reader.listen(() => received++);
    const delivered = async (count: number): Promise<void> => {
      for (let turn = 0; turn < 100 && received < count; turn++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(received, count);
    };
    input.write(Buffer.concat([message, message]));
    await delivered(2);
    assert.equal(input.isPaused(), false, 'two unhandled: within the read-ahead');
    input.write(message);
    await delivered(3);
    assert.equal(input.isPaused(), true, 'three unhandled: beyond it');
    // One message is counted as handled a turn (the connection handles one a turn).
    turns.shift()!();
    assert.equal(input.isPaused(), true, 'two left: more than half the read-ahead');
    turns.shift()!();
    assert.equal(input.isPaused(), false, 'one left: reading again');
    turns.shift()!();
    assert.equal(turns.length, 0, 'no turn asked for once all are handled');
  });
});

describe('stream message writer', () => {
  it('writes each message as Buffers of at most 16 Ki UTF-16 units, which read back as the very message', async () => {
    const pieces: Buffer[] = [];
    const output = new Writable({
      // Strings waiting in a stream would be joined into one block by a socket's writev: only Buffers are not.
      decodeStrings: false,
      write(chunk: Buffer | string, _encoding, done) {
        assert.ok(Buffer.isBuffer(chunk), `a ${typeof chunk} written`);
        pieces.push(chunk);
        done();
      },
    });
    const writer = new StreamMessageWriter(output);
    // A surrogate pair straddles every possible piece boundary somewhere in a long run of them.
    const messages: Message[] = [...MESSAGES, { jsonrpc: '2.0', method: 'd', params: { text: 'a' + '🚀'.repeat(20_000) } } as Message];
    for (const message of messages) await writer.write(message);
    assert.ok(Math.max(...pieces.map((piece) => piece.length)) <= 3 * 16 * 1024, 'no piece above 48 KiB');
    assert.ok(pieces.length > 2 * messages.length, 'long messages written in several pieces');
    assert.deepEqual(await readAll(pieces), messages);
  });

  it('settles a write once its last piece is written, and fails it with the error the stream gives', async () => {
    let finishLast: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk: Buffer, _encoding, done) {
        finishLast = done;
      },
    });
    const writer = new StreamMessageWriter(slow);
    let settled = false;
    void writer.write(MESSAGES[1]!).then(() => (settled = true));
    let pieces = 0;
    for (; finishLast; pieces++) {
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false, `settled with ${pieces} pieces written`);
      const finish = finishLast;
      finishLast = undefined;
      finish();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(pieces > 2);
    assert.equal(settled, true);

    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('pipe closed'));
      },
    });
    const errors: unknown[] = [];
    const failing = new StreamMessageWriter(broken);
    failing.onError(([error]) => errors.push(error));
    await assert.rejects(failing.write(MESSAGES[2]!));
    assert.ok(errors.some((error) => String(error).includes('pipe closed')));
  });
});

describe('pieces', () => {
  it('ends a piece before a surrogate pair it would split, never before its start', () => {
    const text = 'ab🚀cd';
    assert.equal(pieceEnd(text, 0, 3), 2, 'the pair at 2–3 is left whole for the next piece');
    assert.equal(pieceEnd(text, 0, 4), 4);
    assert.equal(pieceEnd(text, 2, 1), 3, 'a piece of one unit is not made empty');
    assert.equal(pieceEnd(text, 4, 10), 6);
  });

  it('reads a file as readFileSync does, characters straddling reads included', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-pieces-')), 'text.yaml');
    for (const text of ['', 'é', `${'a'.repeat(65_535)}é检🚀${'z'.repeat(70_000)}`, '🚀'.repeat(50_000)]) {
      fs.writeFileSync(file, text);
      assert.equal(readTextFile(file), fs.readFileSync(file, 'utf8'));
    }
  });
});
