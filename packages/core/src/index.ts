export { closestName } from './closest-name.js';
export { describeValue } from './describe-value.js';
export type { CoreErrorCode } from './errors.js';
export { CoreError, RnnkitError } from './errors.js';
export { EventLoopPacer, yieldToEventLoop } from './event-loop.js';
export { OTHER_NAMES } from './other-names.js';
export { SeededRandom } from './seeded-random.js';
export type { InvalidOptionError, NumberRange, Validator } from './validate.js';
export { createValidator, describeRange } from './validate.js';
