import { describe, expect, it } from 'vitest';
import { EventLoopPacer, yieldToEventLoop } from './event-loop.js';

describe('EventLoopPacer', () => {
  it('is due only after its interval of work, and counts its yields', async () => {
    const pacer = new EventLoopPacer(60_000);
    expect(pacer.due()).toBe(false);
    const eager = new EventLoopPacer(0);
    expect(eager.due()).toBe(true);
    await eager.yield();
    await eager.yield();
    expect(eager.yields).toBe(2);
  });

  it('lets a timer run during a busy loop that yields when due', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const pacer = new EventLoopPacer(4);
    const end = performance.now() + 60;
    while (performance.now() < end) if (pacer.due()) await pacer.yield();
    clearInterval(timer);
    expect(pacer.yields).toBeGreaterThan(3);
    expect(ticks).toBeGreaterThan(0);
  });

  it('yieldToEventLoop resolves after a macrotask, not a microtask', async () => {
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    // Microtasks alone never let the timer run.
    for (let i = 0; i < 100; i++) await Promise.resolve();
    expect(timerRan).toBe(false);
    for (let i = 0; i < 100_000 && !timerRan; i++) await yieldToEventLoop();
    expect(timerRan).toBe(true);
  });
});
