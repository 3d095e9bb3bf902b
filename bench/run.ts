// `npm run bench [name ...]`: runs every benchmark, or the named ones, prints a table, and merges
// the figures into bench/results.json as { "<benchmark>": { "<metric>": number } }. The machine
// they ran on is written beside it, to bench/machine.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

type Benchmark = () => Promise<{ run: () => Promise<Record<string, number>> }>;

/** Every benchmark, by the name results are filed under. Later modules add theirs here. */
const benchmarks: Record<string, Benchmark> = {
  realtime_fanout: () => import('./realtime-fanout.ts'),
  progress_fanout: () => import('./progress-fanout.ts'),
  booking_storm: () => import('./booking-storm.ts'),
  bulk_assign: () => import('./bulk-assign.ts'),
  overdue_sweep: () => import('./overdue-sweep.ts'),
  stats_snapshot: () => import('./stats-snapshot.ts'),
  csv_export: () => import('./csv-export.ts'),
  certificate_render: () => import('./certificate-render.ts'),
  cohort_graduation: () => import('./cohort-graduation.ts'),
};

const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
const machinePath = fileURLToPath(new URL('./machine.json', import.meta.url));

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    measuredAt: new Date().toISOString(),
  };
}

async function main() {
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = requested.filter((name) => !(name in benchmarks));
  if (unknown.length) {
    process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}\n`);
    process.exit(2);
  }
  const names = requested.length ? requested : Object.keys(benchmarks);
  const results: Record<string, Record<string, number>> = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
  const described = machine();
  process.stdout.write(`Machine: ${described.cpu}, ${described.cores} cores, ${described.memoryGiB} GiB, Node ${described.node}\n\n`);
  const rows: [string, string, string][] = [];
  for (const name of names) {
    process.stdout.write(`running ${name}…\n`);
    const started = performance.now();
    const figures = await (await benchmarks[name]()).run();
    results[name] = figures;
    for (const [metric, value] of Object.entries(figures)) rows.push([name, metric, String(value)]);
    process.stdout.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
  }
  writeFileSync(machinePath, JSON.stringify(described, null, 2) + '\n');
  const widths = [0, 1, 2].map((i) => Math.max(['benchmark', 'metric', 'value'][i].length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  process.stdout.write(`\n${line(['benchmark', 'metric', 'value'])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
