// Calls a script makes to an upstream (docs/contract.md §13), as the engine sees them: the transport is a capability the
// host injects (lib/forwarding holds the HTTP client and the address check), this module keeps one
// execution's calls within their limits and records each.
import { hardStopGraceMs, upstreamCallsMax } from '../limits.ts';
import type { UpstreamRecord } from './types.ts';

/** A call as the script made it, its body already bytes. */
export interface UpstreamCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  insecure: boolean;
  /** Already cut to the time left before the script's deadline. */
  timeoutMs: number;
  decompress: boolean;
}

export interface UpstreamResponse {
  statusCode: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A failure the script sees as its promise's rejection, with this message (docs/contract.md §13's wording). */
export class UpstreamFailure extends Error {}

/** What sends a call. Rejects (or throws) with an UpstreamFailure; anything else is reported as a host fault. */
export interface UpstreamTransport {
  send(call: UpstreamCall, signal: AbortSignal): Promise<UpstreamResponse>;
}

/** The script's options before the host checks them: what the guest could read of them. */
export type UpstreamOptions = Omit<UpstreamCall, 'timeoutMs' | 'body'> & { timeoutMs?: number };

/** One execution's calls: at most `upstreamCallsMax`, each within the deadline, all ended with the execution. */
export class UpstreamCalls {
  readonly records: UpstreamRecord[] = [];
  private readonly ending = new AbortController();
  /** Calls sent and not yet answered, with when each started. */
  private readonly open = new Map<UpstreamRecord, number>();

  constructor(
    private readonly transport: UpstreamTransport | undefined,
    private readonly deadline: number,
  ) {}

  async send(options: UpstreamOptions, body: Uint8Array | undefined): Promise<UpstreamResponse> {
    const started = performance.now();
    const record: UpstreamRecord = { url: withoutQuery(options.url), method: options.method, durationMs: 0 };
    try {
      if (!this.transport)
        throw new UpstreamFailure('Upstream request failed: forwarding is not available here');
      if (this.records.length >= upstreamCallsMax) {
        throw new UpstreamFailure(
          `Upstream request failed: at most ${upstreamCallsMax} requests per execution`,
        );
      }
      this.records.push(record);
      this.open.set(record, started);
      const leftMs = Math.max(0, Math.ceil(this.deadline - Date.now()));
      // A call that would outlast the script is ended by the script's deadline (the engine stops waiting then and
      // cuts the call): its own timer is only a backstop, set later so the verdict is always the script's timeout.
      const timeoutMs =
        options.timeoutMs !== undefined && options.timeoutMs < leftMs
          ? options.timeoutMs
          : leftMs + hardStopGraceMs;
      const response = await this.transport.send({ ...options, body, timeoutMs }, this.ending.signal);
      record.statusCode = response.statusCode;
      return response;
    } catch (error) {
      const failure =
        error instanceof UpstreamFailure ? error : new UpstreamFailure('Upstream request failed');
      record.error ??= failure.message;
      throw failure;
    } finally {
      if (this.open.delete(record) || !this.ending.signal.aborted)
        record.durationMs = performance.now() - started;
    }
  }

  /** The execution is over: calls still open are cut (their sockets closed) and recorded as such now. */
  end(): void {
    for (const [record, started] of this.open) {
      record.error = endedMessage;
      record.durationMs = performance.now() - started;
    }
    this.open.clear();
    this.ending.abort();
  }
}

/** What a call still open when the execution ended is recorded with (its promise is gone with the execution). */
export const endedMessage = 'Upstream request failed: the script ended';

/** The URL as recorded: no query, fragment or credentials (they often carry tokens). */
function withoutQuery(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return text.split(/[?#]/)[0]?.slice(0, 200) ?? '';
  }
}
