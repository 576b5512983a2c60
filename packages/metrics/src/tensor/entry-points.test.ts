import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../', import.meta.url);

describe('entry points', () => {
  it('the main entry imports neither tfjs nor the optional plotting packages (only ./tensor and ./plots do)', () => {
    const files = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files).toContain('index.ts');
    for (const file of files) {
      const source = readFileSync(new URL(file, SRC), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      const forbidden = imports.filter(
        (spec) =>
          /^(@tensorflow\/|vega|@resvg\/)/.test(spec) ||
          spec.startsWith('./tensor') ||
          spec.startsWith('./plots'),
      );
      expect(forbidden, file).toEqual([]);
    }
  });
});
