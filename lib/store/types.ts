// What the rest of the system needs from storage. The DynamoDB implementations live in ./dynamodb; the
// management API builds its HTTP routes on exactly these operations.
import type { Responder, ResponderInput, ResponderUpdate, TrackedRequest } from '../responders/schema.ts';

export interface ResponderPage {
  items: Responder[];
  nextToken?: string;
}

export interface ResponderStore {
  /** Assigns id, version 1 and timestamps. Throws ResponderConflictError('route') if (location, method) is taken. */
  create(namespace: string, input: ResponderInput): Promise<Responder>;
  get(namespace: string, id: string): Promise<Responder | undefined>;
  /**
   * Replaces the definition if `update.version` is the stored one; the result has version + 1.
   * Throws ResponderNotFoundError, or ResponderConflictError ('version' when stale, 'route' when taken).
   */
  update(namespace: string, id: string, update: ResponderUpdate): Promise<Responder>;
  /** Deletes the responder and its history; false if there was none. */
  delete(namespace: string, id: string): Promise<boolean>;
  /** One page in creation order. Throws InvalidPageTokenError for a token it did not issue. */
  list(namespace: string, options?: { limit?: number; nextToken?: string }): Promise<ResponderPage>;
  /** Every responder of the namespace, for routing: one round trip unless the namespace is very large. */
  listAll(namespace: string): Promise<Responder[]>;
}

/** A request's place in a responder's history, taken before its answer is known (`HistoryStore.begin`). */
export interface HistoryEntry {
  /**
   * Writes the request into its place. Without one (a request that is not kept), only waits for the place to be
   * taken, so nothing is left in flight: the place stays with whatever it held, and may serve the next request.
   */
  finish(request?: TrackedRequest): Promise<void>;
}

export interface HistoryStore {
  /** Keeps `request` as one of the newest `keep` requests of the responder. */
  record(responderId: string, keep: number, request: TrackedRequest): Promise<void>;
  /**
   * Starts recording a request whose answer is not known yet: the place is taken while the answer is made, or
   * was reserved by the previous request, so `finish` is one round trip. Never rejects; a failure to take the
   * place is thrown by `finish`.
   */
  begin(responderId: string, keep: number): HistoryEntry;
  /** The newest `keep` requests, newest first. */
  list(responderId: string, keep: number): Promise<TrackedRequest[]>;
  get(responderId: string, requestId: string): Promise<TrackedRequest | undefined>;
  /**
   * Forgets every kept request: a request that arrived before the clear is never shown again, also when it is
   * written after it. The numbering goes on.
   */
  clear(responderId: string): Promise<void>;
  /** Deletes the responder's whole history, its numbering too (the responder is deleted). */
  remove(responderId: string): Promise<void>;
}

/** A secret as stored: its value only as the SecretCipher's ciphertext (lib/secrets). */
export interface StoredSecret {
  name: string;
  /** Unix seconds. */
  updatedAt: number;
  ciphertext: Uint8Array;
}

export interface SecretStore {
  /**
   * Creates or replaces the secret. Throws SecretLimitError when it would be one more than the namespace may
   * hold (a replacement always fits).
   */
  put(namespace: string, name: string, ciphertext: Uint8Array): Promise<void>;
  /** Every secret of the namespace, in name order. */
  list(namespace: string): Promise<StoredSecret[]>;
  /** False if there was none. */
  delete(namespace: string, name: string): Promise<boolean>;
}
