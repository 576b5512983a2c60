// Pictures: the training history and the learned character embeddings projected by PCA
// (embeddingMatrix/projectEmbeddings2d of @rnnkit/rnn-models, drawn by @rnnkit/metrics/plots).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddingScatterSvg, plotHistorySvg, svgToPng } from '@rnnkit/metrics/plots';
import { embeddingMatrix, type History, projectEmbeddings2d } from '@rnnkit/rnn-models';
import type { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface PlotFiles {
  readonly history: string;
  readonly embeddingsSvg: string;
  readonly embeddingsPng: string;
  /** Share of the embeddings' variance the two plotted components explain. */
  readonly explainedVariance: readonly [number, number];
}

/** Writes `char-poetry-history.svg` and `char-poetry-embeddings.{svg,png}` into `dir` (which must exist). */
export async function writePlots(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  history: History,
  dir: string,
): Promise<PlotFiles> {
  const files = {
    history: join(dir, 'char-poetry-history.svg'),
    embeddingsSvg: join(dir, 'char-poetry-embeddings.svg'),
    embeddingsPng: join(dir, 'char-poetry-embeddings.png'),
  };
  await writeFile(
    files.history,
    await plotHistorySvg(history, { title: 'char-poetry: loss (nats) and accuracy' }),
  );
  const labels = Array.from({ length: vocabulary.vocabularySize }, (_, id) => vocabulary.idToToken(id));
  const projection = projectEmbeddings2d(embeddingMatrix(model), { labels });
  const [pc1, pc2] = projection.explainedVariance;
  const svg = await embeddingScatterSvg(projection.points, projection.labels, {
    title: `Character embeddings (PCA: ${(100 * pc1).toFixed(0)}% + ${(100 * pc2).toFixed(0)}% of the variance)`,
  });
  await writeFile(files.embeddingsSvg, svg);
  await writeFile(files.embeddingsPng, await svgToPng(svg, { width: 600 }));
  return { ...files, explainedVariance: projection.explainedVariance };
}
