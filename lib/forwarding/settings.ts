// The one deployment setting of forwarding (docs/contract.md §13), read once where a process builds its sandbox.

/**
 * FORWARD_ALLOW_PRIVATE: `true` lets scripts' upstream calls reach private, loopback and link-local addresses,
 * for local testing against a server on this machine only. Unset (as `npm start` and the stack leave it) or
 * `false`: refused. Anything else stops the start, so a typo cannot silently open or close it.
 */
export function upstreamAllowPrivateFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.FORWARD_ALLOW_PRIVATE;
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`FORWARD_ALLOW_PRIVATE must be true or false, not ${JSON.stringify(value)}`);
}
