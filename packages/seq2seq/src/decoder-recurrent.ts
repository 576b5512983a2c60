import { GRU, LSTM } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown> | undefined;
type Inputs = tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];

function isConcreteList(inputs: unknown): inputs is tf.Tensor[] {
  return Array.isArray(inputs) && inputs.length > 1 && inputs[0] instanceof tf.Tensor;
}

/** `kwargs` without `initialState`, copied (tfjs' RNN.apply writes into the object it gets). */
function withoutInitialState(kwargs: Kwargs): Record<string, unknown> {
  const { initialState: _ignored, ...rest } = kwargs ?? {};
  return rest;
}

/**
 * `Base` with `apply`/`call` that take the initial states from the inputs `[x, ...states]`; the
 * decoder classes below only add their own `className`. Typed as `Base` (same constructor and
 * instance API) so the published declarations need not spell out an anonymous class.
 */
function takingStatesFromInputs<C extends typeof GRU | typeof LSTM>(Base: C): C {
  const Fused = Base as unknown as typeof GRU;
  class StatesFromInputs extends Fused {
    override apply(inputs: Inputs, kwargs?: Kwargs): ReturnType<GRU['apply']> {
      if (isConcreteList(inputs)) return super.apply(inputs, withoutInitialState(kwargs));
      const output = super.apply(inputs as Parameters<GRU['apply']>[0], kwargs);
      // tfjs' RNN.apply records the states (already inputs) as a symbolic `initialState` call
      // argument, which saving cannot serialise ("non-serializable keyword arguments" on every save).
      const node = this.inboundNodes.at(-1);
      if (node?.callArgs !== undefined) delete node.callArgs['initialState'];
      return output;
    }
    override call(
      inputs: tf.Tensor | tf.Tensor[],
      kwargs: Parameters<GRU['call']>[1],
    ): tf.Tensor | tf.Tensor[] {
      return isConcreteList(inputs)
        ? super.call(inputs[0]!, { ...kwargs, initialState: inputs.slice(1) })
        : super.call(inputs, kwargs);
    }
  }
  return StatesFromInputs as unknown as C;
}

/**
 * The decoder's recurrent layers take their initial states as extra inputs `[x, ...states]` (the
 * encoder's final states). tfjs-layers records a symbolic `initialState` in the node's call
 * arguments and replays it on concrete tensors, which it then refuses ("When inputs is an array,
 * neither initialState or constants should be provided"); these subclasses of rnnkit's fused
 * layers take the states from the inputs instead. Same maths, weights and config as `GRU`/`LSTM`.
 */
export class DecoderGRU extends takingStatesFromInputs(GRU) {
  static override className = 'RnnkitSeq2SeqDecoderGRU';
}

/** {@link DecoderGRU} for LSTMs (states `[h, c]`). */
export class DecoderLSTM extends takingStatesFromInputs(LSTM) {
  static override className = 'RnnkitSeq2SeqDecoderLSTM';
}

tf.serialization.registerClass(DecoderGRU);
tf.serialization.registerClass(DecoderLSTM);
