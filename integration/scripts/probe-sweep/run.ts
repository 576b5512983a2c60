// The probe sweep: every package's public API fed bad types, out-of-range and non-finite
// numbers, empty inputs, misspelt options, aborted and concurrent calls and corrupt files, as a
// user would. Each package runs in a child process so a hang or crash is recorded and the sweep
// goes on. Prints a table per package and a summary; `--json` writes every result.
//   pnpm probe [--only datasets,sampling] [--json results.json]
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ProbeKind, ProbeResult } from './types.js';

const { values } = parseArgs({
  options: { only: { type: 'string' }, json: { type: 'string' } },
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
});
const here = new URL('.', import.meta.url);
const suites = readdirSync(new URL('probes/', here))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => !values.only || values.only.split(',').includes(name));

/** Runs a suite from `start`; resolves with its results, restarting after a hang or crash. */
async function runSuite(name: string): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  let start = 0;
  for (;;) {
    const outcome = await new Promise<{ next: number | null }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--conditions=@rnnkit/source',
          '--import',
          'tsx',
          new URL('child.ts', here).pathname,
          new URL(`probes/${name}.ts`, here).href,
          String(start),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let current: { index: number; name: string; kind: ProbeKind; since: number; timeoutMs: number } | null =
        null;
      let buffer = '';
      let stderr = '';
      let finished = false;
      const watchdog = setInterval(() => {
        if (current && performance.now() - current.since > current.timeoutMs) child.kill('SIGKILL');
      }, 250);
      child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      child.stdout.on('data', (chunk) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(line);
          } catch {
            continue;
          }
          if (typeof parsed['start'] === 'number') {
            current = {
              index: parsed['start'],
              name: String(parsed['name']),
              kind: parsed['kind'] as ProbeKind,
              since: performance.now(),
              timeoutMs: Number(parsed['timeoutMs']),
            };
          } else if (parsed['done']) finished = true;
          else {
            results.push(parsed as unknown as ProbeResult);
            current = null;
          }
        }
      });
      child.on('exit', (code, signal) => {
        clearInterval(watchdog);
        if (finished) return resolve({ next: null });
        if (current === null) {
          results.push({
            name: `${name}: suite set-up`,
            kind: 'valid',
            verdict: 'crash',
            detail: `exit ${code ?? signal}: ${stderr.slice(-300)}`,
            ms: 0,
          });
          return resolve({ next: null });
        }
        const verdict = signal === 'SIGKILL' ? 'hang' : 'crash';
        results.push({
          name: `#${current.index}`,
          kind: 'valid',
          verdict,
          detail: `exit ${code ?? signal}: ${stderr.slice(-300)}`,
          ms: Math.round(performance.now() - current.since),
        });
        resolve({ next: current.index + 1 });
      });
    });
    if (outcome.next === null) return results;
    start = outcome.next;
  }
}

const all: Record<string, ProbeResult[]> = {};
for (const name of suites) {
  const results = await runSuite(name);
  all[name] = results;
  const bad = results.filter((result) => result.verdict !== 'good');
  console.log(
    `\n@rnnkit/${name}: ${results.length} probes, ${results.length - bad.length} handled well, ${bad.length} badly`,
  );
  for (const result of bad) console.log(`  ${result.verdict.padEnd(11)} ${result.name} — ${result.detail}`);
}
console.log('\n| package | probes | handled well | handled badly |\n| --- | --- | --- | --- |');
let [total, good] = [0, 0];
for (const [name, results] of Object.entries(all)) {
  const well = results.filter((result) => result.verdict === 'good').length;
  [total, good] = [total + results.length, good + well];
  console.log(`| ${name} | ${results.length} | ${well} | ${results.length - well} |`);
}
console.log(`| all | ${total} | ${good} | ${total - good} |`);
if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 2));
