// The benchmark report: one JSON and one Markdown file under bench/results/, with the machine and the date.
// Running some sections only replaces those sections in the report and keeps the others as they were.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, formatMs } from './stats.ts';

export const resultsDir = join(import.meta.dirname, 'results');

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the section ended: other work on the machine skews every figure. */
  loadAverage: number;
}

export interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

/** A table of figures that are not latencies (e.g. costs), rendered as it is. */
export interface Table {
  title: string;
  header: string[];
  rows: string[][];
}

export interface Section {
  title: string;
  /** ISO date and time this section ran. */
  ranAt: string;
  machine: Machine;
  rows: BenchRow[];
  /** Single figures that are not latencies (sizes, counts, memory). */
  facts?: Record<string, string | number>;
  tables?: Table[];
  notes?: string[];
  targets?: Target[];
}

export interface Report {
  generatedAt: string;
  machine: Machine;
  sections: Record<string, Section>;
}

export function machine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
}

export function readReport(): Report | undefined {
  const file = join(resultsDir, 'latest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Report;
  } catch {
    return undefined;
  }
}

/** Writes latest.json and latest.md; returns the Markdown. */
export function writeReport(report: Report): string {
  mkdirSync(resultsDir, { recursive: true });
  const markdown = renderReport(report);
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), markdown);
  return markdown;
}

function describeMachine(m: Machine): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`;
}

export function renderReport(
  report: Report,
  order: readonly string[] = Object.keys(report.sections),
): string {
  const lines = [
    '# Benchmark report',
    '',
    `Generated ${report.generatedAt} on ${describeMachine(report.machine)}.`,
    'Latencies in milliseconds; p50/p99 over every measured call. Produced by `npm run bench`.',
  ];
  const targets: Target[] = [];
  for (const key of order) {
    const section = report.sections[key];
    if (!section) continue;
    lines.push(
      '',
      `## ${section.title} (\`${key}\`)`,
      '',
      `Ran ${section.ranAt}, load average ${section.machine.loadAverage ?? '?'} at its end.`,
    );
    if (describeMachine(section.machine) !== describeMachine(report.machine)) {
      lines.push(`Machine: ${describeMachine(section.machine)}.`);
    }
    if (section.rows.length > 0) {
      lines.push('', '| case | n | per s | p50 ms | p99 ms | note |', '|---|---:|---:|---:|---:|---|');
      for (const row of section.rows) {
        const perSecond = row.perSecond === undefined ? '' : String(Math.round(row.perSecond));
        lines.push(
          `| ${row.name} | ${row.count} | ${perSecond} | ${formatMs(row.p50Ms)} | ${formatMs(row.p99Ms)} | ${row.note ?? ''} |`,
        );
      }
    }
    if (section.facts && Object.keys(section.facts).length > 0) {
      lines.push('');
      for (const [name, value] of Object.entries(section.facts)) lines.push(`- ${name}: ${value}`);
    }
    for (const table of section.tables ?? []) {
      lines.push(
        '',
        `${table.title}:`,
        '',
        `| ${table.header.join(' | ')} |`,
        `|---|${table.header
          .slice(1)
          .map(() => '---:')
          .join('|')}|`,
        ...table.rows.map((row) => `| ${row.join(' | ')} |`),
      );
    }
    if (section.notes && section.notes.length > 0) {
      lines.push('');
      for (const note of section.notes) lines.push(`> ${note}`);
    }
    targets.push(...(section.targets ?? []));
  }
  if (targets.length > 0) {
    lines.push('', '## Targets', '', '| what | target | measured | met |', '|---|---|---|---|');
    for (const t of targets)
      lines.push(`| ${t.what} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  }
  return `${lines.join('\n')}\n`;
}
