// The management dry run (POST /api/responders/{id}/test) within Lambda's 6 MB response payload (issue 11 §3):
// its JSON carries the body in base64 beside the headers and the console, and is escaped once more into the
// Lambda result. The worst answers are measured as Lambda would measure them.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  consoleMaxLineChars,
  consoleMaxLines,
  lambdaResponseMaxBytes,
  managementAnswerMaxBytes,
  scriptResultBodyMaxBytes,
  scriptResultHeadersMax,
  scriptResultHeadersMaxBytes,
} from '../../lib/limits.ts';
import { type ApiAnswer, call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-d-0123456789';
const server = useManagementServer({ API_KEYS: `team-d:${key}` });
const limits = { memoryBytes: 64 * 1024 * 1024 };

/** The Lambda result the management function would return for this answer, as JSON. */
const encodedBytes = (answer: ApiAnswer) =>
  Buffer.byteLength(
    JSON.stringify({
      statusCode: answer.status,
      headers: Object.fromEntries(answer.headers),
      body: answer.text,
      isBase64Encoded: false,
    }),
  );

let id: string;
beforeAll(async () => {
  const created = await call(server, 'POST', '/api/responders', { key, json: draft('/stored') });
  id = created.json.id;
});

const dryRun = (settings: Record<string, unknown>) =>
  call(server, 'POST', `/api/responders/${id}/test`, {
    key,
    json: { responder: draft('/draft', {}, { body: undefined, limits, ...settings }) },
  });

describe("the dry run's answer", () => {
  it('fits for a 4 MiB body beside script headers and console lines at their caps, all quotes', async () => {
    const answer = await dryRun({
      script: `(() => {
        for (let i = 0; i < ${consoleMaxLines}; i++) console.log('"'.repeat(${consoleMaxLineChars}));
        const headers = {};
        for (let i = 0; i < ${scriptResultHeadersMax}; i++) {
          headers['x-h' + String(i).padStart(3, '0')] = '"'.repeat(${scriptResultHeadersMaxBytes / scriptResultHeadersMax - 6});
        }
        return { headers, body: '"'.repeat(${scriptResultBodyMaxBytes}) };
      })()`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.outcome).toBe('ok');
    expect(Buffer.from(answer.json.bodyBase64, 'base64').byteLength).toBe(scriptResultBodyMaxBytes);
    expect(answer.json.console.length).toBeGreaterThan(0);
    expect(encodedBytes(answer)).toBeLessThanOrEqual(lambdaResponseMaxBytes);
  });

  it('is an invalid result when the responder headers, escaped twice, would carry it past the limit', async () => {
    // About 300 KB once escaped on the public path (which serves it), 600 KB escaped twice in the dry run.
    const headers = Array.from({ length: 20 }, (_, i) => [`x-r${i}`, '"'.repeat(7_500)]);
    const answer = await dryRun({
      headers,
      script: `({ body: new Uint8Array(${scriptResultBodyMaxBytes}) })`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.outcome).toBe('invalid');
    expect(answer.json.statusCode).toBe(500);
    expect(Buffer.from(answer.json.bodyBase64, 'base64').toString()).toBe(
      `Script returned an invalid result: the dry run's answer (body in base64, headers and console) is larger than ${managementAnswerMaxBytes} bytes once encoded for Lambda`,
    );
    expect(encodedBytes(answer)).toBeLessThanOrEqual(lambdaResponseMaxBytes);
  });
});
