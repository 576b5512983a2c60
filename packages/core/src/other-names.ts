/**
 * Names that Keras, PyTorch, the TensorFlow tutorials or earlier rnnkit versions give to an
 * option rnnkit spells otherwise (the root README's names table), with rnnkit's candidates in
 * order of preference. An unknown option found here is answered with the first candidate the
 * called function knows: the edit distance alone would not find it (`labelWidth` is nearer to
 * `shift` than to `outputSteps`).
 */
export const OTHER_NAMES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  maxlen: ['maxLength', 'sequenceLength'],
  max_len: ['maxLength', 'sequenceLength'],
  maxLen: ['maxLength', 'sequenceLength'],
  length: ['sequenceLength', 'maxLength'],
  seqLength: ['sequenceLength'],
  seq_length: ['sequenceLength'],
  seqLen: ['sequenceLength'],
  vocabSize: ['vocabularySize'],
  vocab_size: ['vocabularySize'],
  numTokens: ['vocabularySize'],
  inputWidth: ['inputSteps'],
  input_width: ['inputSteps'],
  labelWidth: ['outputSteps'],
  label_width: ['outputSteps'],
  outSteps: ['outputSteps'],
  outFeatures: ['outputFeatures'],
  maxLength: ['maxNewTokens'],
  max_length: ['maxNewTokens', 'maxLength'],
  max_new_tokens: ['maxNewTokens'],
  eosId: ['stop'],
  eos_token_id: ['stop'],
  stopIds: ['stop'],
  value: ['padValue'],
  num_samples: ['maxPairs'],
  randomSeed: ['seed'],
  abortSignal: ['signal'],
});
