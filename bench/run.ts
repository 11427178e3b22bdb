// `npm run bench [-- SECTION...]`: runs benchmark sections (all by default) and writes each one's numbers to
// bench/results/<section>.json and .md, with the machine and the date. Not a test: nothing asserts.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './section.ts';

const sections: Record<string, () => Promise<BenchSection>> = {
  sandbox: async () => (await import('./sandbox.ts')).benchSandbox(),
  'webhook-handler': async () => (await import('./handler.ts')).benchHandler(),
  'webhook-http': async () => (await import('./http.ts')).benchHttp(),
};

const resultsDir = join(import.meta.dirname, 'results');

function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    /** Other work on the machine skews every number: the 1-minute load average when the section started. */
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function markdown(name: string, section: BenchSection, env: ReturnType<typeof machine>): string {
  const columns = Object.keys(section.rows[0] ?? {});
  const lines = [
    `# ${section.title}`,
    '',
    `${env.date} · Node ${env.node} · ${env.cpus} cores (${env.cpuModel}) · ${env.memoryGiB} GiB · load average ${env.loadAverage} · \`npm run bench -- ${name}\``,
    '',
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...section.rows.map((row) => `| ${columns.map((column) => String(row[column] ?? '')).join(' | ')} |`),
    '',
    ...section.notes.map((note) => `- ${note}`),
    '',
  ];
  return lines.join('\n');
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in sections));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}\n`,
  );
  process.exit(2);
}
await mkdir(resultsDir, { recursive: true });
for (const name of wanted.length > 0 ? wanted : Object.keys(sections)) {
  const env = machine();
  process.stdout.write(`bench: ${name}…\n`);
  const section = await (sections[name] as () => Promise<BenchSection>)();
  await writeFile(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ machine: env, ...section }, null, 2)}\n`,
  );
  const text = markdown(name, section, env);
  await writeFile(join(resultsDir, `${name}.md`), text);
  process.stdout.write(text);
}
