// Raw RFC 822 mails → the text a spam filter reads: the Subject line and the readable body.
// Routing headers (Received, Message-ID, dates, addresses) are dropped: they identify the
// corpus' mailboxes and collection dates rather than what a mail says, so a model that
// learnt them would not carry over to anyone else's inbox. The Subject is kept because a
// filter sees it and spammers write it; MIME parts are decoded (quoted-printable, base64),
// HTML is turned into its text, and URLs, addresses and numbers become placeholder words —
// the clean-up of Géron's "Hands-On ML" spam notebook, whose logistic regression is the
// reference point.

/** One mail reduced to words: `subject` and `body` as plain text. */
export interface CleanMail {
  readonly subject: string;
  readonly body: string;
}

// Parts beyond this depth or count are ignored: real mails nest two or three levels.
const MAX_DEPTH = 5;
const MAX_PARTS = 50;

/** Splits a mail (or a MIME part) at its first blank line into unfolded headers and the body. */
function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.search(/\n\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 2);
  const headers = new Map<string, string>();
  // Continuation lines (starting with white space) belong to the header above them.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function decodeBase64(text: string): string {
  const compact = text.replace(/[^A-Za-z0-9+/=]/g, '');
  return Buffer.from(compact, 'base64').toString('latin1');
}

/** RFC 2047 encoded words in headers: `=?iso-8859-1?Q?Caf=E9?=`, `=?utf-8?B?…?=`. */
function decodeEncodedWords(header: string): string {
  return header.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, kind: string, data: string) =>
    kind.toUpperCase() === 'B' ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ', apos: "'" };

/** HTML → its visible text; links become the word "hyperlink" (Géron's `html_to_plain_text`). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<a\s[^>]*>/gi, ' hyperlink ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#')) return String.fromCharCode(Number(name.slice(1)) % 65536);
      return ENTITIES[name.toLowerCase()] ?? entity;
    });
}

/** The readable text of a MIME entity: text parts decoded, HTML turned into text, attachments skipped. */
function entityText(raw: string, depth: number): string[] {
  const { headers, body } = splitHeaders(raw);
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase().trim();
  if (type.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
    if (boundary !== undefined) {
      const parts = body.split(`--${boundary.trim()}`).slice(1, MAX_PARTS + 1);
      // The text after the closing boundary starts with "--"; the preamble was dropped by slice(1).
      return parts
        .filter((part) => !part.startsWith('--'))
        .flatMap((part) => entityText(part.replace(/^\n/, ''), depth + 1));
    }
  }
  if (!type.startsWith('text/') && !type.startsWith('multipart/')) return ['attachment'];
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(text);
  else if (encoding === 'base64') text = decodeBase64(text);
  return [type.startsWith('text/html') ? htmlToText(text) : text];
}

/** Replaces URLs, e-mail addresses and numbers by the words `url`, `emailaddr`, `number`. */
export function normalizeText(text: string): string {
  return text
    .replace(/\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gi, ' url ')
    .replace(/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, ' emailaddr ')
    .replace(/\d+(?:[.,]\d+)*/g, ' number ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The Subject and readable body of a raw mail, normalized (see the file comment).
 *
 * @example
 * cleanMail('Subject: Win $1000\n\nVisit http://x.biz now').subject; // 'Win $ number'
 */
export function cleanMail(raw: string): CleanMail {
  const { headers } = splitHeaders(raw);
  return {
    subject: normalizeText(decodeEncodedWords(headers.get('subject') ?? '')),
    body: normalizeText(entityText(raw, 0).join(' ')),
  };
}

/** What the classifier reads: the subject, then the body. */
export function mailText(raw: string): string {
  const { subject, body } = cleanMail(raw);
  return subject === '' ? body : `${subject} . ${body}`;
}
