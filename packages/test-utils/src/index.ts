export type { CodedErrorClass } from './expect-error-code.js';
export { expectErrorCode } from './expect-error-code.js';
export type { ExpectNoLeaksOptions } from './expect-no-leaks.js';
export { expectNoLeaks } from './expect-no-leaks.js';
export type { CloseTolerance } from './expect-tensors-close.js';
export { expectTensorsClose } from './expect-tensors-close.js';
export { readJsonFixture } from './fixtures.js';
