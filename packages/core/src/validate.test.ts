import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name.js';
import { describeValue } from './describe-value.js';
import { RnnkitError } from './errors.js';
import { createValidator, describeRange } from './validate.js';

class TestError extends RnnkitError<'TEST_INVALID_OPTION'> {
  override readonly name = 'TestError';
}
const check = createValidator((message) => new TestError('TEST_INVALID_OPTION', message));

function messageOf(fn: () => unknown): string {
  return expectErrorCode(fn, TestError, 'TEST_INVALID_OPTION').message;
}

describe('closestName', () => {
  it('names the closest candidate, ignoring case, _ and -, preferring containment', () => {
    expect(closestName('averge', ['labels', 'average', 'zeroDivision'])).toBe('average');
    expect(closestName('max_len', ['maxLength', 'padding', 'truncating'])).toBe('maxLength');
    expect(closestName('maxlen', ['value', 'maxLength'])).toBe('maxLength');
    expect(closestName('returnSequence', ['returnSequences', 'returnState'])).toBe('returnSequences');
    expect(closestName('hidden_units', ['cell', 'units', 'dropout'])).toBe('units');
    expect(closestName('delimeter', ['columns', 'delimiter', 'header'])).toBe('delimiter');
    expect(closestName('backnd', ['backend', 'threads', 'pinThreads'])).toBe('backend');
    expect(closestName('x', [])).toBeNull();
  });
});

describe('describeValue', () => {
  it('prints every kind of value briefly and never as [object Object]', () => {
    expect(describeValue('macro')).toBe('"macro"');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue([1, 2])).toBe('[1,2]');
    expect(describeValue(new Array(100).fill(1))).toBe('an array of length 100');
    expect(describeValue({ averge: 'macro' })).toBe('{"averge":"macro"}');
    expect(describeValue(new Float32Array(3))).toBe('a Float32Array of length 3');
    expect(describeValue({ dtype: 'int32', shape: [2, 3] })).toBe('a int32 tensor of shape [2, 3]');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeValue(cyclic)).toBe('an object');
    expect(describeValue('x'.repeat(200)).length).toBeLessThanOrEqual(60);
  });
});

describe('createValidator', () => {
  it('rejects unknown option names, naming the closest known one', () => {
    const message = messageOf(() => check.options('f1Score', { averge: 'macro' }, ['average', 'labels']));
    expect(message).toContain("'averge'");
    expect(message).toContain("Did you mean 'average'?");
    expect(messageOf(() => check.options('padSequences', { max_len: 3 }, ['maxLength']))).toContain(
      'snake_case',
    );
    expect(messageOf(() => check.options('f', { a: 1 }, []))).toContain('takes no options');
    for (const bad of [null, 3, 'x', [1]]) messageOf(() => check.options('f', bad as object, ['a']));
    expect(check.options('f', undefined, ['a'])).toEqual({});
  });

  it("answers another library's name for an option with rnnkit's, when the function knows it", () => {
    expect(messageOf(() => check.options('padSequences', { maxlen: 3 }, ['maxLength', 'padding']))).toContain(
      "rnnkit calls it 'maxLength'",
    );
    expect(messageOf(() => check.options('windowedStepModel', { maxlen: 3 }, ['sequenceLength']))).toContain(
      "rnnkit calls it 'sequenceLength'",
    );
    expect(
      messageOf(() =>
        check.options('timeseriesWindows', { labelWidth: 3 }, ['inputSteps', 'outputSteps', 'shift']),
      ),
    ).toContain("'outputSteps'");
    // Not a known target here: the closest name, as for any misspelling.
    expect(messageOf(() => check.options('f', { eosId: 3 }, ['eos']))).toContain("Did you mean 'eos'?");
    expect(messageOf(() => check.options('f', { toString: 3 }, ['a']))).toContain("Did you mean 'a'?");
  });

  it('withDefaults overlays defined fields on the defaults and checks names', () => {
    const defaults = { a: 1, b: 'x' };
    expect(check.withDefaults('f', { a: 2, b: undefined }, defaults)).toEqual({ a: 2, b: 'x' });
    expect(check.withDefaults('f', { c: 3 }, defaults, ['c'])).toEqual({ a: 1, b: 'x', c: 3 });
    expect(check.withDefaults('f', undefined, defaults)).toEqual(defaults);
    messageOf(() => check.withDefaults('f', { bb: 1 }, defaults));
  });

  it('checks integers, numbers, booleans, strings, choices, seeds and signals', () => {
    expect(check.integer('f', 'n', 3, { min: 1 })).toBe(3);
    for (const bad of [0, 1.5, Number.NaN, '3', 2 ** 60])
      messageOf(() => check.integer('f', 'n', bad, { min: 1 }));
    expect(messageOf(() => check.integer('lstm', 'units', 0, { min: 1 }))).toBe(
      'lstm: units must be an integer ≥ 1, got 0. Pass an integer ≥ 1.',
    );
    expect(check.number('f', 'p', 0.5, { min: 0, max: 1, maxExclusive: true })).toBe(0.5);
    for (const bad of [1, -0.1, Number.POSITIVE_INFINITY, Number.NaN]) {
      messageOf(() => check.number('f', 'p', bad, { min: 0, max: 1, maxExclusive: true }));
    }
    expect(
      messageOf(() => check.number('lstm', 'dropout', 1.5, { min: 0, max: 1, maxExclusive: true })),
    ).toContain('in [0, 1)');
    expect(check.boolean('f', 'b', false)).toBe(false);
    messageOf(() => check.boolean('f', 'b', 'true'));
    expect(check.string('f', 's', '')).toBe('');
    messageOf(() => check.string('f', 's', '', true));
    expect(check.oneOf('f', 'mode', 'pre', ['pre', 'post'] as const)).toBe('pre');
    expect(messageOf(() => check.oneOf('f', 'mode', 'psot', ['pre', 'post']))).toContain(
      "Did you mean 'post'?",
    );
    expect(check.oneOf('f', 'x', null, [null, 1])).toBeNull();
    expect(check.seed('f', 'seed', undefined)).toBeNull();
    expect(check.seed('f', 'seed', -5)).toBe(-5);
    messageOf(() => check.seed('f', 'seed', 0.5));
    const controller = new AbortController();
    expect(check.signal('f', 'signal', controller.signal)).toBe(controller.signal);
    expect(check.signal('f', 'signal', undefined)).toBeNull();
    messageOf(() => check.signal('f', 'signal', {}));
  });

  it('describes ranges', () => {
    expect(describeRange({ min: 1 })).toBe('≥ 1');
    expect(describeRange({ min: 0, minExclusive: true })).toBe('> 0');
    expect(describeRange({ min: 0, max: 1, maxExclusive: true })).toBe('in [0, 1)');
    expect(describeRange({ max: 5, maxExclusive: true })).toBe('< 5');
    expect(describeRange({})).toBe('');
  });

  it('errors are RnnkitErrors with the package code', () => {
    const error = expectErrorCode(() => check.boolean('f', 'b', 1), TestError, 'TEST_INVALID_OPTION');
    expect(error).toBeInstanceOf(RnnkitError);
    expect(error.name).toBe('TestError');
  });
});
