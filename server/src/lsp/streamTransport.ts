import { StringDecoder } from 'node:string_decoder';
import { inspect } from 'node:util';
import { AbstractMessageReader, AbstractMessageWriter, createConnection, ProposedFeatures, type Connection, type DataCallback, type Disposable, type Message } from 'vscode-languageserver/node';
import { messageJson } from './messageJson';
import { pieceEnd } from './pieces';

// Messages are written in pieces of this many UTF-16 units (up to 3 bytes each) and read chunk by chunk as they come,
// not as one Buffer a message as vscode-jsonrpc's stream reader and writer do (see pieces.ts). Written as Buffers:
// pieces of text waiting for the pipe are joined by Node into one block to write them at once.
const PIECE = 16 * 1024;
// Input read ahead of the messages the connection has handled (it handles one a turn of the event loop): beyond
// this, reading pauses and the client waits to write, instead of the server holding a whole workspace's texts at once.
const READ_AHEAD_BYTES = 2 * 1024 * 1024;
// A header block longer than this is not LSP framing.
const MAX_HEADER_BYTES = 8 * 1024;

/**
 * Reads LSP messages (`Content-Length` framing, UTF-8 JSON) from a stream, decoding each body piece by piece as it
 * arrives rather than gathering it in one Buffer, and pausing the stream while much is read but not yet handled.
 */
export class StreamMessageReader extends AbstractMessageReader {
  private header = '';
  // Bytes of the current body: all of it, and still to come (-1 while reading headers).
  private length = 0;
  private remaining = -1;
  private body = '';
  private readonly decoder = new StringDecoder('utf8');
  private callback: DataCallback | undefined;
  // Sizes of the messages handed on whose turn to be handled may not have come yet, oldest first.
  private readonly unhandled: number[] = [];
  private unhandledBytes = 0;
  private ticking = false;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    private readonly readAheadBytes = READ_AHEAD_BYTES,
    private readonly nextTurn: (run: () => void) => void = setImmediate,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer): void => this.onData(chunk);
    const onError = (error: Error): void => this.fireError(error);
    const onClose = (): void => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('close', onClose);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('error', onError);
        this.readable.off('close', onClose);
      },
    };
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    try {
      while (offset < chunk.length) {
        if (this.remaining < 0) {
          offset = this.readHeader(chunk, offset);
          continue;
        }
        const end = Math.min(chunk.length, offset + this.remaining);
        this.body += this.decoder.write(chunk.subarray(offset, end));
        this.remaining -= end - offset;
        offset = end;
        if (this.remaining === 0) this.deliver();
      }
    } catch (error) {
      this.fireError(error);
    }
  }

  /** Reads header bytes from `offset`; at the blank line that ends them, starts the body. Returns the next offset. */
  private readHeader(chunk: Buffer, offset: number): number {
    const before = this.header.length;
    // Headers are ASCII: one char a byte. The end may straddle chunks: look again from just before this chunk's part.
    const end = Math.min(chunk.length, offset + MAX_HEADER_BYTES);
    this.header += chunk.toString('latin1', offset, end);
    const blank = this.header.indexOf('\r\n\r\n', Math.max(0, before - 3));
    if (blank < 0) {
      if (this.header.length > MAX_HEADER_BYTES) throw new Error(`no end of headers after ${this.header.length} bytes`);
      return end;
    }
    const length = contentLength(this.header.slice(0, blank));
    this.header = '';
    this.length = length;
    this.remaining = length;
    if (length === 0) this.deliver();
    return offset + blank + 4 - before;
  }

  private deliver(): void {
    const text = this.body + this.decoder.end();
    this.body = '';
    this.remaining = -1;
    const message = JSON.parse(text) as Message;
    this.unhandled.push(this.length);
    this.unhandledBytes += this.length;
    if (this.unhandledBytes > this.readAheadBytes) this.readable.pause();
    this.tick();
    this.callback?.(message);
  }

  /** Counts one message as handled a turn, from the turn after it was handed on, and resumes reading when few are left. */
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    this.nextTurn(() => {
      this.ticking = false;
      this.unhandledBytes -= this.unhandled.shift() ?? 0;
      if (this.unhandledBytes <= this.readAheadBytes / 2 && this.readable.isPaused()) this.readable.resume();
      if (this.unhandled.length > 0) this.tick();
    });
  }
}

function contentLength(headers: string): number {
  let length: number | undefined;
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`malformed header: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
  }
  if (length === undefined || !Number.isInteger(length) || length < 0) throw new Error(`Header must provide a valid Content-Length: ${headers}`);
  return length;
}

/** Writes LSP messages to a stream, the body in pieces rather than as one Buffer (see PIECE). */
export class StreamMessageWriter extends AbstractMessageWriter {
  private errorCount = 0;

  constructor(private readonly writable: NodeJS.WritableStream) {
    super();
    writable.on('error', (error: Error) => this.fireError(error));
    writable.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    // JSON.stringify's text, put together from the kept JSON of diagnostics sent before (see messageJson.ts).
    const json = messageJson(message);
    return new Promise((resolve, reject) => {
      const written = (error?: Error | null): void => {
        if (!error) return resolve();
        this.errorCount++;
        this.fireError(error, message, this.errorCount);
        reject(error);
      };
      this.writable.write(Buffer.from(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n`, 'ascii'));
      for (let start = 0, end = 0; start < json.length; start = end) {
        end = pieceEnd(json, start, PIECE);
        this.writable.write(Buffer.from(end - start === json.length ? json : json.slice(start, end), 'utf8'), end === json.length ? written : undefined);
      }
    });
  }

  end(): void {
    this.writable.end();
  }
}

/**
 * The connection `createConnection` makes from the command line (--stdio, --node-ipc, --socket=<port>, --pipe=<name>),
 * except that over stdio it reads and writes with the reader and writer above. What vscode-languageserver does for
 * stdio besides is done here too: exit when the input ends, and send what is written to the console to the client's
 * log rather than into the protocol stream.
 */
export function commandLineConnection(argv: readonly string[] = process.argv.slice(2)): Connection {
  const transport = argv.find((arg) => TRANSPORTS.some((name) => arg === name || arg.startsWith(`${name}=`)));
  if (transport !== '--stdio') return createConnection(ProposedFeatures.all);
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  let shutDown = false;
  connection.onShutdown(() => {
    shutDown = true;
  });
  const exit = (): never => process.exit(shutDown ? 0 : 1);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  const log = (write: (message: string) => void) => (...args: unknown[]): void => write(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' '));
  console.log = console.info = console.debug = log((message) => connection.console.log(message));
  console.warn = log((message) => connection.console.warn(message));
  console.error = log((message) => connection.console.error(message));
  return connection;
}

const TRANSPORTS = ['--node-ipc', '--stdio', '--socket', '--pipe'];
