// `pnpm quality`: runs every example's `quality` script one after the other (each alone on the
// machine: they measure time too), then prints one table of results against the targets.
//   pnpm quality                          # every example (hours on 2 cores)
//   pnpm quality --only char-lm,forecast  # some of them
//   pnpm quality --table                  # only the table, from the results already written
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration, formatQualityTable, QualityResultsError, readSummaries } from './quality-table.js';

const USAGE = `Usage: pnpm quality [--only a,b] [--table]
  --only a,b   run only these examples (folder names under examples/)
  --table      run nothing: print the table from the results already in examples/*/results/`;

const examplesDir = resolve(import.meta.dirname, '..', 'examples');

async function examplesWithQuality(): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(examplesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      const manifest = JSON.parse(await readFile(join(examplesDir, entry.name, 'package.json'), 'utf8'));
      if (typeof manifest.scripts?.quality === 'string') names.push(entry.name);
    } catch {
      // Not a package folder.
    }
  }
  return names.sort();
}

function run(name: string): Promise<number> {
  return new Promise((done, failed) => {
    const child = spawn('pnpm', ['run', 'quality'], { cwd: join(examplesDir, name), stdio: 'inherit' });
    child.on('error', failed);
    child.on('exit', (code, signal) => done(code ?? (signal === null ? 1 : 128)));
  });
}

async function main(): Promise<number> {
  let values: { only?: string; table?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== '--'),
      options: { only: { type: 'string' }, table: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const available = await examplesWithQuality();
  const chosen = values.only === undefined ? available : values.only.split(',').map((name) => name.trim());
  const unknown = chosen.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    console.error(
      `--only: no example with a quality script named ${unknown.join(', ')}; there are: ${available.join(', ')}.`,
    );
    return 1;
  }
  const failed: string[] = [];
  if (!values.table) {
    for (const name of chosen) {
      const started = performance.now();
      console.log(`\n=== ${name}: pnpm quality ===`);
      const code = await run(name);
      const took = formatDuration((performance.now() - started) / 1000);
      console.log(`=== ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${took} ===`);
      if (code !== 0) failed.push(name);
    }
  }
  const { summaries, missing } = await readSummaries(examplesDir, chosen);
  console.log(`\n${formatQualityTable(summaries)}`);
  if (missing.length > 0) console.log(`\nNo results yet: ${missing.join(', ')}.`);
  if (failed.length > 0) console.error(`\nQuality runs that failed: ${failed.join(', ')}.`);
  return failed.length === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof QualityResultsError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
