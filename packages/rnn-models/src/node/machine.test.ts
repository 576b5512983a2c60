import { cpus } from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../index.js';
import { describeMachine } from './index.js';

describe('describeMachine', () => {
  it('describes the CPUs, Node and the active backend, and creates no tensors', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const machine = await describeMachine();
    expect(tf.memory().numTensors).toBe(before);
    expect(machine.backend).toBe('cpu');
    expect(machine.threads).toBe(1);
    expect(machine.cores).toBe(cpus().length);
    expect(machine.cpu).toBe(cpus()[0]!.model.trim());
    expect(machine.node).toBe(process.version);
    expect(machine.platform).toMatch(/^\w+ \S+$/);
    expect(machine.loadAverage).toHaveLength(3);
    for (const load of machine.loadAverage) expect(load).toBeGreaterThanOrEqual(0);
  });

  it("reports the wasm backend's thread count", async () => {
    await initBackend({ backend: 'wasm' });
    const machine = await describeMachine();
    expect(machine.backend).toBe('wasm');
    // threads: 'auto' (the default) takes what the machine has idle at the start.
    expect(machine.threads).toBe(getThreadsCount());
  });
});
