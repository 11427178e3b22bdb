// The built console (docs/contract.md §11): its assets, named by their content hash, and the two the page loads.
// Built in memory by `npm start` (build.ts) and written beside the management function's bundle for AWS, where
// the handler reads them back at cold start: a handful of files, read once.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ConsoleAsset {
  /** The file name under /api/console/, with its content hash (`main-AB12CD34.js`). */
  name: string;
  contentType: string;
  text: string;
  /** A strong ETag from the content, so a browser's revalidation is a 304 without a body. */
  etag: string;
  /** The text gzipped, as base64 (API Gateway HTTP APIs do not compress; the function sends it so). */
  gzipBase64(): string;
  /** The gzipped representation's own ETag. */
  gzipEtag: string;
}

export interface ConsoleBundle {
  assets: ReadonlyMap<string, ConsoleAsset>;
  /** The names of the module script and the style sheet the page links. */
  script: string;
  style: string;
}

/** The directory beside the management function's handler bundle that holds the console's build. */
export const bundledConsoleDirName = 'console';

/** Written beside the assets: which of them the page loads. */
export const consoleManifestFileName = 'console.json';

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export function consoleAsset(name: string, text: string): ConsoleAsset {
  const contentType = contentTypes[path.extname(name)];
  if (!contentType) throw new Error(`console asset ${name}: no content type for its extension`);
  const hash = createHash('sha256').update(text).digest('base64url').slice(0, 22);
  // Compressed on first request, not at cold start: most environments never serve the console.
  let gzipped: string | undefined;
  const gzipBase64 = () => {
    gzipped ??= gzipSync(text, { level: 9 }).toString('base64');
    return gzipped;
  };
  return { name, contentType, text, etag: `"${hash}"`, gzipBase64, gzipEtag: `"${hash}-gzip"` };
}

export function consoleBundle(assets: ConsoleAsset[], script: string, style: string): ConsoleBundle {
  const byName = new Map(assets.map((asset) => [asset.name, asset]));
  for (const entry of [script, style]) {
    if (!byName.has(entry)) throw new Error(`console bundle: ${entry} is not among its assets`);
  }
  return { assets: byName, script, style };
}

export function writeConsoleBundle(bundle: ConsoleBundle, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const asset of bundle.assets.values()) writeFileSync(path.join(dir, asset.name), asset.text);
  const manifest = { script: bundle.script, style: bundle.style, assets: [...bundle.assets.keys()] };
  writeFileSync(path.join(dir, consoleManifestFileName), JSON.stringify(manifest));
}

/** The bundle written by writeConsoleBundle, or undefined when `dir` holds none (an unbundled handler). */
export function readConsoleBundle(dir: string): ConsoleBundle | undefined {
  let manifest: { script: string; style: string; assets: string[] };
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, consoleManifestFileName), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const assets = manifest.assets.map((name) =>
    consoleAsset(name, readFileSync(path.join(dir, name), 'utf8')),
  );
  return consoleBundle(assets, manifest.script, manifest.style);
}
