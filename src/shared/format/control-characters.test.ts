import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, escapeControlCharactersInText } from './control-characters';

describe('escapeControlCharacters', () => {
  it.each([
    ['plain text and unicode stay', 'example.com/mod ü – ✓', 'example.com/mod ü – ✓'],
    ['an ESC colour sequence', 'a\x1b[31mred', 'a\\x1b[31mred'],
    ['an OSC title ended by BEL', '\x1b]0;title\x07', '\\x1b]0;title\\x07'],
    ['CR, backspace, NUL, DEL', 'a\rb\bc\0d\x7f', 'a\\x0db\\x08c\\x00d\\x7f'],
    ['a C1 CSI', 'x\u009b31m', 'x\\x9b31m'],
    ['a bidi override and a line separator', 'a\u202eb\u2028c', 'a\\u202eb\\u2028c'],
    ['newline and tab in one line', 'a\nb\tc', 'a\\x0ab\\x09c'],
  ])('%s', (_, input, expected) => {
    expect(escapeControlCharacters(input)).toBe(expected);
  });

  it('keeps newlines and tabs in text, and escapes the rest', () => {
    expect(escapeControlCharactersInText('a\n\tb\r\x1b[2J')).toBe('a\n\tb\\x0d\\x1b[2J');
  });

  it('is idempotent: an escaped string holds no control character', () => {
    const once = escapeControlCharacters('\x1b\r\u202e');
    expect(escapeControlCharacters(once)).toBe(once);
  });
});
