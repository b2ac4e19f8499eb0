import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import { excessiveNesting, MAX_JSON_NESTING } from '../../workspace/json-nesting';

// A workspace's own devbox.json, checked before Devbox sees it: what is wrong, and where.

const PARSE_ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected a closing brace "}"',
  CloseBracketExpected: 'expected a closing bracket "]"',
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

export const FIX_OR_REMOVE = 'Fix the file, or remove it to let EnvBench generate one';

/**
 * What is wrong with a devbox.json, or null. Devbox reads it as HuJSON (JSON with comments and
 * trailing commas), so both are accepted; `packages` must be a list of strings ("go@1.22") or an
 * object whose values are versions or package objects, as Devbox itself accepts.
 */
export function devboxJsonProblem(text: string, name = 'devbox.json'): string | null {
  const tooDeep = excessiveNesting(text);
  if (tooDeep !== null) {
    const { line, column } = lineAndColumn(text, tooDeep);
    return `${name} nests arrays and objects more than ${MAX_JSON_NESTING} deep: line ${line}, column ${column}. ${FIX_OR_REMOVE}`;
  }
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const { line, column } = lineAndColumn(text, first.offset);
    const code = printParseErrorCode(first.error);
    return `${name} is not valid JSON: line ${line}, column ${column}: ${PARSE_ERROR_TEXT[code] ?? code}. ${FIX_OR_REMOVE}`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return `${name} must hold one JSON object ({ "packages": [...] }). ${FIX_OR_REMOVE}`;
  }
  const packages = (json as { packages?: unknown }).packages;
  if (packages === undefined || packages === null) return null;
  const expected = `"packages" must be a list of strings such as "go@1.22", or an object mapping names to versions`;
  if (Array.isArray(packages)) {
    const bad = packages.findIndex((p) => typeof p !== 'string');
    return bad < 0 ? null : `${name}: ${expected}, but packages[${bad}] is ${describeJsonType(packages[bad])}. ${FIX_OR_REMOVE}`;
  }
  if (typeof packages === 'object') {
    for (const [key, value] of Object.entries(packages as Record<string, unknown>)) {
      if (typeof value === 'string') continue;
      const version = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { version?: unknown }).version : 0;
      if (version === undefined || typeof version === 'string') continue;
      return `${name}: ${expected}, but packages["${key}"] is ${describeJsonType(value)}. ${FIX_OR_REMOVE}`;
    }
    return null;
  }
  return `${name}: ${expected}, but it is ${describeJsonType(packages)}. ${FIX_OR_REMOVE}`;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object without a string "version"';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

/** The packages of a valid devbox.json as Devbox names them in devbox.lock ("go@1.22", "path:...#go"). */
export function devboxPackages(text: string): string[] {
  const json = parseJsonc(text, [], { allowTrailingComma: true }) as { packages?: unknown } | undefined;
  const packages = json?.packages;
  if (Array.isArray(packages)) return packages.filter((p): p is string => typeof p === 'string');
  if (typeof packages !== 'object' || packages === null) return [];
  return Object.entries(packages as Record<string, unknown>).map(([name, value]) => {
    const version = typeof value === 'string' ? value : (value as { version?: unknown } | null)?.version;
    return typeof version === 'string' && version ? `${name}@${version}` : name;
  });
}
