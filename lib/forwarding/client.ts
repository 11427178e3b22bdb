// One call to an upstream for a script (docs/contract.md §13): Node's http/https client, redirects not followed, the
// answer's body capped and decoded. Every address a name resolves to is checked in the `lookup` the socket
// connects with, so the address checked is the address connected to (no DNS rebinding between the two); an IP
// literal in the URL, which Node connects to without a lookup, is checked before.
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import type http from 'node:http';
import type { LookupFunction } from 'node:net';
import type zlib from 'node:zlib';
import { upstreamRequestBodyMaxBytes, upstreamResponseBodyMaxBytes } from '../limits.ts';
import {
  endedMessage,
  type UpstreamCall,
  UpstreamFailure,
  type UpstreamResponse,
  type UpstreamTransport,
} from '../sandbox/upstream.ts';
import { isPublicAddress } from './address.ts';

export interface UpstreamClientOptions {
  /** Lets calls reach private, loopback and link-local addresses (`FORWARD_ALLOW_PRIVATE=true`, local testing only). */
  allowPrivate?: boolean;
  /** Resolves names (tests give their own); every address it gives is checked. */
  lookup?: typeof dnsLookup;
}

interface HttpStack {
  http: typeof import('node:http');
  https: typeof import('node:https');
  zlib: typeof import('node:zlib');
}
let httpStack: Promise<HttpStack> | undefined;
/**
 * Node's HTTP client, loaded on the first upstream call of the thread: importing node:http costs a fresh worker
 * thread 50-80 ms of CPU on Node 22, which every cold start paid though most scripts never call out. node:dns
 * and node:net (about 8 ms together) are taken on first use for the same reason, synchronously where a check
 * needs them.
 */
const loadHttpStack = () =>
  (httpStack ??= Promise.all([import('node:http'), import('node:https'), import('node:zlib')]).then(
    ([http, https, zlib]) => ({ http, https, zlib }),
  ));

const notAllowed = () => new UpstreamFailure('URL not allowed (non-public address)');

/**
 * Header names of the request a script may not set: the client frames the request itself (a forwarder that
 * passes `context.headers` on would otherwise send this service's Host and the caller's Content-Length).
 */
const framingRequestHeaders = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The call's URL, checked: http/https only, and an IP literal only if public. */
export function checkUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UpstreamFailure(`Invalid URL: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UpstreamFailure(
      `Invalid URL: the scheme must be http or https, not ${url.protocol.slice(0, -1)}`,
    );
  }
  if (url.username || url.password) throw new UpstreamFailure('Invalid URL: credentials in the URL');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivate && process.getBuiltinModule('node:net').isIP(host) && !isPublicAddress(host)) {
    throw notAllowed();
  }
  return url;
}

export function checkMethod(method: string): string {
  if (!token.test(method) || method.toUpperCase() === 'CONNECT') {
    throw new UpstreamFailure(`Invalid HTTP method: ${JSON.stringify(method.slice(0, 100))}`);
  }
  return method;
}

/** The headers to send: names checked, framing headers left to the client. */
export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!token.test(name))
      throw new UpstreamFailure(`Invalid header name: ${JSON.stringify(name.slice(0, 100))}`);
    // Node refuses CR, LF and NUL in a value when it writes the request; said here, before any connection.
    if (/[\r\n\0]/.test(value)) {
      throw new UpstreamFailure(`Invalid header value for ${JSON.stringify(name)}`);
    }
    const lower = name.toLowerCase();
    if (!framingRequestHeaders.has(lower) && !lower.startsWith('proxy-')) out[lower] = value;
  }
  return out;
}

export function checkBody(body: Uint8Array | undefined): Uint8Array | undefined {
  if (body && body.byteLength > upstreamRequestBodyMaxBytes) {
    throw new UpstreamFailure(
      `Upstream request failed: the request body is larger than ${upstreamRequestBodyMaxBytes} bytes`,
    );
  }
  return body;
}

/**
 * A `lookup` for Node's sockets that gives the connection only addresses that passed the check; a name with any
 * non-public address is refused outright (a mixed answer is how rebinding attacks hedge).
 */
export function checkedLookup(resolve?: typeof dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    (resolve ?? process.getBuiltinModule('node:dns').lookup)(
      hostname,
      { ...options, all: true },
      (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        if (addresses.length === 0 || !addresses.every((entry) => isPublicAddress(entry.address))) {
          return callback(notAllowed() as NodeJS.ErrnoException, '', 0);
        }
        if (options.all)
          return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      },
    );
  };
}

export class UpstreamClient implements UpstreamTransport {
  private readonly allowPrivate: boolean;
  private readonly lookup: LookupFunction | undefined;

  constructor(options: UpstreamClientOptions = {}) {
    this.allowPrivate = options.allowPrivate ?? false;
    this.lookup = this.allowPrivate ? undefined : checkedLookup(options.lookup);
  }

  /** Checks the call, then sends it; rejects with an UpstreamFailure. `signal` ends it early (the execution ended). */
  async send(call: UpstreamCall, signal?: AbortSignal): Promise<UpstreamResponse> {
    const url = checkUrl(call.url, this.allowPrivate);
    const method = checkMethod(call.method);
    const headers = checkHeaders(call.headers);
    const body = checkBody(call.body);
    const { http, https, zlib } = await loadHttpStack();
    if (signal?.aborted) throw new UpstreamFailure(endedMessage);
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (error: UpstreamFailure | undefined, response?: UpstreamResponse) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        request.destroy();
        if (error) reject(error);
        else resolve(response as UpstreamResponse);
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method,
        headers: body ? { ...headers, 'content-length': String(body.byteLength) } : headers,
        // One connection per call: a kept-alive socket would outlive the execution that opened it.
        agent: false,
        ...(this.lookup ? { lookup: this.lookup } : {}),
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !call.insecure } : {}),
      });
      // The whole call, connect to the last byte of the body: an upstream that trickles its answer times out too.
      const timer = setTimeout(
        () => finish(new UpstreamFailure(`Upstream request timed out after ${call.timeoutMs} ms`)),
        call.timeoutMs,
      );
      const onAbort = () => finish(new UpstreamFailure(endedMessage));
      signal?.addEventListener('abort', onAbort);
      let responded = false;
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof UpstreamFailure) return finish(error);
        finish(
          new UpstreamFailure(
            responded
              ? `Upstream request failed: ${error.code ?? error.message}`
              : `Failed to connect to upstream: ${error.code ?? error.message}`,
          ),
        );
      });
      request.on('response', (response) => {
        responded = true;
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.byteLength;
          if (received > upstreamResponseBodyMaxBytes) finish(tooLarge());
          else chunks.push(chunk);
        });
        response.on('error', (error: NodeJS.ErrnoException) =>
          finish(new UpstreamFailure(`Upstream request failed: ${error.code ?? error.message}`)),
        );
        response.on('end', () => {
          try {
            finish(undefined, answerOf(response, Buffer.concat(chunks), call.decompress && decodersOf(zlib)));
          } catch (error) {
            finish(error instanceof UpstreamFailure ? error : new UpstreamFailure('Upstream request failed'));
          }
        });
      });
      request.end(body);
    });
  }
}

const tooLarge = () =>
  new UpstreamFailure(`Upstream response body too large (more than ${upstreamResponseBodyMaxBytes} bytes)`);

type Decoder = (data: Buffer, options: zlib.ZlibOptions) => Buffer;
type Decoders = Record<string, Decoder>;

/**
 * The codings this Node's zlib decodes. zlib decodes zstd from Node 22.15 (Lambda runs Node 22); on an older Node
 * a zstd body is left encoded. Read by name because Node 20's types do not know it.
 */
const decodersOf = (zlib: HttpStack['zlib']): Decoders => {
  const zstdDecompressSync = Reflect.get(zlib, 'zstdDecompressSync') as Decoder | undefined;
  return {
    gzip: zlib.gunzipSync,
    'x-gzip': zlib.gunzipSync,
    deflate: zlib.inflateSync,
    br: (data, options) => zlib.brotliDecompressSync(data, options as zlib.BrotliOptions),
    ...(zstdDecompressSync ? { zstd: zstdDecompressSync } : {}),
  };
};

/** `decoders` false: the body is left as sent. */
function answerOf(response: http.IncomingMessage, raw: Buffer, decoders: Decoders | false): UpstreamResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body = raw;
  const codings = (headers['content-encoding'] ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (decoders && codings.length > 0 && codings.every((coding) => coding in decoders)) {
    // Applied in the order listed, so undone in reverse; the output cap stops a compression bomb.
    for (const coding of codings.reverse()) {
      try {
        body = (decoders[coding] as Decoders[string])(body, {
          maxOutputLength: upstreamResponseBodyMaxBytes,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        throw new UpstreamFailure(`Upstream request failed: the ${coding} body could not be decoded`);
      }
    }
    renameHeader(headers, 'content-encoding', 'x-original-content-encoding');
    renameHeader(headers, 'content-length', 'x-original-content-length');
  }
  return { statusCode: response.statusCode ?? 502, headers, body: new Uint8Array(body) };
}

function renameHeader(headers: Record<string, string>, from: string, to: string): void {
  const value = headers[from];
  if (value === undefined) return;
  delete headers[from];
  headers[to] = value;
}
