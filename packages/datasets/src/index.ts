export type { DatasetsErrorCode } from './errors.js';
export { DatasetsError } from './errors.js';
