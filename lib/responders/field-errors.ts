// The messages of the JSON schemas name the field they are about, so they read well on their own and
// describe-issues.ts can put the field's full path in front.

/** A type error that tells a missing field from a wrong one, naming the field either way. */
export const typeError =
  (field: string, expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `${field}: is required` : `${field}: must be ${expected}`;
