import * as tf from '@tensorflow/tfjs-core';

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
type Listener = (...args: unknown[]) => void;

const EVENTS: readonly ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];

/**
 * The two handlers emscripten's Node glue installs on the main thread when tfjs-backend-wasm's
 * module starts (both builds, minified or not; whitespace and `;` stripped before matching):
 * `process.on('uncaughtException', function (ex) { if (!(ex instanceof ExitStatus)) throw ex })`
 * and `process.on('unhandledRejection', function (reason) { throw reason })`.
 */
const EMSCRIPTEN_HANDLERS: Readonly<Record<ProcessEvent, RegExp>> = {
  uncaughtException: /^(?:function)?\((\w+)\)(?:=>)?\{if\(!\(\1instanceofExitStatus\)\)\{?throw\1\}?\}$/,
  unhandledRejection: /^(?:function)?\((\w+)\)(?:=>)?\{throw\1\}$/,
};

function isEmscriptenHandler(event: ProcessEvent, listener: unknown): boolean {
  if (typeof listener !== 'function') return false;
  const source = Function.prototype.toString.call(listener).replace(/[\s;]/g, '');
  return source.length < 200 && EMSCRIPTEN_HANDLERS[event].test(source);
}

/**
 * Removes the `uncaughtException` / `unhandledRejection` handlers emscripten's glue added to
 * `process`. A listener that throws turns every uncaught error of the program — the user's own
 * `throw new Error('my bug')` included — into Node's exit code 7, printed as the throwing line of
 * the glue: ~38 KB of minified code (57 KB for the threaded build) above the user's message.
 * Without them Node reports an error as it always does (the user's message and stack, exit
 * code 1; an unhandled rejection as Node's `--unhandled-rejections` mode says).
 *
 * Nothing of emscripten's is lost: the first handler only swallows `ExitStatus`, which the main
 * thread throws from `exit()` — tfjs' wasm module is a library that never calls it — and the
 * threaded build's pthread workers install and keep their own handlers in their own `process`
 * (and catch `ExitStatus` around each thread's entry point themselves).
 *
 * Also guards the wasm backend's `dispose()`: tfjs 4.22's glue means to remove its own two
 * handlers then, but a precedence slip (`!list.indexOf(l) > -1`, always true) makes it remove
 * every listener present when the module started, the application's included. Listeners of the
 * program are put back after it.
 *
 * Safe to call any number of times, also when the backend did not start.
 */
export function removeWasmProcessHandlers(): void {
  for (const event of EVENTS) {
    for (const listener of process.rawListeners(event)) {
      if (isEmscriptenHandler(event, listener)) process.removeListener(event, listener as Listener);
    }
  }
  guardWasmDispose();
}

/** The part of tfjs' `BackendWasm` we patch. */
interface WasmBackendFields {
  wasm?: { tfjs?: { dispose?: (() => void) & { rnnkitGuarded?: true } } } | null;
}

function guardWasmDispose(): void {
  let backend: WasmBackendFields | undefined;
  try {
    backend = tf.engine().registry['wasm'] as WasmBackendFields | undefined;
  } catch {
    return;
  }
  const tfjs = backend?.wasm?.tfjs;
  const dispose = tfjs?.dispose;
  if (tfjs == null || typeof dispose !== 'function' || dispose.rnnkitGuarded) return;
  const guarded = Object.assign(
    () => {
      const before = EVENTS.map((event) => [event, process.rawListeners(event)] as const);
      try {
        dispose();
      } finally {
        for (const [event, listeners] of before) {
          const now = process.rawListeners(event);
          for (const listener of listeners) {
            if (!now.includes(listener) && !isEmscriptenHandler(event, listener)) {
              process.on(event, listener as Listener);
            }
          }
        }
      }
    },
    { rnnkitGuarded: true as const },
  );
  tfjs.dispose = guarded;
}
