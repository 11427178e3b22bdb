// One raw keep-alive HTTP/1.1 connection, read answer by answer with the framing the server declared: a test
// sees exactly what a client reusing the connection would take for each answer, including leftovers.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  statusLine: string;
  /** Lower-case names; a repeated name keeps every value. */
  headers: Array<[string, string]>;
  body: string;
}

export class KeepAliveConnection {
  private buffered = Buffer.alloc(0);
  private closed = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(base: string): Promise<KeepAliveConnection> {
    const { hostname, port } = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new KeepAliveConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request without a body and reads the one answer the server framed for it. */
  async get(path: string): Promise<RawAnswer> {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    return this.nextAnswer();
  }

  /** Whether the server closed the connection (after the bytes already read). */
  async isClosed(): Promise<boolean> {
    if (!this.closed && this.buffered.byteLength === 0) await this.waitForBytes();
    return this.closed && this.buffered.byteLength === 0;
  }

  /** Bytes the server sent past the last answer it framed: none on a well-framed connection. */
  leftover(): string {
    return this.buffered.toString('latin1');
  }

  close() {
    this.socket.destroy();
  }

  private async nextAnswer(): Promise<RawAnswer> {
    let headEnd = this.buffered.indexOf('\r\n\r\n');
    while (headEnd === -1) {
      if (this.closed) throw new Error(`connection closed mid-answer: ${JSON.stringify(this.leftover())}`);
      await this.waitForBytes();
      headEnd = this.buffered.indexOf('\r\n\r\n');
    }
    const [statusLine = '', ...lines] = this.buffered.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
    const length = Number(headers.find(([name]) => name === 'content-length')?.[1] ?? 0);
    const bodyStart = headEnd + 4;
    while (this.buffered.byteLength < bodyStart + length) {
      if (this.closed) throw new Error('connection closed mid-body');
      await this.waitForBytes();
    }
    const body = this.buffered.subarray(bodyStart, bodyStart + length).toString('utf8');
    this.buffered = this.buffered.subarray(bodyStart + length);
    return { status: Number(statusLine.split(' ')[1]), statusLine, headers, body };
  }

  private waitForBytes(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }
}
