export type { Seq2SeqErrorCode } from './errors.js';
export { Seq2SeqError } from './errors.js';
