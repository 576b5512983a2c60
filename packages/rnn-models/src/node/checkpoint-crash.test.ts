import { type ChildProcess, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCrashModel, versionWeights } from '../../test/fixtures/checkpoints/crash-model.js';
import { useTempRoot } from '../../test/node-support.js';
import type { RnnModelsError } from '../errors.js';
import { loadModel } from './load-model.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(PACKAGE_ROOT, 'test/fixtures/checkpoints/crash-child.ts');
const KILLS = 4;
const SEED = Number(process.env['RNNKIT_CRASH_SEED'] ?? 20240611);

const temp = useTempRoot('crash');

/** Deterministic delays, so a failing sequence can be replayed with RNNKIT_CRASH_SEED. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A running crash child: what it printed so far, and a way to wait for it. */
class ChildRun {
  readonly child: ChildProcess;
  readonly saved: number[] = [];
  ready = false;
  readonly exited: Promise<void>;
  private stderr = '';
  private buffer = '';
  private waiters: (() => void)[] = [];

  constructor(dir: string, firstVersion: number) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', '@rnnkit/source', CHILD, dir, String(firstVersion)],
      { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.on('data', (chunk: Buffer) => this.onStdout(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
  }

  /** Resolves once `predicate` holds; rejects if the child exits first. */
  async waitFor(predicate: () => boolean): Promise<void> {
    const died = this.exited.then(() => {
      if (!predicate()) throw new Error(`crash child exited early:\n${this.stderr}`);
    });
    while (!predicate()) await Promise.race([new Promise<void>((wake) => this.waiters.push(wake)), died]);
  }

  private onStdout(text: string): void {
    const lines = (this.buffer + text).split('\n');
    this.buffer = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') this.ready = true;
      const match = /^saved (\d+)$/.exec(line);
      if (match) this.saved.push(Number(match[1]));
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}

describe('saveModel survives SIGKILL at random moments', () => {
  it(`a child killed ${KILLS} times mid-saving always leaves one complete saved version`, async () => {
    const dir = join(temp.path, 'ckpt');
    const shapes = (() => {
      const model = buildCrashModel();
      const s = model.weights.map((w) => w.shape as number[]);
      model.dispose();
      return s;
    })();
    const random = lcg(SEED);
    let previous: number | undefined;
    const report: string[] = [];
    for (let run = 0; run < KILLS; run++) {
      const first = (run + 1) * 1000;
      const started = new ChildRun(dir, first);
      // The first run saves once for sure; later runs may die in their first save or in its recovery.
      await started.waitFor(() => (run === 0 ? started.saved.length > 0 : started.ready));
      const delayMs = Math.round(20 + random() * 400);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      started.child.kill('SIGKILL');
      await started.exited;
      const last = started.saved.at(-1);
      const allowed =
        last !== undefined ? [last, last + 1] : [previous, first].filter((v) => v !== undefined);

      let loaded: Awaited<ReturnType<typeof loadModel>>;
      try {
        loaded = await loadModel(dir);
      } catch (error) {
        expect.fail(
          `run ${run} (seed ${SEED}, kill after ${delayMs} ms, saved ${started.saved.join(',')}): ${(error as RnnModelsError).message}`,
        );
      }
      const version = (loaded.extras as { version: number }).version;
      const leftovers = (await readdir(temp.path)).filter((n) => n !== 'ckpt');
      report.push(
        `run ${run}: killed after ${delayMs} ms, ${started.saved.length} saves, loaded v${version} from ${loaded.source}, leftovers [${leftovers.join(', ')}]`,
      );
      expect(allowed, report.join('\n')).toContain(version);
      // the weights are those of the same version as the extras: no mix of two saves
      const expected = versionWeights(shapes, version);
      const actual = loaded.model.getWeights().map((w) => w.dataSync());
      for (let j = 0; j < expected.length; j++) {
        expect(actual[j]!.length).toBe(expected[j]!.length);
        let mismatches = 0;
        for (let i = 0; i < expected[j]!.length; i++) if (actual[j]![i] !== expected[j]![i]) mismatches++;
        expect(mismatches, `weight ${j} of v${version}\n${report.join('\n')}`).toBe(0);
      }
      expect(loaded.optimizer?.className).toBe('SGD');
      loaded.model.dispose();
      previous = version;
    }
    console.log(report.join('\n'));
  }, 60_000);
});
