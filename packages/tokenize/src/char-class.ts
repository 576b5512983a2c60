/** The inside of a RegExp character class matching exactly the characters of `chars`. */
export function charClassBody(chars: string): string {
  return Array.from(chars, (char) => (/[\\\]^-]/.test(char) ? `\\${char}` : char)).join('');
}
