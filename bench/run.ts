// `npm run bench [-- section ...]`: runs the sections (all by default) and writes one report, Markdown and
// JSON, to bench/results/latest.{md,json}. Sections run alone keep the other sections of the last report.
import { benchCache } from './cache.ts';
import { benchColdStart } from './coldstart.ts';
import { benchCost } from './cost.ts';
import { benchForwarding } from './forwarding.ts';
import { benchHandler } from './handler.ts';
import { benchHttp } from './http.ts';
import { benchMemory } from './memory.ts';
import { machine, type Report, readReport, renderReport, type Section, writeReport } from './report.ts';
import { benchSandbox } from './sandbox.ts';

const sections: Record<string, () => Promise<Section>> = {
  sandbox: () => benchSandbox(),
  handler: () => benchHandler(),
  http: () => benchHttp(),
  coldstart: () => benchColdStart(),
  cache: () => benchCache(),
  memory: () => benchMemory(),
  cost: () => benchCost(),
  forwarding: () => benchForwarding(),
};
const order = Object.keys(sections);

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in sections));
if (unknown.length > 0) {
  process.stderr.write(`unknown section ${unknown.join(', ')}; sections: ${order.join(', ')}\n`);
  process.exit(2);
}
const toRun = asked.length > 0 ? order.filter((name) => asked.includes(name)) : order;

const previous = readReport();
const report: Report = {
  generatedAt: new Date().toISOString(),
  machine: machine(),
  sections: asked.length > 0 ? { ...previous?.sections } : {},
};
const started = performance.now();
for (const name of toRun) {
  const t0 = performance.now();
  process.stderr.write(`bench: ${name}...\n`);
  const section = await sections[name]?.();
  if (section) report.sections[name] = section;
  process.stderr.write(`bench: ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  process.stdout.write(renderReport({ ...report, sections: section ? { [name]: section } : {} }, [name]));
}
writeReport(report);
process.stderr.write(
  `bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s; report in bench/results/latest.md and latest.json\n`,
);
process.exit(0);
