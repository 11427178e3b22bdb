// Readable stack traces in the logs of the minified Lambda bundles, without `--enable-source-maps`. With that flag
// Node reads and parses the source map of every module as it is imported (index.mjs.map is 0.8 MB), which cost
// 15-40 ms of every cold start although only a logged error ever needs the map. Here the map is read the first time
// a stack trace through the bundle is formatted; each frame keeps V8's text with the bundle's `line:column` replaced
// by the TypeScript source's.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Maps the frames of stack traces that fall in the bundle at `moduleUrl` (with `<file>.map` beside it) to the original
 * sources. Does nothing without a map beside the module (not bundled: tsx, vitest).
 */
export function mapBundleStackTraces(moduleUrl: string): void {
  const mapFile = `${fileURLToPath(moduleUrl)}.map`;
  if (!existsSync(mapFile)) return;
  let map: SourceMap | null | undefined;
  const sourceMap = () => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    return map;
  };
  const mapFileUrl = pathToFileURL(mapFile);
  const original = (whole: string, line: string, column: string) => {
    const entry = sourceMap()?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return whole;
    const source = new URL(entry.originalSource, mapFileUrl);
    return `${fileURLToPath(source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  };
  const location = new RegExp(`${escapeRegExp(moduleUrl)}:(\\d+):(\\d+)`, 'g');
  // Node (20.20 here) puts its own formatter here; where it is unset, V8's format is written out.
  const format =
    Error.prepareStackTrace ?? ((error, frames) => [headerOf(error), ...frames].join('\n    at '));
  Error.prepareStackTrace = (error, frames) => {
    const stack: unknown = format.call(Error, error, frames);
    return typeof stack === 'string' ? stack.replace(location, original) : stack;
  };
}

/** What V8 puts first in a stack trace: `Name: message`. */
function headerOf(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
