// The root README's workflow snippets are whole programs a user copies: each ```ts block must
// type-check against the packages as they are, so a renamed option or export breaks this test
// rather than the reader's first try.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const integrationDir = dirname(dirname(fileURLToPath(import.meta.url)));
const readme = readFileSync(join(integrationDir, '..', 'README.md'), 'utf8');

/** The ```ts blocks of a Markdown text, with the heading each sits under. */
export function typescriptBlocks(markdown: string): { heading: string; code: string }[] {
  const blocks: { heading: string; code: string }[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`README: the \`\`\`ts block under "${heading}" is not closed`);
    blocks.push({ heading, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Type-checks `files` (virtual paths inside integration/, so packages resolve as for its tests). */
function diagnose(files: ReadonlyMap<string, string>): string[] {
  const configPath = join(integrationDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, integrationDir);
  const options = { ...parsed.options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, create) =>
    files.has(name)
      ? ts.createSourceFile(name, files.get(name)!, language)
      : getSourceFile.call(host, name, language, onError, create);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.has(d.file.fileName))
    .map((d) => {
      const where =
        d.file && d.start !== undefined
          ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
          : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('the root README', () => {
  const blocks = typescriptBlocks(readme);

  it('has a workflow snippet for every example it links', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it('has snippets that type-check against the packages', () => {
    const files = new Map(
      blocks.map((block, i) => [
        join(integrationDir, '__readme__', `snippet-${i + 1}.ts`).replaceAll('\\', '/'),
        `// ${block.heading}\n${block.code}\nexport {};\n`,
      ]),
    );
    expect(diagnose(files)).toEqual([]);
  }, 120_000);
});
