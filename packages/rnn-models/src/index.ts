export type { RnnModelsErrorCode } from './errors.js';
export { RnnModelsError } from './errors.js';
