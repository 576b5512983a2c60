import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../', import.meta.url);

function sourceFiles(dir: URL): URL[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return entry.name === 'tensor' ? [] : sourceFiles(new URL(`${entry.name}/`, dir));
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [new URL(entry.name, dir)] : [];
  });
}

describe('entry points', () => {
  it('the main entry imports no tfjs (only ./tensor does), so tfjs stays an optional peer', () => {
    const files = sourceFiles(SRC);
    expect(files.map((file) => file.pathname)).toContainEqual(expect.stringMatching(/\/src\/index\.ts$/));
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
      const forbidden = imports.filter((spec) => spec.startsWith('@tensorflow/') || spec.includes('/tensor'));
      expect(forbidden, file.pathname).toEqual([]);
    }
  });
});
