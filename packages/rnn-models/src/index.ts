// Types of the chained tensor methods initBackend installs (`t.mul(b)`): an augmentation of
// tfjs-core's Tensor, kept in the published index.d.ts by this import; its JS is an empty module.
import './backend/chained-ops-types.generated.js';

export type { BackendName, InitBackendOptions } from './backend/backend.js';
export { DEFAULT_INIT_BACKEND_OPTIONS, initBackend } from './backend/backend.js';
export type { RnnModelsErrorCode } from './errors.js';
export { RnnModelsError } from './errors.js';
export type { RecurrentStepKind } from './inference/recurrent-step.js';
export type {
  RnnStepModel,
  RnnStepState,
  StepStateLayout,
  ToStepModelOptions,
} from './inference/step-model.js';
export {
  DEFAULT_TO_STEP_MODEL_OPTIONS,
  toStepModel,
} from './inference/step-model.js';
export type {
  EmbeddingMatrix,
  EmbeddingMatrixOptions,
  EmbeddingProjection,
  ProjectEmbeddings2dOptions,
} from './inspect/embedding.js';
export {
  DEFAULT_PROJECT_EMBEDDINGS_2D_OPTIONS,
  embeddingMatrix,
  projectEmbeddings2d,
} from './inspect/embedding.js';
export type {
  BidirectionalGateWeights,
  GateWeightSet,
  GateWeights,
  GruGateWeights,
  LstmGateWeights,
  RecurrentGateWeights,
  SimpleRnnGateWeights,
  WeightArray,
} from './inspect/gate-weights.js';
export { gateWeights } from './inspect/gate-weights.js';
export type { LayerOutputs, LayerOutputsOptions } from './inspect/layer-outputs.js';
export {
  DEFAULT_LAYER_OUTPUTS_OPTIONS,
  layerOutputs,
} from './inspect/layer-outputs.js';
export type {
  Realignment,
  SkippedLayer,
  SkipReason,
  TransferredLayer,
  TransferSummary,
  TransferWeightsOptions,
} from './inspect/transfer-weights.js';
export { buildVocabularyMap, transferWeights } from './inspect/transfer-weights.js';
export type {
  DecodeSafetensorsOptions,
  SafetensorsContents,
  SafetensorsTensor,
} from './interop/safetensors.js';
export { decodeSafetensors, encodeSafetensors } from './interop/safetensors.js';
export type { TorchLayerEntry } from './interop/torch-layers.js';
export { layersFromTorch, layersToTorch, torchLayerShapes } from './interop/torch-layers.js';
export type {
  DecodedTorchModel,
  EncodedTorchModel,
  EncodeTorchModelOptions,
  TorchModelConfig,
  TorchTemplateConfig,
  TorchTemplateName,
} from './interop/torch-model.js';
export {
  checkTorchConfig,
  decodeTorchModel,
  encodeTorchModel,
  TORCH_CONFIG_FORMAT,
  TORCH_CONFIG_VERSION,
  TORCH_TEMPLATES,
} from './interop/torch-model.js';
export type {
  GruWeightArrays,
  KerasWeightArray,
  LstmWeightArrays,
  SimpleRnnWeightArrays,
  TorchDirection,
  TorchFlatTensor,
  TorchNestedNumbers,
  TorchStateDict,
  TorchTensorValue,
  TorchWeightsOptions,
} from './interop/torch-weights.js';
export {
  gruWeightsFromTorch,
  lstmWeightsFromTorch,
  simpleRnnWeightsFromTorch,
} from './interop/torch-weights.js';
export type { OrthogonalArgs } from './layers/orthogonal-initializer.js';
export { Orthogonal, orthogonal } from './layers/orthogonal-initializer.js';
export type { GRUCellArgs, LSTMCellArgs, SimpleRNNCellArgs } from './layers/recurrent-cells.js';
export { GRUCell, LSTMCell, PeepholeLSTMCell, SimpleRNNCell } from './layers/recurrent-cells.js';
export type { FusedRecurrentArgs, GRUArgs, LSTMArgs, SimpleRNNArgs } from './layers/recurrent-layers.js';
export {
  GRU,
  gru,
  LSTM,
  lstm,
  PeepholeLSTM,
  peepholeLSTM,
  SimpleRNN,
  simpleRNN,
} from './layers/recurrent-layers.js';
export type { SeededDropoutLayer } from './layers/seeded-dropout.js';
export type { FusedActivationName } from './ops/fused-activations.js';
export type { GruSequenceOptions, GruSequenceResult, GruWeights } from './ops/gru-sequence.js';
export { gruSequence } from './ops/gru-sequence.js';
export type {
  LstmPeepholeWeights,
  LstmSequenceOptions,
  LstmSequenceResult,
  LstmWeights,
} from './ops/lstm-sequence.js';
export { lstmSequence } from './ops/lstm-sequence.js';
export type {
  SimpleRnnSequenceOptions,
  SimpleRnnSequenceResult,
  SimpleRnnWeights,
} from './ops/simple-rnn-sequence.js';
export { simpleRnnSequence } from './ops/simple-rnn-sequence.js';
export type {
  ForecasterHead,
  ForecasterOptions,
  StepForecaster,
} from './templates/forecaster.js';
export {
  DEFAULT_FORECASTER_OPTIONS,
  FORECASTER_HEADS,
  forecaster,
  predictAutoregressive,
} from './templates/forecaster.js';
export type {
  LanguageModelMode,
  LanguageModelOptions,
} from './templates/language-model.js';
export {
  DEFAULT_LANGUAGE_MODEL_OPTIONS,
  LANGUAGE_MODEL_MODES,
  languageModel,
} from './templates/language-model.js';
export type { NewTokenEmbedding, RealignVocabularyOptions } from './templates/realign-vocabulary.js';
export {
  DEFAULT_REALIGN_VOCABULARY_OPTIONS,
  NEW_TOKEN_EMBEDDINGS,
  realignVocabulary,
} from './templates/realign-vocabulary.js';
export type { SequenceClassifierOptions } from './templates/sequence-classifier.js';
export {
  DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS,
  sequenceClassifier,
} from './templates/sequence-classifier.js';
export type { SequenceTaggerOptions } from './templates/sequence-tagger.js';
export {
  DEFAULT_SEQUENCE_TAGGER_OPTIONS,
  sequenceTagger,
} from './templates/sequence-tagger.js';
export type {
  ActivationName,
  EmbeddingOptions,
  HeadOptions,
  RecurrentCellKind,
  RecurrentStackOptions,
  SeedOptions,
} from './templates/shared-options.js';
export { ACTIVATION_NAMES, RECURRENT_CELL_KINDS } from './templates/shared-options.js';
export type { SummaryOptions } from './templates/summary.js';
export { DEFAULT_SUMMARY_OPTIONS, summary } from './templates/summary.js';
export type { Batch, BatchIteratorSource, DataSource } from './training/data-source.js';
export type { EarlyStoppingOptions } from './training/early-stopping.js';
export { DEFAULT_EARLY_STOPPING_OPTIONS } from './training/early-stopping.js';
export type { EvaluateData, EvaluateResult } from './training/evaluate.js';
export { evaluate } from './training/evaluate.js';
export type { EvaluateOptions } from './training/evaluate-options.js';
export { DEFAULT_EVALUATE_OPTIONS } from './training/evaluate-options.js';
export type { GradientClippingOptions } from './training/gradient-clipping.js';
export { clipByGlobalNorm, clipByNorm, globalNorm } from './training/gradient-clipping.js';
export type { History } from './training/history.js';
export type { LearningRateFunction, LearningRateScheduleConfig } from './training/learning-rate-schedules.js';
export { createLearningRateSchedule } from './training/learning-rate-schedules.js';
export type { LossFunction, LossName } from './training/losses.js';
export { getLoss, LOSS_NAMES } from './training/losses.js';
export type { MetricFunction, MetricName, MetricSpec } from './training/metrics.js';
export type { OptimizerName } from './training/optimizers.js';
export { DEFAULT_LEARNING_RATES } from './training/optimizers.js';
export type { ProgressOutput, Verbosity } from './training/progress.js';
export { train } from './training/train.js';
export type {
  TrainCallbacks,
  TrainData,
  TrainOptions,
  TrainStep,
  TrainStepContext,
  TrainStepResult,
} from './training/train-options.js';
export { DEFAULT_TRAIN_OPTIONS } from './training/train-options.js';
