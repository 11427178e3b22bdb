// Headers and query of a request as the core and its scripts see them, built the same way by the API Gateway
// adapter, the dry run and `npm run try`.

/**
 * An empty record for names chosen by callers (headers, query keys). Without a prototype, `constructor` or
 * `__proto__` are plain names: on `{}` the first would read as Object's own constructor and the second be dropped.
 */
export function nameValueRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** One value per key, the last wins (API Gateway's own `queryStringParameters` joins them with `,`). */
export function parseQuery(rawQuery: string): Record<string, string> {
  const query = nameValueRecord();
  if (!rawQuery) return query;
  try {
    for (const [key, value] of new URLSearchParams(rawQuery)) query[key] = value;
  } catch {
    // URLSearchParams does not throw on odd input in Node; kept total for safety.
  }
  return query;
}

/**
 * Lower-case names, the values of a repeated name (given twice in different case, or as an array) joined with
 * `,` as API Gateway joins them; an undefined value is no header.
 */
export function headerRecord(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const record = nameValueRecord();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(',');
    record[key] = key in record ? `${record[key]},${joined}` : joined;
  }
  return record;
}
