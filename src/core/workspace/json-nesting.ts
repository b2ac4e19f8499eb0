import { createScanner } from 'jsonc-parser';

/**
 * JSON parsers recurse once per nested array or object, so a definition file of 100000 `[` ends
 * in "Maximum call stack size exceeded" instead of an error about the file. Deeper than this,
 * EnvBench does not parse a definition (Go's encoding/json, which Devbox uses, stops at 10000).
 */
export const MAX_JSON_NESTING = 1000;

// jsonc-parser's SyntaxKind values (a const enum its typings declare, which isolated modules cannot read).
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/**
 * The character offset where a JSON (or JSONC) text first nests arrays and objects more than
 * `limit` deep, or null. Reads tokens with jsonc-parser's scanner, which does not recurse.
 */
export function excessiveNesting(text: string, limit = MAX_JSON_NESTING): number | null {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (++depth > limit) return scanner.getTokenOffset();
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) depth = Math.max(0, depth - 1);
  }
  return null;
}
