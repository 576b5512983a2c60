/** What the plot tests read back from a rendered vega SVG (test-only). */

/** The `aria-label` of every rect mark (one per heat-map cell), in drawing order. */
export function cells(svg: string): string[] {
  return [
    ...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="rect mark"/g),
  ].map((m) => m[1]!);
}

/** The text of every text mark (the values printed in cells), in drawing order. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/aria-roledescription="text mark"[^>]*>([^<]*)</g)].map((m) => m[1]!);
}
