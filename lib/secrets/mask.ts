// A script that logs a secret, or throws one in an error message, by mistake: the console lines and the failure
// answer go to the logs, the history and the caller, so the values it was given are masked there (as CI systems
// mask theirs). Shorter values are left alone: masking every "a" or "1" would garble the lines and hide little.
import type { ScriptExecution, ScriptSecrets } from '../sandbox/types.ts';

export const secretMask = '***';
export const maskedValueMinChars = 4;

export function maskSecrets(execution: ScriptExecution, secrets: ScriptSecrets): ScriptExecution {
  const values = Object.values(secrets)
    .filter((value) => value.length >= maskedValueMinChars)
    // The longest first: a value containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return execution;
  const mask = (text: string) => values.reduce((masked, value) => masked.replaceAll(value, secretMask), text);
  const console = execution.console.map((line) => ({ ...line, message: mask(line.message) }));
  // A failure's answer is the platform's text around the script's message; a script's own answer is its own.
  const body =
    execution.outcome === 'ok'
      ? execution.body
      : new TextEncoder().encode(mask(new TextDecoder().decode(execution.body)));
  return { ...execution, console, body };
}
