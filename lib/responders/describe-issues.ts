// A failed parse of the JSON schemas as the API and the command lines report it.
import type { z } from 'zod';

/**
 * One line per problem, each naming the field (`settings.headers[0][0]: …`). The field path comes from zod;
 * the schemas' messages repeat the field's name so they also read well on their own.
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = formatFieldPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => (field ? `${field}.${key}` : key));
        return `${keys.join(', ')}: unknown field${keys.length > 1 ? 's' : ''}`;
      }
      if (!field) return issue.message;
      // The schemas' messages start with their field's name; under a longer path (e.g. a responders file) the
      // message's own name is replaced by the full one.
      const named = /^([\w.[\]]+): (.*)$/s.exec(issue.message);
      if (named?.[1] && named[2] !== undefined && withoutIndexes(field).endsWith(withoutIndexes(named[1]))) {
        return `${field}: ${named[2]}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function withoutIndexes(field: string): string {
  return field.replace(/\[\d+\]/g, '');
}
