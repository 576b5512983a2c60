import { describeValue } from '@rnnkit/core';
import { DatasetsError } from '../errors.js';

/**
 * The 12 coarse tags of the universal part-of-speech tagset (Petrov, Das & McDonald 2012,
 * "A Universal Part-of-Speech Tagset"), as NLTK's `tagset='universal'` spells them.
 */
export const UNIVERSAL_TAGS = Object.freeze([
  'ADJ',
  'ADP',
  'ADV',
  'CONJ',
  'DET',
  'NOUN',
  'NUM',
  'PRT',
  'PRON',
  'VERB',
  '.',
  'X',
] as const);

/** One of {@link UNIVERSAL_TAGS}. */
export type UniversalTag = (typeof UNIVERSAL_TAGS)[number];

// Base Brown tags (Francis & Kučera) → universal, following the en-brown mapping NLTK applies
// for brown.tagged_words(tagset='universal') — including its choices that differ from the PTB
// mapping: possessive determiners are DET, existential "there" and interjections PRT, the
// pre-qualifiers/quantifiers ABL and ABN PRT. Modifiers are handled in brownToUniversal.
const BASE: Readonly<Record<string, UniversalTag>> = {
  // punctuation
  '.': '.',
  ',': '.',
  ':': '.',
  '(': '.',
  ')': '.',
  '--': '.',
  "'": '.',
  "''": '.',
  '``': '.',
  // negator "not", "n't"
  '*': 'ADV',
  // pre-qualifier (quite, rather), pre-quantifiers (half, all; both), post-determiner (many, next)
  ABL: 'PRT',
  ABN: 'PRT',
  ABX: 'DET',
  AP: 'ADJ',
  AP$: 'PRT',
  AT: 'DET',
  // be, do, have, modals and lexical verbs
  BE: 'VERB',
  BED: 'VERB',
  BEDZ: 'VERB',
  BEG: 'VERB',
  BEM: 'VERB',
  BEN: 'VERB',
  BER: 'VERB',
  BEZ: 'VERB',
  DO: 'VERB',
  DOD: 'VERB',
  DOZ: 'VERB',
  HV: 'VERB',
  HVD: 'VERB',
  HVG: 'VERB',
  HVN: 'VERB',
  HVZ: 'VERB',
  MD: 'VERB',
  VB: 'VERB',
  VBD: 'VERB',
  VBG: 'VERB',
  VBN: 'VERB',
  VBZ: 'VERB',
  // conjunctions: coordinating → CONJ; subordinating (that, if, because) → ADP, as in PTB's IN
  CC: 'CONJ',
  CS: 'ADP',
  IN: 'ADP',
  CD: 'NUM',
  // determiners, existential "there", wh-determiners
  DT: 'DET',
  DTI: 'DET',
  DTS: 'DET',
  DTX: 'DET',
  WDT: 'DET',
  // possessive determiners (his, their; whose)
  PP$: 'DET',
  WP$: 'DET',
  // adjectives, ordinals
  JJ: 'ADJ',
  JJR: 'ADJ',
  JJS: 'ADJ',
  JJT: 'ADJ',
  OD: 'ADJ',
  // nouns: common, proper, adverbial (home, Monday), nominal pronouns (everybody, nothing)
  NN: 'NOUN',
  NNS: 'NOUN',
  NP: 'NOUN',
  NPS: 'NOUN',
  NR: 'NOUN',
  NRS: 'NOUN',
  PN: 'NOUN',
  // pronouns
  PPL: 'PRON',
  PPLS: 'PRON',
  PPO: 'PRON',
  PPS: 'PRON',
  PPSS: 'PRON',
  PP$$: 'PRON',
  WPO: 'PRON',
  WPS: 'PRON',
  // adverbs, qualifiers (very, too), wh-adverbs and wh-qualifiers
  QL: 'ADV',
  QLP: 'ADV',
  RB: 'ADV',
  RBR: 'ADV',
  RBT: 'ADV',
  RN: 'ADV',
  WQL: 'ADV',
  WRB: 'ADV',
  // particles, infinitival "to", existential "there", interjections
  RP: 'PRT',
  TO: 'PRT',
  EX: 'PRT',
  UH: 'PRT',
  // untagged
  NIL: 'X',
};

const MODIFIER_SUFFIX = /-(?:HL|TL|NC)$/;

/**
 * Maps one Brown corpus tag to the universal tagset, as NLTK's `map_tag('brown', 'universal', tag)`:
 * - case-insensitive (`nn-tl` → `NOUN`);
 * - the modifiers `-HL` (headline), `-TL` (title) and `-NC` (cited word) are dropped
 *   (`NN-TL` → `NOUN`, `*-HL` → `ADV`, `---HL` → `.`);
 * - foreign words (`FW-…`) are `X`;
 * - a contraction joined with `+` keeps its first part's tag when that is a verb, adjective,
 *   adposition or particle (`VB+PPO` "let's" → `VERB`, `AP+AP-NC` → `ADJ`), and is `PRT`
 *   otherwise (`PPS+BEZ` "it's", `EX+BEZ` "there's", `NN+BEZ` → `PRT`), as NLTK maps them;
 * - negated `…*` forms and possessive `…$` forms take their base's tag (`BEZ*` → `VERB`,
 *   `NNS$` → `NOUN`; `PP$`, `WP$` and `AP$` have entries of their own);
 * - anything else is `X`, as NLTK maps unknown tags.
 *
 * NLTK's map file (`universal_tagset/en-brown.map`) is not available as a package; this table
 * and these rules were rebuilt from its documented entries and checked against NLTK's tag
 * totals on the whole Brown corpus: `.`, ADP, CONJ, DET and PRON agree exactly, every other tag
 * within 7 of ~1.16 million tokens (see `npm-datasets.test.ts`).
 *
 * @throws DatasetsError `DATASETS_INVALID_INPUT` when `tag` is not a string.
 */
export function brownToUniversal(tag: string): UniversalTag {
  if (typeof tag !== 'string') {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `brownToUniversal takes a Brown tag as a string (e.g. 'NN-TL'), got ${describeValue(tag)}.`,
    );
  }
  let base = tag.toUpperCase();
  if (base.startsWith('FW-')) return 'X';
  while (MODIFIER_SUFFIX.test(base)) base = base.slice(0, -3);
  const plus = base.indexOf('+');
  if (plus > 0) {
    const first = lookUp(base.slice(0, plus));
    return first === 'VERB' || first === 'ADJ' || first === 'ADP' || first === 'PRT' ? first : 'PRT';
  }
  return lookUp(base);
}

function lookUp(base: string): UniversalTag {
  for (;;) {
    if (Object.hasOwn(BASE, base)) return BASE[base]!;
    if (base.length > 1 && (base.endsWith('*') || base.endsWith('$'))) base = base.slice(0, -1);
    else return 'X';
  }
}
