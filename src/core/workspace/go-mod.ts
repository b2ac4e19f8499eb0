/** The parts of go.mod EnvBench needs. Parsed without running Go, so it works where Go is absent. */
export interface GoMod {
  module: string;
  goVersion: string | null;
  toolchain: string | null;
}

export class GoModSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'require', 'replace', 'exclude', 'retract', 'godebug', 'tool', 'ignore']);
const BLOCK_DIRECTIVES = new Set(['require', 'replace', 'exclude', 'retract', 'godebug', 'tool', 'ignore']);

function stripComment(line: string): string {
  // Comments start with // outside a quoted string; module paths cannot contain "//".
  let inQuote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQuote) {
      if (c === '\\' && inQuote === '"') i++;
      else if (c === inQuote) inQuote = null;
    } else if (c === '"' || c === '`') inQuote = c;
    else if (c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

function unquote(token: string, lineNo: number): string {
  if (token.startsWith('"')) {
    if (!token.endsWith('"') || token.length < 2) throw new GoModSyntaxError(lineNo, `unterminated quoted string ${token}`);
    return JSON.parse(token) as string;
  }
  if (token.startsWith('`')) {
    if (!token.endsWith('`') || token.length < 2) throw new GoModSyntaxError(lineNo, `unterminated quoted string ${token}`);
    return token.slice(1, -1);
  }
  return token;
}

export function parseGoMod(text: string): GoMod {
  let module: string | null = null;
  let goVersion: string | null = null;
  let toolchain: string | null = null;
  let block: { directive: string; line: number } | null = null;

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = stripComment(raw).trim();
    if (!line) return;
    if (block) {
      if (line === ')') block = null;
      else if (line.endsWith('(')) throw new GoModSyntaxError(lineNo, `nested block inside ${block.directive} ( ... )`);
      return;
    }
    const [directive, ...rest] = line.split(/\s+/);
    if (!directive || !DIRECTIVES.has(directive)) {
      throw new GoModSyntaxError(lineNo, `unknown directive "${directive ?? line}"`);
    }
    if (rest.length === 1 && rest[0] === '(') {
      if (!BLOCK_DIRECTIVES.has(directive)) throw new GoModSyntaxError(lineNo, `"${directive}" cannot open a block`);
      block = { directive, line: lineNo };
      return;
    }
    switch (directive) {
      case 'module':
        if (rest.length !== 1) throw new GoModSyntaxError(lineNo, 'usage: module module/path');
        if (module !== null) throw new GoModSyntaxError(lineNo, 'repeated module statement');
        module = unquote(rest[0]!, lineNo);
        break;
      case 'go':
        if (rest.length !== 1 || !/^1(\.\d+){1,2}((rc|beta)\d+)?$/.test(rest[0]!)) {
          throw new GoModSyntaxError(lineNo, `invalid go version "${rest.join(' ')}": must match 1.N or 1.N.M`);
        }
        goVersion = rest[0]!;
        break;
      case 'toolchain':
        if (rest.length !== 1 || !/^(go1(\.\d+){0,2}\S*|default)$/.test(rest[0]!)) {
          throw new GoModSyntaxError(lineNo, `invalid toolchain "${rest.join(' ')}": must look like go1.N.M`);
        }
        toolchain = rest[0]!;
        break;
      default:
        if (rest.length === 0) throw new GoModSyntaxError(lineNo, `"${directive}" needs arguments`);
    }
  });
  if (block) throw new GoModSyntaxError((block as { line: number }).line, 'block is not closed with ")"');
  if (module === null) throw new GoModSyntaxError(1, 'no module directive');
  return { module, goVersion, toolchain };
}
