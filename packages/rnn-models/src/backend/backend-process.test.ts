import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface ChildResult {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Runs `code` as an ES module in a child Node from the package root, rnnkit resolved to source. */
function runChild(code: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@rnnkit/source', '--import', 'tsx', '--input-type=module', '-e', code],
      { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve({ code: exitCode, stderr, stdout }));
  });
}

const START = (threads: number) =>
  `import { initBackend } from '@rnnkit/rnn-models';\n` +
  `await initBackend({ backend: 'wasm', threads: ${threads}, fallbackToCpu: false });\n`;

/** What a user's failure looks like: thrown in a timer, thrown at top level, or a rejected promise. */
const FAILURES = {
  'an uncaught exception': "setTimeout(() => { throw new Error('my bug 12'); }, 0);",
  'a top-level throw': "throw new Error('my bug 12');",
  'an unhandled rejection': "Promise.reject(new Error('my bug 12'));",
} as const;

/** Markers of tfjs-backend-wasm's emscripten glue in a stack or source excerpt. */
const GLUE = /GROWABLE_HEAP|ExitStatus|wasmMemory|tfjs-backend-wasm|updateGlobalBufferAndViews/;

describe('issue 13 #12: a user error after the wasm backend started prints as Node prints it', () => {
  for (const threads of [1, 2]) {
    for (const [what, failure] of Object.entries(FAILURES)) {
      it(`${what} (threads: ${threads}): exit code and stderr as without rnnkit`, async () => {
        const [withBackend, plain] = await Promise.all([
          runChild(START(threads) + failure),
          runChild(failure),
        ]);
        // Node's own behaviour: exit code 1 and the error with its stack.
        expect(plain.code).toBe(1);
        expect(withBackend.code).toBe(plain.code);
        expect(withBackend.stderr).toContain('Error: my bug 12');
        // Before the fix: exit code 7 and ~38 KB (57 KB threaded) of minified glue.
        expect(withBackend.stderr.length).toBeLessThan(4000);
        expect(withBackend.stderr).not.toMatch(GLUE);
      }, 30_000);
    }
  }

  it("leaves the application's own handlers alone, and tfjs' backend dispose no longer removes them", async () => {
    const { code, stdout, stderr } = await runChild(
      `import * as tf from '@tensorflow/tfjs-core';\n` +
        'const mine = () => {};\n' +
        "process.on('uncaughtException', mine);\n" +
        "process.on('unhandledRejection', mine);\n" +
        START(1) +
        "const count = (e) => process.listeners(e).length + ' ' + process.listeners(e).includes(mine);\n" +
        "console.log('started', count('uncaughtException'), count('unhandledRejection'));\n" +
        "tf.removeBackend('wasm');\n" +
        "console.log('disposed', count('uncaughtException'), count('unhandledRejection'));\n",
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(['started 1 true 1 true', 'disposed 1 true 1 true']);
  }, 30_000);
});

describe('issue 13: concurrent initBackend calls', () => {
  it('run one after the other: every wasm call gets wasm with its threads, the last call chooses the backend', async () => {
    const { code, stdout, stderr } = await runChild(
      "import * as os from 'node:os';\n" +
        "import * as workerThreads from 'node:worker_threads';\n" +
        "import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';\n" +
        "import * as tf from '@tensorflow/tfjs-core';\n" +
        "import { initBackend } from '@rnnkit/rnn-models';\n" +
        'const [cpus, Worker] = [os.cpus, workerThreads.Worker];\n' +
        'const got = await Promise.all([\n' +
        '  initBackend({ threads: 2, fallbackToCpu: false }),\n' +
        '  initBackend({ threads: 2, fallbackToCpu: false }),\n' +
        "  initBackend({ backend: 'cpu' }),\n" +
        ']);\n' +
        'console.log(JSON.stringify([got, tf.getBackend(), getThreadsCount(), os.cpus === cpus, workerThreads.Worker === Worker]));\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([['wasm', 'wasm', 'cpu'], 'cpu', 2, true, true]);
  }, 30_000);
});
