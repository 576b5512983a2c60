import { createValidator, RnnkitError, SeededRandom } from '@rnnkit/core';
import type { ProbeSuite } from '../types.js';

class ProbeError extends RnnkitError<'PROBE_INVALID_OPTION'> {}
const check = createValidator((message) => new ProbeError('PROBE_INVALID_OPTION', message));

const suite: ProbeSuite = {
  packageName: 'core',
  probes: () => [
    {
      name: 'SeededRandom: seed NaN',
      kind: 'non-finite',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => new SeededRandom(Number.NaN),
    },
    {
      name: 'SeededRandom: seed "1"',
      kind: 'bad-type',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => new SeededRandom('1' as never),
    },
    {
      name: 'SeededRandom: seed 2^60',
      kind: 'out-of-range',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => new SeededRandom(2 ** 60),
    },
    {
      name: 'SeededRandom.fromState: null',
      kind: 'bad-type',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => SeededRandom.fromState(null as never),
    },
    {
      name: 'SeededRandom.fromState: zeros',
      kind: 'out-of-range',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => SeededRandom.fromState([0, 0, 0, 0]),
    },
    {
      name: 'SeededRandom.nextInt: 0',
      kind: 'out-of-range',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => new SeededRandom(1).nextInt(0),
    },
    {
      name: 'SeededRandom.nextInt: Infinity',
      kind: 'non-finite',
      expect: { code: 'CORE_INVALID_OPTION' },
      run: () => new SeededRandom(1).nextInt(Number.POSITIVE_INFINITY),
    },
    {
      name: 'SeededRandom.shuffleInPlace: empty',
      kind: 'empty',
      expect: 'ok',
      run: () => new SeededRandom(1).shuffleInPlace([]),
    },
    {
      name: 'validator.options: misspelt',
      kind: 'misspelt-option',
      expect: 'error',
      run: () => check.options('f', { averge: 1 }, ['average']),
    },
    {
      name: 'validator.options: array',
      kind: 'bad-type',
      expect: 'error',
      run: () => check.options('f', [1] as never, ['a']),
    },
    {
      name: 'validator.integer: NaN',
      kind: 'non-finite',
      expect: 'error',
      run: () => check.integer('f', 'n', Number.NaN),
    },
    {
      name: 'validator.number: cyclic value printed',
      kind: 'bad-type',
      expect: 'error',
      run: () => {
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;
        return check.number('f', 'x', cyclic);
      },
    },
  ],
};
export default suite;
