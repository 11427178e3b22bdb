// RESPONDERS_FILE (docs/contract.md §8): `{"namespace", "responders": [...]}` or an array of such groups, validated as a
// whole before anything is written, then imported: a responder replaces the one with the same location and
// method (so restarting with DATA_DIR does not fail on what the last start imported).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { runSavedTests } from '../management/saved-tests.ts';
import { describeIssues } from '../responders/describe-issues.ts';
import { namespaceSchema, type ResponderInput, responderCreateSchema } from '../responders/schema.ts';
import type { ResponderStore } from '../store/types.ts';
import type { ScriptRunner } from '../webhook/handle-webhook.ts';

export interface ResponderGroup {
  namespace: string;
  responders: ResponderInput[];
}

const groupSchema = z.strictObject({
  namespace: namespaceSchema,
  responders: z.array(responderCreateSchema),
});

export class RespondersFileError extends Error {
  constructor(file: string, problem: string) {
    super(`RESPONDERS_FILE ${file}: ${problem}`);
    this.name = 'RespondersFileError';
  }
}

export async function readRespondersFile(file: string): Promise<ResponderGroup[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RespondersFileError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RespondersFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  const result = Array.isArray(json) ? z.array(groupSchema).safeParse(json) : groupSchema.safeParse(json);
  if (!result.success) throw new RespondersFileError(file, describeIssues(result.error));
  const groups = Array.isArray(result.data) ? result.data : [result.data];
  checkDuplicates(file, groups, Array.isArray(json));
  return groups;
}

function checkDuplicates(file: string, groups: ResponderGroup[], isArray: boolean) {
  const seen = new Map<string, string>();
  groups.forEach((group, groupIndex) => {
    group.responders.forEach((responder, index) => {
      const where = `${isArray ? `[${groupIndex}].` : ''}responders[${index}]`;
      const key = `${group.namespace} ${routeOf(responder)}`;
      const first = seen.get(key);
      if (first) throw new RespondersFileError(file, `${where}: same location and method as ${first}`);
      seen.set(key, where);
    });
  });
}

const routeOf = (responder: Pick<ResponderInput, 'method' | 'location'>) =>
  `${responder.method} ${responder.location.pathType}${responder.location.path.toLowerCase()}`;

/** Creates each responder, or replaces the one already at its location and method. */
export async function importResponders(
  store: ResponderStore,
  group: ResponderGroup,
): Promise<{ created: number; replaced: number }> {
  const existing = new Map((await store.listAll(group.namespace)).map((r) => [routeOf(r), r]));
  let created = 0;
  let replaced = 0;
  for (const input of group.responders) {
    const current = existing.get(routeOf(input));
    if (current) {
      await store.update(group.namespace, current.id, { ...input, version: current.version });
      replaced++;
    } else {
      await store.create(group.namespace, input);
      created++;
    }
  }
  return { created, replaced };
}

/**
 * Runs every responder's saved tests (docs/contract.md §9) before anything of the file is written; the first responder with a
 * failing test refuses the whole file, naming the responder, each failed test and its expectations.
 */
export async function checkSavedTests(
  file: string,
  groups: ResponderGroup[],
  sandbox: ScriptRunner,
): Promise<void> {
  for (const [groupIndex, group] of groups.entries()) {
    for (const [index, responder] of group.responders.entries()) {
      if (!responder.tests || responder.tests.length === 0) continue;
      // Without secrets: only the functions decrypt (docs/contract.md §12), not the import commands.
      const run = await runSavedTests(
        responder,
        sandbox,
        { namespace: group.namespace, request: { requestId: `import-${groupIndex}-${index}` } },
        {},
      );
      const failed = run.items.filter((item) => !item.passed);
      if (failed.length === 0) continue;
      const where = `${groups.length > 1 ? `[${groupIndex}].` : ''}responders[${index}] (${JSON.stringify(responder.name)})`;
      const what = failed
        .map(
          (item) =>
            `test ${JSON.stringify(item.name)} failed: ${item.failures.map(describeFailure).join(', ')}`,
        )
        .join('; ');
      throw new RespondersFileError(file, `${where}: ${what}`);
    }
  }
}

function describeFailure(failure: { field: string; expected: unknown; actual: unknown }): string {
  const show = (value: unknown) => {
    const text = JSON.stringify(value) ?? 'undefined';
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  };
  return `${failure.field} expected ${show(failure.expected)}, got ${show(failure.actual)}`;
}
