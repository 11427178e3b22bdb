// `npm run responders -- export <namespace> > file.json` and `npm run responders -- import file.json`: a
// namespace's responders as a RESPONDERS_FILE (docs/contract.md §8), so they can live in git and be applied to any stack.
// Import replaces the responder with the same location and method, so applying a file twice changes nothing
// more than applying it once. Scripts are syntax-checked first, as the management API does.
import { runCommand, UsageError } from '../lib/cli/command.ts';
import { checkSavedTests, importResponders, readRespondersFile } from '../lib/local/responders-file.ts';
import { namespaceSchema } from '../lib/responders/schema.ts';
import { createSandbox } from '../lib/sandbox/index.ts';

const usage = 'npm run --silent responders -- export <namespace> > file.json | import <file.json>';

await runCommand('responders', usage, async (openStores) => {
  const [command, argument, ...extra] = process.argv.slice(2);
  if (!argument || extra.length > 0) throw new UsageError('expected a command and one argument');
  if (command === 'export') {
    const namespace = namespaceSchema.safeParse(argument);
    if (!namespace.success) throw new UsageError(namespace.error.issues[0]?.message ?? 'invalid namespace');
    const stores = openStores();
    try {
      const responders = (await stores.responders.listAll(namespace.data)).map(
        ({ name, location, method, enabled, settings, tests }) => ({
          name,
          location,
          method,
          enabled,
          settings,
          ...(tests ? { tests } : {}),
        }),
      );
      process.stdout.write(`${JSON.stringify({ namespace: namespace.data, responders }, null, 2)}\n`);
      process.stderr.write(`exported ${responders.length} responders of ${namespace.data}\n`);
    } finally {
      stores.close();
    }
  } else if (command === 'import') {
    let groups: Awaited<ReturnType<typeof readRespondersFile>>;
    try {
      groups = await readRespondersFile(argument);
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/^RESPONDERS_FILE /, ''));
    }
    await checkScripts(argument, groups);
    const stores = openStores();
    try {
      for (const group of groups) {
        const { created, replaced } = await importResponders(stores.responders, group);
        process.stderr.write(
          `imported ${created + replaced} responders into ${group.namespace} (${replaced} replaced)\n`,
        );
      }
    } finally {
      stores.close();
    }
  } else {
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
});

/** Syntax of every script, then every saved test (docs/contract.md §9), before anything is written. */
async function checkScripts(file: string, groups: Awaited<ReturnType<typeof readRespondersFile>>) {
  const scripts = groups.flatMap((group, groupIndex) =>
    group.responders.flatMap((responder, index) =>
      responder.settings.script === undefined
        ? []
        : [
            {
              where: `${groups.length > 1 ? `[${groupIndex}].` : ''}responders[${index}]`,
              script: responder.settings.script,
            },
          ],
    ),
  );
  const hasTests = groups.some((group) => group.responders.some((r) => (r.tests?.length ?? 0) > 0));
  if (scripts.length === 0 && !hasTests) return;
  const sandbox = createSandbox({ poolSize: 1 });
  try {
    for (const { where, script } of scripts) {
      const check = await sandbox.checkSyntax(script);
      if (!check.ok) {
        throw new UsageError(
          `${file}: ${where}.settings.script: syntax error: ${check.message} (line ${check.line})`,
        );
      }
    }
    try {
      await checkSavedTests(file, groups, sandbox);
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/^RESPONDERS_FILE /, ''));
    }
  } finally {
    await sandbox.close();
  }
}
