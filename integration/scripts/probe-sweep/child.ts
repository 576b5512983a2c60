// Runs one package's probes in this process, from index argv[3], printing one JSON line per
// probe: `{"start":i}` before it, the ProbeResult after. The parent kills us on a hang.
import { RnnkitError } from '@rnnkit/core';
import type { ProbeResult, ProbeSuite, Verdict } from './types.js';

const [suiteFile, startArg] = process.argv.slice(2);
const suite = (await import(suiteFile!)).default as ProbeSuite;
await suite.setup?.();
const probes = await suite.probes();
const tf = suite.checksTensors ? await import('@tensorflow/tfjs-core') : null;

function emit(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

for (let index = Number(startArg ?? 0); index < probes.length; index++) {
  const probe = probes[index]!;
  emit({ start: index, name: probe.name, kind: probe.kind, timeoutMs: (probe.timeoutSeconds ?? 10) * 1000 });
  const before = tf?.memory().numTensors ?? 0;
  const started = performance.now();
  let verdict: Verdict = 'good';
  let detail = '';
  try {
    await probe.run();
    if (probe.expect !== 'ok') [verdict, detail] = ['silent', 'returned normally'];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    detail = `${(error as Error)?.name ?? typeof error}${error instanceof RnnkitError ? ` ${error.code}` : ''}: ${message.slice(0, 160)}`;
    if (probe.expect === 'ok') verdict = 'failed';
    else if (!(error instanceof RnnkitError)) verdict = 'untyped';
    else if (typeof probe.expect === 'object' && error.code !== probe.expect.code) verdict = 'wrong-code';
    else if (/\[object Object\]|undefined undefined|received null/.test(message)) verdict = 'bad-message';
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  const leaked = (tf?.memory().numTensors ?? 0) - before;
  if (leaked > 0 && (verdict === 'good' || verdict === 'silent')) {
    [verdict, detail] = ['leak', `${leaked} tensors left; ${detail}`];
  }
  const result: ProbeResult = {
    name: probe.name,
    kind: probe.kind,
    verdict,
    detail,
    ms: Math.round(performance.now() - started),
  };
  emit(result);
}
emit({ done: true });
process.exit(0);
