import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenizeError } from './errors.js';
import { stripGutenbergBoilerplate } from './gutenberg.js';

const crlf = (lines: readonly string[]) => lines.join('\r\n');
const lf = (lines: readonly string[]) => lines.join('\n');

// A current (2021+) file: BOM, CRLF line endings, "*** START OF THE PROJECT GUTENBERG EBOOK … ***".
const MOBY_HEADER = crlf([
  '\ufeffThe Project Gutenberg eBook of Moby-Dick; or The Whale, by Herman Melville',
  '',
  'This eBook is for the use of anyone anywhere in the United States and',
  'most other parts of the world at no cost and with almost no restrictions',
  'whatsoever. You may copy it, give it away or re-use it under the terms',
  'of the Project Gutenberg License included with this eBook or online at',
  'www.gutenberg.org.',
  '',
  'Title: Moby-Dick; or The Whale',
  '',
  'Author: Herman Melville',
  '',
  'Release Date: June, 2001 [eBook #2701]',
  '[Most recently updated: August 18, 2021]',
  '',
  'Language: English',
  '',
  '',
  '*** START OF THE PROJECT GUTENBERG EBOOK MOBY-DICK; OR, THE WHALE ***',
  '',
  '',
  '',
  '',
  '',
]);
const MOBY_BODY = crlf([
  '    MOBY-DICK;',
  '',
  '    or, THE WHALE.',
  '',
  '    By Herman Melville',
  '',
  '',
  'CHAPTER 1. Loomings.',
  '',
  'Call me Ishmael. Some years ago—never mind how long precisely—having',
  'little or no money in my purse, and nothing particular to interest me',
  'on shore, I thought I would sail about a little and see the watery part',
  'of the world.',
]);
const MOBY_FOOTER = crlf([
  '',
  '',
  '',
  '',
  '',
  '*** END OF THE PROJECT GUTENBERG EBOOK MOBY-DICK; OR, THE WHALE ***',
  '',
  'Updated editions will replace the previous one—the old editions will',
  'be renamed.',
  '',
  'End of the Project Gutenberg License text.',
  '',
]);
const MOBY = MOBY_HEADER + MOBY_BODY + MOBY_FOOTER;

// The title page both Alice editions open with.
const ALICE_TITLE_PAGE = [
  "ALICE'S ADVENTURES IN WONDERLAND",
  '',
  'Lewis Carroll',
  '',
  'THE MILLENNIUM FULCRUM EDITION 3.0',
  '',
  '',
];

// A 2000s file: "*** START OF THIS PROJECT GUTENBERG EBOOK", and an "End of Project
// Gutenberg's …" line before the "*** END OF THIS …" one.
const ALICE_BODY = lf([
  ...ALICE_TITLE_PAGE,
  '',
  '',
  'CHAPTER I. Down the Rabbit-Hole',
  '',
  'Alice was beginning to get very tired of sitting by her sister on the',
  'bank, and of having nothing to do: once or twice she had peeped into the',
  'book her sister was reading, but it had no pictures or conversations in',
  "it, 'and what is the use of a book,' thought Alice 'without pictures or",
  "conversations?'",
  '',
  '',
  '',
  '',
  '              THE END',
]);
const ALICE = lf([
  "Project Gutenberg's Alice's Adventures in Wonderland, by Lewis Carroll",
  '',
  'This eBook is for the use of anyone anywhere at no cost and with',
  'almost no restrictions whatsoever.  You may copy it, give it away or',
  're-use it under the terms of the Project Gutenberg License included',
  'with this eBook or online at www.gutenberg.org',
  '',
  '',
  "Title: Alice's Adventures in Wonderland",
  '',
  'Author: Lewis Carroll',
  '',
  'Posting Date: June 25, 2008 [EBook #11]',
  'Release Date: March, 1994',
  'Last Updated: October 6, 2016',
  '',
  'Language: English',
  '',
  'Character set encoding: UTF-8',
  '',
  "*** START OF THIS PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***",
  '',
  '',
  '',
  '',
  ALICE_BODY,
  '',
  '',
  '',
  '',
  '',
  '',
  "End of Project Gutenberg's Alice's Adventures in Wonderland, by Lewis Carroll",
  '',
  "*** END OF THIS PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***",
  '',
  '***** This file should be named 11.txt or 11.zip *****',
  'This and all associated files of various formats will be found in:',
  '        http://www.gutenberg.org/1/11/',
  '',
]);

// A 1990s etext: the licence ("the small print") comes first and ends with the
// "*END*THE SMALL PRINT! …*END*" line; the book ends with "End of Project Gutenberg Etext …".
const ALICE_1994_BODY = lf([
  ...ALICE_TITLE_PAGE,
  'CHAPTER I',
  '',
  'Down the Rabbit-Hole',
  '',
  '  Alice was beginning to get very tired of sitting by her sister',
  'on the bank, and of having nothing to do.',
]);
const ALICE_1994 = lf([
  '**The Project Gutenberg Etext of Alice in Wonderland**',
  '*This 30th edition should be labeled alice30.txt or alice30.zip.',
  '',
  '**Welcome To The World of Free Plain Vanilla Electronic Texts**',
  '',
  '**Etexts Readable By Both Humans and By Computers, Since 1971**',
  '',
  '*These Etexts Prepared By Hundreds of Volunteers and Donations*',
  '',
  '**START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***',
  'Why is this "Small Print!" statement here?  You know: lawyers.',
  'They tell us you might sue us if there is something wrong with',
  'your copy of this etext, even if you got it for free from',
  "someone other than us, and even if what's wrong is not our",
  'fault.',
  '',
  '*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*',
  '',
  '',
  ALICE_1994_BODY,
  '',
  '',
  'End of Project Gutenberg Etext of Alice in Wonderland',
  '',
]);

describe('stripGutenbergBoilerplate', () => {
  it('keeps only the body of a current CRLF file', () => {
    expect(stripGutenbergBoilerplate(MOBY)).toBe(MOBY_BODY);
  });

  it('keeps the CRLF line endings and first-line indentation of the body', () => {
    const body = stripGutenbergBoilerplate(MOBY);
    expect(body.startsWith('    MOBY-DICK;\r\n')).toBe(true);
    expect(body.endsWith('of the world.')).toBe(true);
    expect(body.split('\r\n')).toHaveLength(13);
    expect(body).not.toMatch(/[^\r]\n/);
  });

  it('stops at the "End of Project Gutenberg\'s …" line of a 2000s file', () => {
    const body = stripGutenbergBoilerplate(ALICE);
    expect(body).toBe(ALICE_BODY);
    expect(body).not.toContain('End of');
    expect(body).not.toContain('***');
  });

  it('starts after the 1990s "*END*THE SMALL PRINT!" line', () => {
    expect(stripGutenbergBoilerplate(ALICE_1994)).toBe(ALICE_1994_BODY);
  });

  it.each<[string, (lines: readonly string[]) => string, readonly string[], string]>([
    [
      'ignores the case of the markers',
      lf,
      [
        'header',
        '*** start of the project gutenberg ebook x ***',
        'Body.',
        '*** end of the project gutenberg ebook x ***',
        'licence',
      ],
      'Body.',
    ],
    [
      'accepts markers indented or without a space after the asterisks',
      lf,
      [
        'h',
        '  ***START OF THE PROJECT GUTENBERG EBOOK X ***',
        'Body.',
        '\t***END OF THE PROJECT GUTENBERG EBOOK X ***',
        'f',
      ],
      'Body.',
    ],
    [
      'keeps everything after a start marker when there is no end marker',
      crlf,
      ['header', '*** START OF THE PROJECT GUTENBERG EBOOK X ***', '', 'Chapter 1', 'Body.', ''],
      'Chapter 1\r\nBody.',
    ],
    [
      'keeps everything before an end marker when there is no start marker',
      lf,
      ['Chapter 1', 'Body.', '', '*** END OF THE PROJECT GUTENBERG EBOOK X ***', 'licence'],
      'Chapter 1\nBody.',
    ],
    [
      'looks for the end marker only after the start marker',
      lf,
      [
        'End of Project Gutenberg previous-edition note',
        '*** START OF THE PROJECT GUTENBERG EBOOK X ***',
        'Body.',
        '*** END OF THE PROJECT GUTENBERG EBOOK X ***',
      ],
      'Body.',
    ],
    [
      'does not take a mention of Project Gutenberg inside a line for a marker',
      lf,
      [
        '*** START OF THE PROJECT GUTENBERG EBOOK X ***',
        'He read to the end of Project Gutenberg *** END OF THE PROJECT GUTENBERG',
        'and went on.',
        '*** END OF THE PROJECT GUTENBERG EBOOK X ***',
      ],
      'He read to the end of Project Gutenberg *** END OF THE PROJECT GUTENBERG\nand went on.',
    ],
    [
      'returns an empty body when the markers enclose only blank lines',
      crlf,
      [
        '*** START OF THE PROJECT GUTENBERG EBOOK X ***',
        '',
        '  ',
        '',
        '*** END OF THE PROJECT GUTENBERG EBOOK X ***',
      ],
      '',
    ],
  ])('%s', (_name, join, lines, body) => {
    expect(stripGutenbergBoilerplate(join(lines))).toBe(body);
  });

  it('returns text without markers unchanged', () => {
    const plain = [
      'First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.',
      'Call me Ishmael.\r\nSome years ago.',
      'The Project Gutenberg eBook of nothing in particular',
      '',
    ];
    for (const text of plain) expect(stripGutenbergBoilerplate(text)).toBe(text);
  });

  it('with requireMarkers, throws TOKENIZE_INVALID_INPUT when no marker is found', () => {
    expectErrorCode(
      () => stripGutenbergBoilerplate('Call me Ishmael.', { requireMarkers: true }),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
    expectErrorCode(
      () => stripGutenbergBoilerplate('', { requireMarkers: true }),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
  });

  it('with requireMarkers, accepts any one marker', () => {
    expect(stripGutenbergBoilerplate(MOBY, { requireMarkers: true })).toBe(MOBY_BODY);
    expect(stripGutenbergBoilerplate(ALICE_1994, { requireMarkers: true })).toBe(ALICE_1994_BODY);
    expect(
      stripGutenbergBoilerplate('Body.\n*** END OF THE PROJECT GUTENBERG EBOOK X ***', {
        requireMarkers: true,
      }),
    ).toBe('Body.');
  });

  it('rejects non-strings with TOKENIZE_INVALID_INPUT', () => {
    for (const value of [undefined, null, 42, ['text']]) {
      expectErrorCode(
        () => stripGutenbergBoilerplate(value as unknown as string),
        TokenizeError,
        'TOKENIZE_INVALID_INPUT',
      );
    }
  });

  it('recovers any body framed by a modern header and footer', () => {
    // Bodies whose first and last lines are not blank and that hold no marker lines.
    const line = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '.', '*', '—', 'é', '😀') });
    const body = fc
      .array(line, { minLength: 1, maxLength: 8 })
      .filter((lines) => lines[0]!.trim() !== '' && lines.at(-1)!.trim() !== '');
    fc.assert(
      fc.property(body, fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        const framed = [
          'The Project Gutenberg eBook of X',
          '*** START OF THE PROJECT GUTENBERG EBOOK X ***',
          '',
          text,
          '',
          '*** END OF THE PROJECT GUTENBERG EBOOK X ***',
          'licence',
        ].join(eol);
        expect(stripGutenbergBoilerplate(framed)).toBe(text);
      }),
    );
  });
});

describe('stripGutenbergBoilerplate without markers', () => {
  it('returns the text exactly as given, blank lines included', () => {
    expect(stripGutenbergBoilerplate('\n\nCall me Ishmael.\n\n')).toBe('\n\nCall me Ishmael.\n\n');
  });
});
