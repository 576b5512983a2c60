import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  imports: Record<string, unknown>;
};

/** The target of a conditional `imports` entry for `conditions`, in order of the entry's keys (Node's rule). */
function pickTarget(entry: unknown, conditions: readonly string[]): string | null {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object') return null;
  for (const [condition, target] of Object.entries(entry)) {
    if (!conditions.includes(condition)) continue;
    const picked = pickTarget(target, conditions);
    if (picked !== null) return picked;
  }
  return null;
}

/** Import specifiers of TypeScript source, comments removed: static, re-exports and dynamic `import()`. */
function specifiers(code: string): string[] {
  const found = code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm);
  return [...found].map((match) => match[1]!);
}

function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every source file of this package reachable from `entry` when a bundler resolves with `conditions`. */
function moduleGraph(entry: string, conditions: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    const code = withoutComments(readFileSync(file, 'utf8'));
    files.set(file, code);
    for (const specifier of specifiers(code)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (specifier.startsWith('#')) {
        const target = pickTarget(manifest.imports[specifier], conditions);
        expect(target, `${specifier} resolves under ${conditions.join(', ')}`).not.toBeNull();
        visit(join(PACKAGE_DIR, target!));
      } else bare.add(specifier);
    }
  };
  visit(entry);
  files.set('(bare imports)', [...bare].join('\n'));
  return files;
}

/** {@link moduleGraph} of `src/index.ts` under the source, import, `platform` and default conditions. */
function entryGraph(platform: 'browser' | 'node'): Map<string, string> {
  return moduleGraph(join(PACKAGE_DIR, 'src/index.ts'), ['@rnnkit/source', 'import', platform, 'default']);
}

const NODE_ONLY = [/['"`]node:/, /worker_threads/, /taskset/];

describe('the universal entry in a browser bundle', () => {
  const browser = entryGraph('browser');

  it('reaches the browser platform and none of the Node-only patches', () => {
    const names = [...browser.keys()].map((file) => file.slice(PACKAGE_DIR.length + 1));
    expect(names).toContain('src/backend/browser-platform.ts');
    expect(names.filter((name) => name.includes('/node/'))).toEqual([]);
    const builtins = new Set(builtinModules);
    const bareImports = browser.get('(bare imports)')!.split('\n');
    expect(bareImports.filter((name) => name.startsWith('node:') || builtins.has(name))).toEqual([]);
    for (const [file, code] of browser) {
      for (const pattern of NODE_ONLY) expect(pattern.test(code), `${file} matches ${pattern}`).toBe(false);
    }
  });

  it('reaches the Node platform (threads, pinning) under the node condition', () => {
    const node = entryGraph('node');
    const names = [...node.keys()].map((file) => file.slice(PACKAGE_DIR.length + 1));
    expect(names).toEqual(
      expect.arrayContaining([
        'src/backend/node/platform.ts',
        'src/backend/node/wasm-threads.ts',
        'src/backend/node/thread-affinity.ts',
      ]),
    );
  });
});

describe('the browser platform starting wasm threads', () => {
  const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: unknown };
  /** A navigator whose hardwareConcurrency is a prototype getter, as browsers define it. */
  function fakeNavigator(cores: number): { hardwareConcurrency: number } {
    const proto = {};
    Object.defineProperty(proto, 'hardwareConcurrency', { get: () => cores, configurable: true });
    return Object.create(proto) as { hardwareConcurrency: number };
  }
  async function withGlobals<T>(isolated: boolean, navigator: unknown, run: () => Promise<T>): Promise<T> {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const savedIsolated = scope.crossOriginIsolated;
    Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true });
    scope.crossOriginIsolated = isolated;
    try {
      return await run();
    } finally {
      if (saved) Object.defineProperty(globalThis, 'navigator', saved);
      else delete scope.navigator;
      if (savedIsolated === undefined) delete scope.crossOriginIsolated;
      else scope.crossOriginIsolated = savedIsolated;
    }
  }

  it("lifts tfjs' half-the-cores cap while the backend starts on a 2-core machine, then restores it", async () => {
    const { platform } = await import('./browser-platform.js');
    const navigator = fakeNavigator(2);
    await withGlobals(true, navigator, async () => {
      const undo = await platform.enableWasmThreads(2);
      expect(undo).toBeTypeOf('function');
      expect(navigator.hardwareConcurrency).toBe(4); // the native side allows 4 / 2 = 2 threads
      undo!();
      expect(navigator.hardwareConcurrency).toBe(2);
      expect(Object.hasOwn(navigator, 'hardwareConcurrency')).toBe(false);
    });
  });

  it('changes nothing with enough cores, and leaves a page without cross-origin isolation alone', async () => {
    const { platform } = await import('./browser-platform.js');
    const many = fakeNavigator(8);
    await withGlobals(true, many, async () => {
      const undo = await platform.enableWasmThreads(2);
      expect(many.hardwareConcurrency).toBe(8);
      undo?.();
      expect(Object.hasOwn(many, 'hardwareConcurrency')).toBe(false);
    });
    const few = fakeNavigator(2);
    await withGlobals(false, few, async () => {
      expect(await platform.enableWasmThreads(2)).toBeNull();
      expect(few.hardwareConcurrency).toBe(2);
    });
  });
});
