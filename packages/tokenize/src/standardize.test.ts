import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenizeError } from './errors.js';
import {
  collapseWhitespace,
  lowercase,
  replaceNonLetters,
  type StandardizeOptions,
  separatePunctuation,
  standardize,
  stripAccents,
  stripBom,
} from './standardize.js';

/** Strings rich in whitespace, marks, BOMs and astral characters. */
const messyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({
    unit: fc.constantFrom(
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\ufeff',
      'a',
      'Z',
      'é',
      'e\u0301',
      '\u0301',
      'ñ',
      '.',
      '!',
      '?',
      ',',
      '¿',
      '😀',
      '7',
    ),
  }),
);

describe('stripBom', () => {
  it('removes one leading U+FEFF only', () => {
    expect(stripBom('\ufeffabc')).toBe('abc');
    expect(stripBom('\ufeff\ufeffabc')).toBe('\ufeffabc');
    expect(stripBom('a\ufeffbc')).toBe('a\ufeffbc');
    expect(stripBom('abc\ufeff')).toBe('abc\ufeff');
    expect(stripBom('\ufeff')).toBe('');
    expect(stripBom('')).toBe('');
  });
});

describe('lowercase', () => {
  it("matches Python's str.lower (python3 output)", () => {
    expect(lowercase('İSTANBUL')).toBe('i\u0307stanbul');
    expect(lowercase('ΣΑΣ ΟΔΟΣ')).toBe('\u03c3\u03b1\u03c2 \u03bf\u03b4\u03bf\u03c2'); // final sigma
    expect(lowercase('STRASSE Straße')).toBe('strasse straße');
    expect(lowercase('\u01c5')).toBe('\u01c6');
    expect(lowercase('Hello, World! 😀')).toBe('hello, world! 😀');
  });
});

describe('stripAccents', () => {
  it('NFD-decomposes and drops Mn marks (python3 unicodeToAscii output)', () => {
    expect(stripAccents('Café Ñandú')).toBe('Cafe Nandu');
    expect(stripAccents('Tiếng Việt')).toBe('Tieng Viet');
    expect(stripAccents('Å ḱ ǘ')).toBe('A k u');
    expect(stripAccents('naïve—“coöperate”')).toBe('naive—“cooperate”');
    // Letters without a canonical decomposition stay.
    expect(stripAccents('Ørsted ß æ Łódź')).toBe('Ørsted ß æ Łodz');
    expect(stripAccents('ﬁancé')).toBe('ﬁance');
    // Already-decomposed input.
    expect(stripAccents('e\u0301t\u00e9')).toBe('ete');
  });

  it('keeps spacing marks (Mc) and drops only nonspacing ones (Mn)', () => {
    // हिन्दी: the virama U+094D is Mn, the vowel signs U+093F and U+0940 are Mc.
    expect(stripAccents('\u0939\u093f\u0928\u094d\u0926\u0940')).toBe('\u0939\u093f\u0928\u0926\u0940');
  });

  it('leaves Hangul decomposed into jamo, as Python does', () => {
    expect(stripAccents('\ud55c')).toBe('\u1112\u1161\u11ab');
  });
});

describe('separatePunctuation', () => {
  it("spaces out '.!?' by default", () => {
    expect(separatePunctuation("he's here!")).toBe("he's here ! ");
    expect(separatePunctuation('Hi! Ok.')).toBe('Hi !  Ok . ');
    expect(separatePunctuation('Wait...')).toBe('Wait .  .  . ');
    expect(separatePunctuation('a, b')).toBe('a, b');
  });

  it("matches re.sub(r'([?.!,¿])', r' \\1 ', w) with the NMT punctuation", () => {
    expect(separatePunctuation('¿Sí, Tom?', { punctuation: '?.!,¿' })).toBe(' ¿ Sí ,  Tom ? ');
  });

  it('treats regex-special characters literally', () => {
    expect(separatePunctuation('a-b^c]d\\e[f', { punctuation: '-^]\\[' })).toBe('a - b ^ c ] d \\ e [ f');
  });

  it('handles astral punctuation by code point, not UTF-16 unit', () => {
    expect(separatePunctuation('ok👍go', { punctuation: '👍' })).toBe('ok 👍 go');
    // 😀 (D83D DE00) shares its high surrogate with 👍 (D83D DC4D) and must not be split.
    expect(separatePunctuation('a😀b', { punctuation: '👍' })).toBe('a😀b');
  });

  it('returns the text unchanged for empty punctuation', () => {
    expect(separatePunctuation('Hi! Ok.', { punctuation: '' })).toBe('Hi! Ok.');
  });

  it('rejects non-string punctuation with TOKENIZE_INVALID_OPTION', () => {
    expectErrorCode(
      () => separatePunctuation('Hi!', { punctuation: ['!'] as unknown as string }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });
});

describe('replaceNonLetters', () => {
  it('replaces runs of non-letters with one space, any Unicode letter kept', () => {
    expect(replaceNonLetters('Élise, 42 ans!')).toBe('Élise ans ');
    expect(replaceNonLetters('Straße — Ωμέγα')).toBe('Straße Ωμέγα');
    // U+1D400 MATHEMATICAL BOLD CAPITAL A is an astral letter; the emoji is not a letter.
    expect(replaceNonLetters('x𝐀y😀z')).toBe('x𝐀y z');
  });

  it("keeps only a-zA-Z with letters: 'ascii'", () => {
    expect(replaceNonLetters('Élise, 42 ans!', { letters: 'ascii' })).toBe(' lise ans ');
    expect(replaceNonLetters('go, now! 42', { keep: '!', letters: 'ascii' })).toBe('go now! ');
  });

  it('keeps the characters of keep, literally', () => {
    expect(replaceNonLetters("l'été 2024", { keep: "'" })).toBe("l'été ");
    expect(replaceNonLetters('a-b]c^d\\e f', { keep: '-]^\\', replacement: '_' })).toBe('a-b]c^d\\e_f');
    expect(replaceNonLetters('a😀b!', { keep: '😀' })).toBe('a😀b ');
  });

  it('uses the replacement given', () => {
    expect(replaceNonLetters('a1b22c', { replacement: '' })).toBe('abc');
    expect(replaceNonLetters('hello,  world', { replacement: '_' })).toBe('hello_world');
  });

  it('rejects an unknown letters mode with TOKENIZE_INVALID_OPTION', () => {
    expectErrorCode(
      () => replaceNonLetters('abc', { letters: 'latin' as unknown as 'ascii' }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });
});

describe('collapseWhitespace', () => {
  it('turns whitespace runs into one space and trims', () => {
    expect(collapseWhitespace('  a \t\n b  ')).toBe('a b');
    expect(collapseWhitespace('one\r\ntwo\r\n')).toBe('one two');
    expect(collapseWhitespace('\u00a0a\u3000\u3000b\u2028')).toBe('a b');
    expect(collapseWhitespace('   ')).toBe('');
    expect(collapseWhitespace('')).toBe('');
    expect(collapseWhitespace('a b')).toBe('a b');
  });
});

describe('input checks', () => {
  it('rejects non-strings with TOKENIZE_INVALID_INPUT', () => {
    const steps: Array<(text: string) => string> = [
      stripBom,
      lowercase,
      stripAccents,
      (text) => separatePunctuation(text),
      (text) => replaceNonLetters(text),
      collapseWhitespace,
      (text) => standardize(text, { lowercase: true }),
    ];
    for (const step of steps) {
      for (const value of [undefined, null, 42, ['a']]) {
        expectErrorCode(() => step(value as unknown as string), TokenizeError, 'TOKENIZE_INVALID_INPUT');
      }
    }
  });
});

describe('standardize', () => {
  it('does nothing without steps', () => {
    expect(standardize('\ufeff  Élise, Va!  ', {})).toBe('\ufeff  Élise, Va!  ');
  });

  it('applies each step alone', () => {
    expect(standardize('\ufeffAbc', { stripBom: true })).toBe('Abc');
    expect(standardize('ÉLISE', { lowercase: true })).toBe('élise');
    expect(standardize('Élise', { stripAccents: true })).toBe('Elise');
    expect(standardize('Go.', { separatePunctuation: true })).toBe('Go . ');
    expect(standardize('Go,', { separatePunctuation: { punctuation: ',' } })).toBe('Go , ');
    expect(standardize('a1b', { replaceNonLetters: true })).toBe('a b');
    expect(standardize('a1b.', { replaceNonLetters: { keep: '.', replacement: '' } })).toBe('ab.');
    expect(standardize(' a  b ', { collapseWhitespace: true })).toBe('a b');
  });

  it('strips accents before replacing non-ASCII letters', () => {
    // The other way round, É would already be gone: ' lise'.
    expect(standardize('Élise', { stripAccents: true, replaceNonLetters: { letters: 'ascii' } })).toBe(
      'Elise',
    );
  });

  it('separates punctuation before collapsing whitespace', () => {
    expect(standardize('Go.', { separatePunctuation: true, collapseWhitespace: true })).toBe('Go .');
  });

  it('strips the BOM, then separates punctuation, then replaces non-letters', () => {
    expect(
      standardize('\ufeff¿Qué?', {
        stripBom: true,
        separatePunctuation: { punctuation: '¿?' },
        replaceNonLetters: { keep: '¿?', letters: 'ascii' },
      }),
    ).toBe(' ¿ Qu ? ');
  });

  it('runs the TSDoc example', () => {
    expect(
      standardize('Va-t’en, Élise!', {
        lowercase: true,
        stripAccents: true,
        separatePunctuation: true,
        replaceNonLetters: { keep: '.!?', letters: 'ascii' },
        collapseWhitespace: true,
      }),
    ).toBe('va t en elise !');
  });
});

// PyTorch "NLP From Scratch: Translation with a Sequence to Sequence Network":
//   s = unicodeToAscii(s.lower().strip())
//   s = re.sub(r"([.!?])", r" \1", s)
//   s = re.sub(r"[^a-zA-Z.!?]+", r" ", s)
// Expected strings are the output of that function under python3, then .strip() (the
// current tutorial strips; the older one left the space made from a leading quote).
const PYTORCH_NORMALIZE_STRING: StandardizeOptions = {
  lowercase: true,
  stripAccents: true,
  separatePunctuation: true,
  replaceNonLetters: { keep: '.!?', letters: 'ascii' },
  collapseWhitespace: true,
};

const PYTORCH_CASES: ReadonlyArray<readonly [string, string]> = [
  ['Go.', 'go .'],
  ['Va !', 'va !'],
  ["I'm OK.", 'i m ok .'],
  ['Je vais bien.', 'je vais bien .'],
  ["Qu'est-ce que c'est ?", 'qu est ce que c est ?'],
  ["J'ai 19 ans.", 'j ai ans .'],
  ['Ça alors !', 'ca alors !'],
  ['Il était une fois...', 'il etait une fois . . .'],
  ["Elle s'est évanouie à l'hôpital.", 'elle s est evanouie a l hopital .'],
  ['Vous êtes très gentille, Noël !', 'vous etes tres gentille noel !'],
  ['Va-t’en, Élise!', 'va t en elise !'],
  ['Où est la gare ?', 'ou est la gare ?'],
  ["I don't know...", 'i don t know . . .'],
  ['Tom est-il là ?', 'tom est il la ?'],
  ["Je suis désolé, je n'ai pas compris.", 'je suis desole je n ai pas compris .'],
  ['"Bonjour," dit-il.', 'bonjour dit il .'],
];

// TensorFlow "Neural machine translation with attention" preprocess_sentence, without
// the '<start> '/' <end>' it adds afterwards:
//   w = unicode_to_ascii(w.lower().strip())
//   w = re.sub(r"([?.!,¿])", r" \1 ", w)
//   w = re.sub(r'[" "]+', " ", w)
//   w = re.sub(r"[^a-zA-Z?.!,¿]+", " ", w)
//   w = w.strip()
const TF_PREPROCESS_SENTENCE: StandardizeOptions = {
  lowercase: true,
  stripAccents: true,
  separatePunctuation: { punctuation: '?.!,¿' },
  replaceNonLetters: { keep: '?.!,¿', letters: 'ascii' },
  collapseWhitespace: true,
};

const TF_CASES: ReadonlyArray<readonly [string, string]> = [
  ['May I borrow this book?', 'may i borrow this book ?'],
  ['¿Puedo tomar prestado este libro?', '¿ puedo tomar prestado este libro ?'],
  ['Hace mucho frío aquí.', 'hace mucho frio aqui .'],
  ['Esta es mi vida.', 'esta es mi vida .'],
  ['¿Todavía están en casa?', '¿ todavia estan en casa ?'],
  ['Tom, ¿dónde está la estación?', 'tom , ¿ donde esta la estacion ?'],
  ['Él dijo: "¡Hola, mundo!"', 'el dijo hola , mundo !'],
  ["It's 3 o'clock, isn't it?", 'it s o clock , isn t it ?'],
  ['  Trata de averiguarlo.  ', 'trata de averiguarlo .'],
  ['¡Qué niño más guapo!', 'que nino mas guapo !'],
  ["Je m'appelle Élodie, et toi ?", 'je m appelle elodie , et toi ?'],
];

describe('tutorial pipelines', () => {
  it.each(PYTORCH_CASES)('PyTorch normalizeString(%j) = %j', (input, expected) => {
    expect(standardize(input, PYTORCH_NORMALIZE_STRING)).toBe(expected);
  });

  it.each(TF_CASES)('TF preprocess_sentence(%j) = %j', (input, expected) => {
    expect(standardize(input, TF_PREPROCESS_SENTENCE)).toBe(expected);
  });

  it('handles a BOM and CRLF from a Windows-saved line', () => {
    expect(standardize('\ufeffGo.\r\n', { ...PYTORCH_NORMALIZE_STRING, stripBom: true })).toBe('go .');
  });
});

describe('properties', () => {
  it('collapseWhitespace is idempotent and leaves single inner spaces only', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const out = collapseWhitespace(text);
        expect(collapseWhitespace(out)).toBe(out);
        expect(out).not.toMatch(/\s\s/u);
        expect(out).not.toMatch(/^\s|\s$/u);
        expect(out).not.toMatch(/[^\S ]/u);
      }),
    );
  });

  it('collapseWhitespace keeps the non-whitespace characters in order', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        expect(collapseWhitespace(text).replace(/\s/gu, '')).toBe(text.replace(/\s/gu, ''));
      }),
    );
  });

  it('stripAccents leaves no \\p{Mn} and is idempotent', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const out = stripAccents(text);
        expect(out).not.toMatch(/\p{Mn}/u);
        expect(stripAccents(out)).toBe(out);
      }),
    );
  });

  it('stripBom removes exactly one leading U+FEFF and nothing else', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        expect(stripBom(`\ufeff${text}`)).toBe(text);
        expect(stripBom(text)).toBe(text.startsWith('\ufeff') ? text.slice(1) : text);
        if (!text.startsWith('\ufeff')) expect(stripBom(text)).toBe(text);
      }),
    );
  });

  it('separatePunctuation only inserts spaces, around every punctuation mark', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const out = separatePunctuation(text, { punctuation: '.!?,¿' });
        expect(out.replaceAll(' ', '')).toBe(text.replaceAll(' ', ''));
        expect(out).not.toMatch(/[^ ][.!?,¿]|[.!?,¿][^ ]/u);
      }),
    );
  });

  it("replaceNonLetters with letters: 'ascii' leaves only a-zA-Z and single spaces", () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const out = replaceNonLetters(text, { letters: 'ascii' });
        expect(out).toMatch(/^[a-zA-Z ]*$/);
        expect(out).not.toContain('  ');
      }),
    );
  });
});

describe('replaceNonLetters replacement strings', () => {
  it('inserts the replacement literally, $ patterns included', () => {
    expect(replaceNonLetters('a1b', { replacement: '$&' })).toBe('a$&b');
    expect(replaceNonLetters('a1b', { replacement: '$$' })).toBe('a$$b');
  });
});
