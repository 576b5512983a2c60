export type { MetricsErrorCode } from './errors.js';
export { MetricsError } from './errors.js';
