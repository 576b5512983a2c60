export type { SamplingErrorCode } from './errors.js';
export { SamplingError } from './errors.js';
