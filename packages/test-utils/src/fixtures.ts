import { readFileSync } from 'node:fs';

/**
 * Reads a JSON fixture relative to the calling test file:
 * `readJsonFixture(new URL('../test/fixtures/x.json', import.meta.url))`.
 */
export function readJsonFixture<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}
