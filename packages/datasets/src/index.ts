export type { DatasetsErrorCode } from './errors.js';
export { DatasetsError } from './errors.js';
export { SeededRandom } from './random.js';
