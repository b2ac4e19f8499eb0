// Text from a workspace (folder names, module paths, tool output in reasons) reaches terminals,
// Markdown and benchmark files. Control characters in it would be obeyed rather than shown: ESC
// sequences recolour or retitle a terminal, CR and backspace overwrite what was printed, bidi
// overrides reorder it. EnvBench prints them as visible escapes instead. (JSON needs none of
// this: JSON.stringify escapes them itself.)

// C0 controls, DEL, C1 controls, and the Unicode line separators and bidirectional overrides.
// (Matching control characters is the point here.)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One line of text safe to print: every control character, newlines and tabs included, becomes
 * a visible escape (ESC -> `\x1b`, CR -> `\x0d`, U+202E -> `\u202e`). For table cells, names and
 * single-line fields.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, visible);
}

/** As escapeControlCharacters, but keeps newlines and tabs: for whole documents and multi-line text. */
export function escapeControlCharactersInText(text: string): string {
  return text.replace(CONTROL_EXCEPT_LINES, visible);
}
