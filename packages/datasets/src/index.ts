export type {
  BucketByLengthOptions,
  BucketPaddingReport,
  LengthBucket,
  ResolvedBucketByLengthOptions,
} from './bucket-by-length.js';
export {
  bucketByLength,
  DEFAULT_BUCKET_BY_LENGTH_OPTIONS,
  measureBucketPadding,
  resolveBucketByLengthOptions,
} from './bucket-by-length.js';
export type { BatchOptions, DatasetSource, ShuffleOptions, TfjsDatasetLike } from './dataset.js';
export { Dataset } from './dataset.js';
export type { MatrixDataByDtype, MatrixDtype } from './dense-matrix.js';
export { DenseMatrix, MATRIX_DTYPES } from './dense-matrix.js';
export type { DatasetsErrorCode } from './errors.js';
export { DatasetsError } from './errors.js';
export { lengthPercentiles } from './length-percentiles.js';
export type { UniversalTag } from './loaders/brown-universal.js';
export { brownToUniversal, UNIVERSAL_TAGS } from './loaders/brown-universal.js';
export type { CsvOptions, CsvRecord, ResolvedCsvOptions } from './loaders/csv.js';
export { DEFAULT_CSV_OPTIONS, parseCsv, readCsv, resolveCsvOptions } from './loaders/csv.js';
export type {
  BrownCorpusOptions,
  CmudictOptions,
  MobyDickChapter,
  MobyDickOptions,
  SpamAssassinMail,
  StateOfTheUnionSpeech,
  UsBirthsRow,
} from './loaders/npm-datasets.js';
export {
  brownCorpus,
  cmudict,
  mobyDick,
  spamAssassin,
  stateOfTheUnion,
  usBirths,
} from './loaders/npm-datasets.js';
export type { PlainTextOptions, PlainTextSplit, ResolvedPlainTextOptions } from './loaders/plain-text.js';
export {
  DEFAULT_PLAIN_TEXT_OPTIONS,
  parsePlainText,
  readPlainText,
  resolvePlainTextOptions,
} from './loaders/plain-text.js';
export type {
  ResolvedTaggedSentencesOptions,
  TaggedSentence,
  TaggedSentencesOptions,
  TaggedToken,
  Tagset,
} from './loaders/tagged-corpus.js';
export {
  DEFAULT_TAGGED_SENTENCES_OPTIONS,
  parseTaggedSentences,
  readTaggedSentences,
  resolveTaggedSentencesOptions,
} from './loaders/tagged-corpus.js';
export type {
  LabelledSentence,
  ResolvedSentencePairsOptions,
  SentencePair,
  SentencePairsOptions,
} from './loaders/tsv.js';
export {
  DEFAULT_SENTENCE_PAIRS_OPTIONS,
  parseLabelledSentences,
  parseSentencePairs,
  readLabelledSentences,
  readSentencePairs,
  resolveSentencePairsOptions,
} from './loaders/tsv.js';
export type { PadSequencesOptions, PadSide, ResolvedPadSequencesOptions } from './pad-sequences.js';
export {
  DEFAULT_PAD_SEQUENCES_OPTIONS,
  PAD_SIDES,
  padSequences,
  resolvePadSequencesOptions,
} from './pad-sequences.js';
export { SeededRandom } from './random.js';
export type { SeriesInput } from './series-input.js';
export type { ResolvedShiftedChunkOptions, ShiftedChunk, ShiftedChunkOptions } from './shifted-chunks.js';
export {
  countShiftedChunks,
  DEFAULT_SHIFTED_CHUNK_OPTIONS,
  resolveShiftedChunkOptions,
  shiftedChunks,
} from './shifted-chunks.js';
export type {
  ResolvedSlidingWindowOptions,
  SlidingWindow,
  SlidingWindowOptions,
  SlidingWindowTarget,
} from './sliding-windows.js';
export {
  countSlidingWindows,
  DEFAULT_SLIDING_WINDOW_OPTIONS,
  resolveSlidingWindowOptions,
  slidingWindows,
} from './sliding-windows.js';
export type { SplitOptions, SplitSize } from './split.js';
export { splitDataset, trainValTestSplit } from './split.js';
export type {
  ResolvedStatefulStreamOptions,
  StatefulBatch,
  StatefulStreamOptions,
} from './stateful-streams.js';
export {
  countStatefulBatches,
  DEFAULT_STATEFUL_STREAM_OPTIONS,
  resolveStatefulStreamOptions,
  statefulStreams,
} from './stateful-streams.js';
export type {
  FitNormalizationOptions,
  NormalizationStats,
  NormalizationStatsOptions,
  NormalizedSeries,
  NormalizeOptions,
  ResolvedFitNormalizationOptions,
  ResolvedNormalizationStatsOptions,
  ResolvedNormalizeOptions,
} from './timeseries-normalization.js';
export {
  DEFAULT_FIT_NORMALIZATION_OPTIONS,
  DEFAULT_NORMALIZATION_STATS_OPTIONS,
  DEFAULT_NORMALIZE_OPTIONS,
  denormalize,
  fitNormalization,
  normalizationStats,
  normalize,
  resolveFitNormalizationOptions,
  resolveNormalizationStatsOptions,
  resolveNormalizeOptions,
} from './timeseries-normalization.js';
export type {
  ResolvedTimeseriesWindowOptions,
  TimeseriesWindow,
  TimeseriesWindowOptions,
} from './timeseries-windows.js';
export {
  countTimeseriesWindows,
  DEFAULT_TIMESERIES_WINDOW_OPTIONS,
  resolveTimeseriesWindowOptions,
  timeseriesWindows,
} from './timeseries-windows.js';
export type { Example, NumericValue, TensorBatch, TensorBatchOptions } from './to-tensors.js';
export { tensorBatch, toTensors } from './to-tensors.js';
