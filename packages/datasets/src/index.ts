export { SeededRandom } from '@rnnkit/core';
export type { BucketByLengthOptions, BucketPaddingReport, LengthBucket } from './bucket-by-length.js';
export {
  bucketByLength,
  DEFAULT_BUCKET_BY_LENGTH_OPTIONS,
  measureBucketPadding,
} from './bucket-by-length.js';
export type {
  BatchOptions,
  DatasetSource,
  ShuffleOptions,
  TfjsDatasetLike,
  ToArrayOptions,
} from './dataset.js';
export {
  Dataset,
  DEFAULT_BATCH_OPTIONS,
  DEFAULT_SHUFFLE_OPTIONS,
  DEFAULT_TO_ARRAY_OPTIONS,
} from './dataset.js';
export type { MatrixDataByDtype, MatrixDtype } from './dense-matrix.js';
export { DenseMatrix, MATRIX_DTYPES } from './dense-matrix.js';
export type { DatasetsErrorCode } from './errors.js';
export { DatasetsError } from './errors.js';
export { lengthPercentiles } from './length-percentiles.js';
export type { UniversalTag } from './loaders/brown-universal.js';
export { brownToUniversal, UNIVERSAL_TAGS } from './loaders/brown-universal.js';
export type { CsvOptions, CsvRecord } from './loaders/csv.js';
export { DEFAULT_CSV_OPTIONS, parseCsv, readCsv } from './loaders/csv.js';
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
  DEFAULT_CMUDICT_OPTIONS,
  DEFAULT_MOBY_DICK_OPTIONS,
  mobyDick,
  spamAssassin,
  stateOfTheUnion,
  usBirths,
} from './loaders/npm-datasets.js';
export type { PlainTextOptions, PlainTextSplit } from './loaders/plain-text.js';
export { DEFAULT_PLAIN_TEXT_OPTIONS, parsePlainText, readPlainText } from './loaders/plain-text.js';
export type {
  TaggedSentence,
  TaggedSentencesOptions,
  TaggedToken,
  Tagset,
} from './loaders/tagged-corpus.js';
export {
  DEFAULT_TAGGED_SENTENCES_OPTIONS,
  parseTaggedSentences,
  readTaggedSentences,
} from './loaders/tagged-corpus.js';
export type { LabelledSentence, SentencePair, SentencePairsOptions } from './loaders/tsv.js';
export {
  DEFAULT_SENTENCE_PAIRS_OPTIONS,
  parseLabelledSentences,
  parseSentencePairs,
  readLabelledSentences,
  readSentencePairs,
} from './loaders/tsv.js';
export type { PadSequencesOptions, PadSide } from './pad-sequences.js';
export { DEFAULT_PAD_SEQUENCES_OPTIONS, PAD_SIDES, padSequences } from './pad-sequences.js';
export type { SeriesInput } from './series-input.js';
export type { ShiftedChunk, ShiftedChunkOptions } from './shifted-chunks.js';
export { countShiftedChunks, DEFAULT_SHIFTED_CHUNK_OPTIONS, shiftedChunks } from './shifted-chunks.js';
export { MAX_CELLS } from './size-limit.js';
export type { SlidingWindow, SlidingWindowOptions, SlidingWindowTarget } from './sliding-windows.js';
export { countSlidingWindows, DEFAULT_SLIDING_WINDOW_OPTIONS, slidingWindows } from './sliding-windows.js';
export type { SplitOptions, SplitSize, TrainValTestSplitOptions } from './split.js';
export {
  DEFAULT_SPLIT_OPTIONS,
  DEFAULT_TRAIN_VAL_TEST_SPLIT_OPTIONS,
  splitDataset,
  trainValTestSplit,
} from './split.js';
export type { StatefulBatch, StatefulStreamOptions } from './stateful-streams.js';
export {
  countStatefulBatches,
  DEFAULT_STATEFUL_STREAM_OPTIONS,
  statefulStreams,
} from './stateful-streams.js';
export type {
  FitNormalizationOptions,
  NormalizationStats,
  NormalizationStatsOptions,
  NormalizedSeries,
  NormalizeOptions,
} from './timeseries-normalization.js';
export {
  DEFAULT_FIT_NORMALIZATION_OPTIONS,
  DEFAULT_NORMALIZATION_STATS_OPTIONS,
  DEFAULT_NORMALIZE_OPTIONS,
  denormalize,
  fitNormalization,
  normalizationStats,
  normalize,
} from './timeseries-normalization.js';
export type { TimeseriesWindow, TimeseriesWindowOptions } from './timeseries-windows.js';
export {
  countTimeseriesWindows,
  DEFAULT_TIMESERIES_WINDOW_OPTIONS,
  timeseriesWindows,
} from './timeseries-windows.js';
export { toCategorical } from './to-categorical.js';
