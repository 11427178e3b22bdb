// Store outcomes the callers turn into answers (409, 404, 400). Anything else a store throws is a platform
// fault (DynamoDB unreachable, throttled) and becomes a 503.

export class ResponderConflictError extends Error {
  constructor(
    /** `route`: another responder has the same location and method; `version`: the definition changed since it was read. */
    readonly reason: 'route' | 'version',
    message: string,
  ) {
    super(message);
    this.name = 'ResponderConflictError';
  }
}

export class ResponderNotFoundError extends Error {
  constructor(id: string) {
    super(`responder ${id} not found`);
    this.name = 'ResponderNotFoundError';
  }
}

export class InvalidPageTokenError extends Error {
  constructor() {
    super('nextToken: not a token this API returned');
    this.name = 'InvalidPageTokenError';
  }
}

export class SecretLimitError extends Error {
  constructor(max: number) {
    super(`a namespace holds at most ${max} secrets`);
    this.name = 'SecretLimitError';
  }
}
