// The browser bundle holds none of rnnkit's Node-only code: the `#node-platform` import picks
// the browser stand-in, so no taskset/os/worker_threads patches, and no `node:` import survives.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './paths.js';

const assets = join(ROOT, 'dist/assets');
const scripts = () =>
  readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, code: readFileSync(join(assets, name), 'utf8') }));

/** Every match of `pattern` with `radius` characters around it. */
function contexts(code: string, pattern: RegExp, radius = 300): string[] {
  return [...code.matchAll(new RegExp(pattern, 'g'))].map((m) =>
    code.slice(Math.max(0, m.index - radius), m.index + m[0].length + radius),
  );
}

describe('the built bundle (vite build)', () => {
  it('has the page, its training worker and the three wasm binaries', () => {
    const names = readdirSync(assets);
    expect(names.some((name) => /^index-.*\.js$/.test(name))).toBe(true);
    expect(names.some((name) => /^train-worker-.*\.js$/.test(name))).toBe(true);
    for (const wasm of ['tfjs-backend-wasm', 'tfjs-backend-wasm-simd', 'tfjs-backend-wasm-threaded-simd']) {
      expect(
        names.some((name) => new RegExp(`^${wasm}-[\\w-]+\\.wasm$`).test(name)),
        wasm,
      ).toBe(true);
    }
    const main = scripts().find((s) => s.name.startsWith('index-'))!.code;
    expect(main).toContain('RnnkitGRU'); // rnnkit's layers are registered (saved models load)
    expect(main).toContain('it works in Node only'); // the browser platform's answer to pinThreads
  });

  it("contains none of rnnkit's Node-only code: no taskset, /proc, node: specifiers", () => {
    for (const { name, code } of scripts()) {
      for (const pattern of [
        /taskset/,
        /\/proc\/thread-self/,
        /node:[a-z_]+/,
        /rnnkitThreadId|readlinkSync/,
      ]) {
        const found = contexts(code, pattern, 80);
        expect(found, `${name} matches ${pattern}`).toEqual([]);
      }
    }
  });

  it("names Node builtins (worker_threads, os, fs) only in tfjs-backend-wasm's emscripten glue, in its dead Node branch", () => {
    const builtins = /worker_threads|require\(["'](?:os|fs|path|child_process)["']\)/;
    for (const { name, code } of scripts()) {
      const outside = contexts(code, builtins, 400).filter(
        (around) => !/ENVIRONMENT_IS_NODE|is not supported in this node\.js build/.test(around),
      );
      expect(
        outside.map((around) => around.slice(300, 520)),
        name,
      ).toEqual([]);
    }
  });
});
