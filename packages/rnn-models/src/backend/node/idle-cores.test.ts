import { type ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { autoThreadCount, idleCores, threadsForIdleCores } from './idle-cores.js';

describe("threads: 'auto'", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('takes the idle cores, rounded down unless nearly whole, between 1 and 4', () => {
    expect(threadsForIdleCores(1.97, 2)).toBe(2);
    expect(threadsForIdleCores(1.8, 2)).toBe(2);
    expect(threadsForIdleCores(1.7, 2)).toBe(1); // one core shared with a busy process
    expect(threadsForIdleCores(1.02, 2)).toBe(1);
    expect(threadsForIdleCores(0, 2)).toBe(1);
    expect(threadsForIdleCores(2.5, 2)).toBe(2); // never more than the cores
    expect(threadsForIdleCores(15.9, 16)).toBe(4);
    expect(threadsForIdleCores(2.9, 8)).toBe(3);
  });

  it('counts idle cores between 0 and the number of CPUs', async () => {
    const idle = await idleCores(100);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThanOrEqual(os.cpus().length + 1e-9);
  });

  it('chooses 1 thread while busy processes keep every core busy', async () => {
    for (let k = 0; k < os.availableParallelism(); k++) {
      children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // let them start spinning
    expect(await autoThreadCount()).toBe(1);
  });
});
