// Writes the web console's build (docs/contract.md §11) into a directory: the CDK bundling of the management function
// runs it to put the console beside the handler, which serves it from there (functions/management.ts).

import { buildConsole } from '../lib/console/build.ts';
import { writeConsoleBundle } from '../lib/console/bundle.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tsx scripts/build-console.ts <output directory>\n');
  process.exit(2);
}
writeConsoleBundle(await buildConsole(), dir);
