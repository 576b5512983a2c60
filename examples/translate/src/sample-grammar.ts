// The English–French sentences of the shipped sample (data/eng-fra-sample.txt) and of the
// synthetic fra.txt in the loader test: short hand-written phrases in the style of Tatoeba's
// first lines, plus present-tense sentences from a small grammar with correct French agreement
// (conjugation, elision, ne … pas, de after a negation, gendered adjectives). Like Tatoeba, one
// English sentence is listed once per French translation ("You're tired." → "Tu es fatigué." and
// "Vous êtes fatigué."). Written for rnnkit; not Tatoeba data.
//   npx tsx src/sample-grammar.ts > data/eng-fra-sample.txt   (rewrites the sample, CRLF)

/** Narrow no-break space: what recent manythings.org files put before `!` and `?` in French. */
const NNBSP = '\u202f';

/** One line of the file: English, French (fra.txt has English first). */
export interface SamplePair {
  readonly english: string;
  readonly french: string;
}

const HANDWRITTEN = `Go.|Va !;Marche.;Bouge !
Hi.|Salut !;Bonjour !
Run!|Cours !;Courez !
Who?|Qui ?
Wow!|Ça alors !
Help!|À l'aide !;Au secours !
Jump.|Saute.
Stop!|Arrête-toi !;Stop !
Wait!|Attends !;Attendez !
Go on.|Continue.;Poursuis.
Hello!|Bonjour !;Salut !
I see.|Je vois.;Je comprends.
I try.|J'essaye.
I won!|J'ai gagné !
Oh no!|Oh non !
Relax.|Détends-toi.;Détendez-vous.
Smile.|Souris.;Souriez.
Attack!|Attaque !;Attaquez !
Cheers!|Santé !;À votre santé !
Get up.|Lève-toi.;Levez-vous.
Got it!|Compris !
I fell.|Je suis tombé.;Je suis tombée.
I know.|Je sais.
I left.|Je suis parti.;Je suis partie.
I lost.|J'ai perdu.
I'm OK.|Je vais bien.;Ça va.
Listen.|Écoute !;Écoutez !
No way!|Pas question !;Hors de question !
Really?|Vraiment ?;C'est vrai ?
Thanks.|Merci !
We try.|On essaye.;Nous essayons.
Ask Tom.|Demande à Tom.;Demandez à Tom.
Be calm.|Sois calme !;Soyez calme !
Be fair.|Sois juste !;Soyez juste !
Be kind.|Sois gentil.;Sois gentille.
Beat it.|Dégage !
Call me.|Appelle-moi !;Appelez-moi !
Come in.|Entre.;Entrez.
Come on!|Allez !;Viens !
Drop it!|Laisse tomber !
Get out!|Sors !;Sortez !
Go away!|Va-t'en !;Allez-vous-en !
Goodbye!|Au revoir !
Hang on!|Tiens bon !
He came.|Il est venu.
He runs.|Il court.
Help me!|Aide-moi !;Aidez-moi !
Hurry up.|Dépêche-toi !;Dépêchez-vous !
I agree.|Je suis d'accord.
It's me.|C'est moi.
Me too.|Moi aussi.
Perfect!|Parfait !
See you.|À plus tard.;À bientôt.
Shut up!|Tais-toi !;Taisez-vous !
Sit down.|Assieds-toi !;Asseyez-vous !
Stand up.|Lève-toi !;Debout !
Terrific!|Formidable !
Thank you.|Merci.;Je vous remercie.
Tom won.|Tom a gagné.
Welcome.|Bienvenue !
Who won?|Qui a gagné ?
Why not?|Pourquoi pas ?
You won.|Tu as gagné.;Vous avez gagné.
Good night.|Bonne nuit.
Good morning.|Bonjour.
Be careful.|Fais attention.;Faites attention.
Where is it?|Où est-ce ?
What is it?|Qu'est-ce que c'est ?
It's raining.|Il pleut.
It's cold.|Il fait froid.
It's hot.|Il fait chaud.
Come here.|Viens ici.;Venez ici.
I'm home.|Je suis à la maison.
Let's go!|Allons-y !
Try again.|Essaie encore.;Essayez encore.`;

type Person = 0 | 1 | 2 | 3 | 4 | 5; // je, tu, il/elle, nous, vous, ils/elles
interface Subject {
  /** English subject, 3rd person singular or not, and its contracted "be"/"be not". */
  readonly en: string;
  readonly third: boolean;
  readonly be: string;
  readonly beNot: string;
  /** French translations: pronoun (or name), person, gender/number of an adjective (0 m, 1 f, 2 m pl, 3 f pl). */
  readonly fr: readonly { readonly word: string; readonly person: Person; readonly agree: 0 | 1 | 2 | 3 }[];
}

function subjects(names: readonly (readonly [string, string, 0 | 1])[]): Subject[] {
  return [
    {
      en: 'I',
      third: false,
      be: "I'm",
      beNot: "I'm not",
      fr: [
        { word: 'je', person: 0, agree: 0 },
        { word: 'je', person: 0, agree: 1 },
      ],
    },
    {
      en: 'you',
      third: false,
      be: "You're",
      beNot: "You aren't",
      fr: [
        { word: 'tu', person: 1, agree: 0 },
        { word: 'tu', person: 1, agree: 1 },
        { word: 'vous', person: 4, agree: 0 },
      ],
    },
    { en: 'he', third: true, be: "He's", beNot: "He isn't", fr: [{ word: 'il', person: 2, agree: 0 }] },
    { en: 'she', third: true, be: "She's", beNot: "She isn't", fr: [{ word: 'elle', person: 2, agree: 1 }] },
    {
      en: 'we',
      third: false,
      be: "We're",
      beNot: "We aren't",
      fr: [
        { word: 'nous', person: 3, agree: 2 },
        { word: 'nous', person: 3, agree: 3 },
      ],
    },
    {
      en: 'they',
      third: false,
      be: "They're",
      beNot: "They aren't",
      fr: [
        { word: 'ils', person: 5, agree: 2 },
        { word: 'elles', person: 5, agree: 3 },
      ],
    },
    ...names.map(([en, fr, gender]) => ({
      en,
      third: true,
      be: `${en} is`,
      beNot: `${en} isn't`,
      fr: [{ word: fr, person: 2 as const, agree: gender }],
    })),
  ];
}

/** An object: English, French as it follows an affirmative verb, and after `ne … pas`. */
type Thing = readonly [en: string, fr: string, frNegative: string];
interface Verb {
  readonly en: string;
  readonly en3: string;
  readonly fr: readonly [string, string, string, string, string, string];
  readonly objects: readonly Thing[];
}

const def = (en: string, fr: string): Thing => [en, fr, fr];
const vowel = (word: string) => /^[aeiouyéèêâîôh]/i.test(word);
/** "une pomme" → "une pomme", and after a negation "de pomme"; "de l'eau" → "d'eau". */
const indef = (en: string, fr: string): Thing => {
  const rest = fr.replace(/^(une|un|du|des|de la|de l')\s?/, '');
  return [en, fr, vowel(rest) ? `d'${rest}` : `de ${rest}`];
};

const VERBS: readonly Verb[] = [
  {
    en: 'eat',
    en3: 'eats',
    fr: ['mange', 'manges', 'mange', 'mangeons', 'mangez', 'mangent'],
    objects: [
      indef('bread', 'du pain'),
      indef('an apple', 'une pomme'),
      indef('cheese', 'du fromage'),
      indef('fish', 'du poisson'),
      indef('soup', 'de la soupe'),
    ],
  },
  {
    en: 'drink',
    en3: 'drinks',
    fr: ['bois', 'bois', 'boit', 'buvons', 'buvez', 'boivent'],
    objects: [
      indef('water', "de l'eau"),
      indef('milk', 'du lait'),
      indef('coffee', 'du café'),
      indef('tea', 'du thé'),
      indef('wine', 'du vin'),
    ],
  },
  {
    en: 'like',
    en3: 'likes',
    fr: ['aime', 'aimes', 'aime', 'aimons', 'aimez', 'aiment'],
    objects: [
      def('cats', 'les chats'),
      def('dogs', 'les chiens'),
      def('music', 'la musique'),
      def('coffee', 'le café'),
      def('school', "l'école"),
    ],
  },
  {
    en: 'see',
    en3: 'sees',
    fr: ['vois', 'vois', 'voit', 'voyons', 'voyez', 'voient'],
    objects: [
      def('the house', 'la maison'),
      def('the sea', 'la mer'),
      def('the tree', "l'arbre"),
      def('the bird', "l'oiseau"),
      def('the car', 'la voiture'),
    ],
  },
  {
    en: 'want',
    en3: 'wants',
    fr: ['veux', 'veux', 'veut', 'voulons', 'voulez', 'veulent'],
    objects: [
      indef('a car', 'une voiture'),
      indef('a dog', 'un chien'),
      indef('a book', 'un livre'),
      indef('a bike', 'un vélo'),
      indef('an apple', 'une pomme'),
    ],
  },
  {
    en: 'have',
    en3: 'has',
    fr: ['ai', 'as', 'a', 'avons', 'avez', 'ont'],
    objects: [
      indef('a dog', 'un chien'),
      indef('a cat', 'un chat'),
      indef('a car', 'une voiture'),
      indef('a house', 'une maison'),
      indef('a key', 'une clé'),
    ],
  },
  {
    en: 'read',
    en3: 'reads',
    fr: ['lis', 'lis', 'lit', 'lisons', 'lisez', 'lisent'],
    objects: [
      def('the book', 'le livre'),
      def('the letter', 'la lettre'),
      def('the newspaper', 'le journal'),
      def('the menu', 'le menu'),
    ],
  },
  {
    en: 'buy',
    en3: 'buys',
    fr: ['achète', 'achètes', 'achète', 'achetons', 'achetez', 'achètent'],
    objects: [
      indef('bread', 'du pain'),
      indef('a book', 'un livre'),
      indef('a bike', 'un vélo'),
      indef('flowers', 'des fleurs'),
    ],
  },
  {
    en: 'open',
    en3: 'opens',
    fr: ['ouvre', 'ouvres', 'ouvre', 'ouvrons', 'ouvrez', 'ouvrent'],
    objects: [
      def('the door', 'la porte'),
      def('the window', 'la fenêtre'),
      def('the box', 'la boîte'),
      def('the letter', 'la lettre'),
    ],
  },
];

/** Adjectives after "to be": English, French m, f, m pl, f pl. */
const ADJECTIVES: readonly (readonly [string, string, string, string, string])[] = [
  ['tired', 'fatigué', 'fatiguée', 'fatigués', 'fatiguées'],
  ['happy', 'heureux', 'heureuse', 'heureux', 'heureuses'],
  ['sad', 'triste', 'triste', 'tristes', 'tristes'],
  ['ready', 'prêt', 'prête', 'prêts', 'prêtes'],
  ['sick', 'malade', 'malade', 'malades', 'malades'],
  ['busy', 'occupé', 'occupée', 'occupés', 'occupées'],
  ['late', 'en retard', 'en retard', 'en retard', 'en retard'],
  ['angry', 'fâché', 'fâchée', 'fâchés', 'fâchées'],
  ['lost', 'perdu', 'perdue', 'perdus', 'perdues'],
  ['rich', 'riche', 'riche', 'riches', 'riches'],
];
const ETRE = ['suis', 'es', 'est', 'sommes', 'êtes', 'sont'] as const;
const AVOIR = ['ai', 'as', 'a', 'avons', 'avez', 'ont'] as const;
/** "I'm hungry." → "J'ai faim." */
const AVOIR_STATES: readonly (readonly [string, string])[] = [
  ['hungry', 'faim'],
  ['thirsty', 'soif'],
  ['cold', 'froid'],
  ['hot', 'chaud'],
  ['scared', 'peur'],
  ['sleepy', 'sommeil'],
];

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** "je" + "aime" → "j'aime"; "ne" + "ai" → "n'ai"; "que" + "il …" → "qu'il …". */
const elide = (word: string, next: string) =>
  vowel(next) && /^(je|ne|que)$/.test(word) ? `${word.slice(0, -1)}'${next}` : `${word} ${next}`;
/** Capitalised, with French spacing before `?` and `!`. */
const frSentence = (words: string, end: '.' | '?' | '!') =>
  `${capitalize(words)}${end === '.' ? '.' : `${NNBSP}${end}`}`;

/** A present-tense clause, French side: subject + (ne) verb (pas) + rest. */
function frClause(subject: string, verb: string, rest: string, negative: boolean): string {
  const head = negative ? `${elide(subject, elide('ne', verb))} pas` : elide(subject, verb);
  return `${head} ${rest}`.trim();
}

function grammarPairs(names: readonly (readonly [string, string, 0 | 1])[]): SamplePair[] {
  const out: SamplePair[] = [];
  const add = (english: string, french: string) => out.push({ english, french });
  for (const s of subjects(names)) {
    const En = capitalize(s.en);
    for (const verb of VERBS) {
      const enVerb = s.third ? verb.en3 : verb.en;
      const doNot = s.third ? "doesn't" : "don't";
      const doQ = s.third ? 'Does' : 'Do';
      for (const [en, fr, frNeg] of verb.objects) {
        for (const f of dedupe(s.fr.map((x) => `${x.word}|${x.person}`))) {
          const [word, person] = f.split('|') as [string, string];
          const v = verb.fr[Number(person)]!;
          add(`${En} ${enVerb} ${en}.`, frSentence(frClause(word, v, fr, false), '.'));
          add(`${En} ${doNot} ${verb.en} ${en}.`, frSentence(frClause(word, v, frNeg, true), '.'));
          if (s.en !== 'I') {
            if (word === 'tu' || word === 'vous')
              add(`${doQ} ${s.en} ${verb.en} ${en}?`, frSentence(`${v}-${word} ${fr}`, '?'));
            add(
              `${doQ} ${s.en} ${verb.en} ${en}?`,
              frSentence(`est-ce ${elide('que', frClause(word, v, fr, false))}`, '?'),
            );
          }
        }
      }
    }
    for (const [en, ...forms] of ADJECTIVES) {
      for (const f of s.fr) {
        const etre = ETRE[f.person]!;
        add(`${s.be} ${en}.`, frSentence(frClause(f.word, etre, forms[f.agree]!, false), '.'));
        add(`${s.beNot} ${en}.`, frSentence(frClause(f.word, etre, forms[f.agree]!, true), '.'));
      }
    }
    for (const [en, fr] of AVOIR_STATES) {
      for (const f of s.fr) {
        add(`${s.be} ${en}.`, frSentence(frClause(f.word, AVOIR[f.person]!, fr, false), '.'));
        add(`${s.beNot} ${en}.`, frSentence(frClause(f.word, AVOIR[f.person]!, fr, true), '.'));
      }
    }
  }
  return out;
}

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** The default subjects' names besides the pronouns: English, French, gender. */
export const SAMPLE_NAMES: readonly (readonly [string, string, 0 | 1])[] = [
  ['Tom', 'Tom', 0],
  ['Mary', 'Marie', 1],
];

/**
 * Every sample pair, one per French translation, distinct, sorted by English length then text
 * (as Tatoeba's files are sorted by length, so the translations of a sentence are adjacent).
 */
export function samplePairs(
  names: readonly (readonly [string, string, 0 | 1])[] = SAMPLE_NAMES,
): SamplePair[] {
  const hand = HANDWRITTEN.split('\n').flatMap((line) => {
    const [english, frenchList] = line.split('|') as [string, string];
    return frenchList
      .split(';')
      .map((french) => ({ english, french: french.replace(/ ([!?])/g, `${NNBSP}$1`) }));
  });
  const seen = new Set<string>();
  const pairs = [...hand, ...grammarPairs(names)].filter(({ english, french }) => {
    const key = `${english}\t${french}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return pairs
    .map((pair, index) => ({ pair, index }))
    .sort(
      (a, b) =>
        a.pair.english.length - b.pair.english.length ||
        a.pair.english.localeCompare(b.pair.english) ||
        a.index - b.index,
    )
    .map(({ pair }) => pair);
}

/** The pairs in fra.txt's format: `english<TAB>french<TAB>attribution`, lines ended by `lineEnding`. */
export function sampleFileText(pairs: readonly SamplePair[], lineEnding: '\r\n' | '\n' = '\r\n'): string {
  return pairs
    .map(
      ({ english, french }, i) =>
        `${english}\t${french}\tCC-BY 2.0 (France) Attribution: rnnkit authors, written for examples/translate #${i + 1}${lineEnding}`,
    )
    .join('');
}

if (process.argv[1]?.endsWith('sample-grammar.ts')) process.stdout.write(sampleFileText(samplePairs()));
