// Every limit, default and cap of the product in one place, with units in the names (docs/contract.md §2, §3, §4, §5).

/** Per-execution script limits used when a responder sets none (docs/contract.md §3). */
export const defaultScriptLimits = {
  memoryBytes: 10 * 1024 * 1024,
  deadlineMs: 5_000,
  stackBytes: 512 * 1024,
} as const;

/** The most a responder may ask for. API Gateway gives up after 30 s, so the deadline stays below it. */
export const deploymentCaps = {
  memoryBytes: 64 * 1024 * 1024,
  deadlineMs: 25_000,
} as const;

const mebibyte = 1024 * 1024;
/**
 * The memory size classes of the sandbox (ascending; the last is `deploymentCaps.memoryBytes`). A sandbox worker
 * keeps one QuickJS module per class in use, whose WebAssembly memory is sized for the class: building a module
 * costs ~20 ms, so a limit outside a fixed set of classes would make every tenant with an unusual limit rebuild
 * modules on the workers all tenants share. A script may use up to its limit rounded up to the next class (the
 * hard bound: the memory's `maximum`); QuickJS's own count, set to the exact limit, stops some scripts before.
 * - 1, 2, 4 MiB: a responder that asks for little is held close to it (below 16 MiB every module's memory is
 *   16 MiB, the QuickJS build's minimum, so these cost no more address space than the default's);
 * - 10 MiB: the default (`defaultScriptLimits`), held exactly;
 * - 16, 24, 32, 48, 64 MiB: steps of at most 1.5x up to the cap, so a limit above the default gets at most
 *   50 % more.
 * Nine classes: a worker holds at most nine modules, each at most 16 MiB (up to the 10 MiB class) or 32 MiB
 * (its high-water mark, past which it is rebuilt) of WebAssembly memory, about 230 MiB with all in use.
 */
export const scriptMemoryClassesBytes = [1, 2, 4, 10, 16, 24, 32, 48, 64].map((mib) => mib * mebibyte);

/** The class a memory limit falls in: the smallest class that holds it (the limit itself above the largest). */
export function scriptMemoryClassBytes(memoryBytes: number): number {
  return scriptMemoryClassesBytes.find((ceiling) => ceiling >= memoryBytes) ?? memoryBytes;
}

/**
 * How long past the deadline the host waits before it stops a script from outside (a script stuck in a
 * native built-in never returns to the interpreter loop, so the engine's own interrupt cannot stop it).
 */
export const hardStopGraceMs = 100;

/**
 * A script that ran out of time is confined for this long after (each time it does) to one worker of a pool,
 * so that a tenant whose script keeps timing out holds up one worker, not all of them.
 */
export const timedOutScriptConfinedMs = 60_000;
/** Scripts remembered as confined at once (the most recent; each entry holds its script text). */
export const confinedScriptsMax = 64;
/**
 * The nice value of the worker confined scripts run on (0 is normal, 19 the lowest): on a busy machine a
 * script looping to its deadline there gets the CPU the other workers and the main thread leave over.
 */
export const confinedWorkerNiceness = 10;

/**
 * The script circuit breaker (docs/contract.md §10), per responder and per process: this many consecutive faults open it,
 * for this long the first time, doubled at each failed trial up to the maximum.
 */
export const breakerFaultsToOpen = 5;
export const breakerOpenMs = 30_000;
export const breakerOpenMaxMs = 5 * 60_000;
/**
 * Responders whose breaker state one process keeps at once (only those with recent faults have one); beyond it
 * the oldest is forgotten, which at worst lets a failing script run again.
 */
export const breakerRespondersMax = 10_000;

export const scriptMaxBytes = 64 * 1024;
export const staticBodyMaxBytes = 1024 * 1024;
export const scriptResultBodyMaxBytes = 4 * 1024 * 1024;
/**
 * Headers of a script's answer (names and values; a field value is Latin-1, so a character is a byte). A
 * browser or proxy refuses far fewer; the bound keeps an answer inside Lambda's response payload next to a
 * body at its cap: 64 KiB escaped for JSON (at most twice as long) plus 4 MiB in base64 is about 5.7 MB.
 */
export const scriptResultHeadersMax = 100;
export const scriptResultHeadersMaxBytes = 64 * 1024;

/** A final answer's status (docs/contract.md §2, §3): a 1xx is an interim response, which would leave the request unanswered. */
export const finalStatusCodeMin = 200;
export const finalStatusCodeMax = 599;

/**
 * Lambda's synchronous response payload (AWS documents "6 MB"; it counts the JSON the runtime sends, so a text
 * body counts as JSON-escaped, a binary one as base64). Counted here in decimal megabytes, below the binary
 * 6 MiB Lambda enforces, so an answer that fits by our count fits by theirs. An answer over it is `invalid`.
 */
export const lambdaResponseMaxBytes = 6_000_000;
/**
 * A management answer's JSON (a dry run, a replay, a page of responders or history), counted as it is escaped
 * into the Lambda result's body string; 4 KiB of the limit is left for that result's status and headers.
 */
export const managementAnswerMaxBytes = lambdaResponseMaxBytes - 4 * 1024;

/** Console capture: enough to debug a script, bounded so a chatty script cannot fill memory or history. */
export const consoleMaxLines = 100;
export const consoleMaxLineChars = 2_000;
export const consoleMaxTotalChars = 16 * 1024;

export const responderPathMaxChars = 100;
export const responderNameMaxChars = 100;
export const requestsToTrackMax = 100;

export const historyBodyMaxBytes = 64 * 1024;
/**
 * The answer's headers a tracked request keeps (docs/contract.md §9), in bytes of names and values: with both bodies at
 * their cap and the console at its own, the entry stays well inside DynamoDB's 400 KB item.
 */
export const historyResponseHeadersMaxBytes = 64 * 1024;
export const historyTtlSeconds = 7 * 24 * 60 * 60;
/**
 * How long a process keeps the history number it reserved for its next tracked request of a responder. Past it the
 * number is dropped and a fresh one taken while the script runs: a number held longer lets the other environments
 * take more numbers meanwhile, so the entry would land further behind theirs (and, past N of them, find its slot
 * taken and need a second write). 10 s keeps the one-write path for an environment serving one request every few
 * seconds and is far inside the counter's TTL (days), so a held number never outlives its counter.
 */
export const historyHeldNumberMaxAgeMs = 10_000;

/** Saved tests a responder carries at most (docs/contract.md §9). */
export const savedTestsMax = 20;
/** Tracked requests one replay runs at most (docs/contract.md §9). */
export const replayRequestsMax = 100;
/**
 * What one management call (a replay, a run of saved tests) may spend running scripts, one at a time: the
 * management function's timeout (cdk/function-sizing.ts: the deadline cap, the hard-stop grace and 3 s for the
 * store) less the store's share. An execution starts only if it would end inside this even at its deadline;
 * the rest are reported as not run. So the function always answers before its own timeout.
 */
export const managementRunBudgetMs = deploymentCaps.deadlineMs + hardStopGraceMs;

/**
 * On stop, the local server lets requests already being served finish for this long (a script at the default
 * 5 s deadline does); after it the remaining connections are cut.
 */
export const localStopGraceMs = 10_000;

/** Lambda's synchronous payload limit; the local server answers 413 above it. */
export const requestBodyMaxBytes = 6 * 1024 * 1024;
/** Management API bodies (docs/contract.md §5). */
export const managementBodyMaxBytes = 1.5 * 1024 * 1024;

/** The least a responder may ask for: below these QuickJS cannot even build a context reliably. */
export const minimumScriptLimits = {
  memoryBytes: 1024 * 1024,
  deadlineMs: 1,
} as const;

/**
 * Response headers of one responder. docs/contract.md §2 sets no number; these bounds keep a definition well inside
 * DynamoDB's 400 KB item size next to its body (see lib/store/dynamodb/responder-items.ts).
 */
export const responderHeadersMax = 50;
export const headerNameMaxChars = 256;
export const headerValueMaxChars = 8 * 1024;

/** Namespaces (docs/contract.md §3): the first path segment of a public URL. */
export const namespaceMinChars = 2;
export const namespaceMaxChars = 40;

/** How long a process trusts its cached responder definitions (and its cached misses) by default. */
export const definitionCacheTtlMsDefault = 5_000;
/** Namespaces kept in the definition cache; the oldest go first, so a flood of made-up namespaces stays bounded. */
export const definitionCacheMaxNamespaces = 10_000;

/**
 * The DynamoDB client's budget. A webhook caller waits on the store, so an unreachable or hung store must turn
 * into a 503 within a few seconds, not at API Gateway's 30 s: at worst attempts x (connect or request timeout)
 * plus the SDK's backoff (about 7 s for a store that accepts connections and never answers). A healthy
 * DynamoDB answers a Query of one namespace in tens of milliseconds, far inside the request timeout.
 */
export const storeConnectTimeoutMs = 1_000;
export const storeRequestTimeoutMs = 2_000;
export const storeMaxAttempts = 3;
/**
 * The signed client's backoff (lib/aws/json-service.ts) before retry n is random up to this x 2^(n-1):
 * throttling clears in tens of milliseconds more often than not, and the caller is waiting.
 */
export const storeRetryBaseDelayMs = 50;

/** Management listing page size (docs/contract.md §5 `nextToken` pagination). */
export const listPageSizeDefault = 50;
export const listPageSizeMax = 100;

/**
 * A script's calls to upstreams (docs/contract.md §13), per execution. Ten calls bound what one webhook request can make
 * this service send elsewhere; the body caps keep an answer's bytes inside the script's memory and the
 * script's own 4 MiB result; each call's timeout is also cut to the time left before the script's deadline.
 */
export const upstreamCallsMax = 10;
export const upstreamResponseBodyMaxBytes = 4 * 1024 * 1024;
export const upstreamRequestBodyMaxBytes = 1024 * 1024;
/** Secrets (docs/contract.md §12), per namespace: names of this shape, values of at most this many bytes of UTF-8. */
export const secretNameShape = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const secretValueMaxBytes = 4 * 1024;
export const secretsPerNamespaceMax = 100;
/** The web console's first load, page and assets gzipped (docs/contract.md §11): 250 KB, counted in thousands. */
export const consoleFirstLoadMaxBytes = 250_000;
