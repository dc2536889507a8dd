/**
 * ESLint's token list for an AST that came without one (oxc's parser gives
 * nodes and comments, not tokens), made with TypeScript's own scanner so each
 * token has the kind and type typescript-eslint would give it.
 *
 * A scanner alone cannot tell `/` from the start of a regular expression, a
 * `}` that closes `${…}` from one that closes a block, or `>>` from two `>` of
 * nested type arguments: the parser decides those by context and re-scans.
 * Here the finished AST decides instead (its regex literals, template parts
 * and `>`-operators say where to re-scan), so one linear pass suffices.
 */
import * as ts from "typescript";

export interface Position {
  line: number;
  column: number;
}

export interface Token {
  type: string;
  value: string;
  range: [number, number];
  loc: { start: Position; end: Position };
  regex?: { pattern: string; flags: string };
}

/** Where the scanner must re-scan, collected while the AST is walked. */
export class TokenHints {
  /** Start offsets of Identifier nodes: a keyword scanned there is a name. */
  readonly identifierStarts = new Set<number>();
  /** Start offsets of regular expression literals. */
  readonly regexStarts = new Set<number>();
  /** Offsets of the `}` that resumes a template (`}…${` or `}…\``). */
  readonly templateResumes = new Set<number>();
  /** Gaps between the operands of `>=`, `>>`, `>>>`, `>>=`, `>>>=`: a `>` there starts the operator. */
  readonly greaterGaps: [number, number][] = [];
}

const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/g;

/** Line starts of a text, with the line terminators ESLint and TypeScript agree on. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    // A regular expression finds the breaks natively: much faster than a loop over every character.
    for (const match of text.matchAll(LINE_BREAK)) this.starts.push(match.index + match[0].length);
  }

  /** ESLint positions: 1-based line, 0-based column (in UTF-16 code units, like the offsets). */
  position(offset: number): Position {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] };
  }
}

const K = ts.SyntaxKind;
/** Spaces and line breaks only (never inside a token: the scanner is between tokens when it is tested). */
const BLANK_RUN = /[ \t\r\n]{64,}/y;

/** typescript-eslint's `getTokenType`, for the kinds a scan without JSX can produce. */
function tokenType(kind: ts.SyntaxKind): string {
  if (kind === K.NullKeyword) return "Null";
  if (kind >= K.FirstKeyword && kind <= K.LastFutureReservedWord) {
    return kind === K.TrueKeyword || kind === K.FalseKeyword ? "Boolean" : "Keyword";
  }
  if (kind >= K.FirstPunctuation && kind <= K.LastPunctuation) return "Punctuator";
  if (kind >= K.NoSubstitutionTemplateLiteral && kind <= K.TemplateTail) return "Template";
  switch (kind) {
    case K.NumericLiteral:
    case K.BigIntLiteral:
      return "Numeric";
    case K.PrivateIdentifier:
      return "PrivateIdentifier";
    case K.StringLiteral:
      return "String";
    case K.RegularExpressionLiteral:
      return "RegularExpression";
    default:
      // Identifiers and contextual keywords (`as`, `type`, `of`, `async`…).
      return "Identifier";
  }
}

/** The tokens of `text` (comments excluded), shaped like typescript-eslint's. */
export function tokenize(text: string, hints: TokenHints, lines: LineIndex): Token[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, text);
  const gaps = [...hints.greaterGaps].sort((a, b) => a[0] - b[0]);
  let gap = 0;
  const tokens: Token[] = [];
  const scan = () => {
    // Long runs of blank text and block comments (a partial re-lint leaves most of a file blank and
    // its text in a comment, incremental-lint.ts) are skipped natively; the scanner would step
    // through them a character at a time. Between two tokens, `/*` always starts a comment.
    const end = scanner.getTokenEnd();
    let at = end;
    for (;;) {
      BLANK_RUN.lastIndex = at;
      if (BLANK_RUN.test(text)) at = BLANK_RUN.lastIndex;
      else if (text.charCodeAt(at) === 47 /* / */ && text.charCodeAt(at + 1) === 42 /* * */ && text.indexOf("*/", at + 2) >= 0) at = text.indexOf("*/", at + 2) + 2;
      else break;
    }
    if (at !== end) scanner.resetTokenState(at);
    return scanner.scan();
  };
  for (let kind = scan(); kind !== K.EndOfFileToken; kind = scan()) {
    const start = scanner.getTokenStart();
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && hints.regexStarts.has(start)) {
      kind = scanner.reScanSlashToken();
    } else if (kind === K.CloseBraceToken && hints.templateResumes.has(start)) {
      kind = scanner.reScanTemplateToken(false);
    } else if (kind === K.GreaterThanToken) {
      while (gap < gaps.length && gaps[gap][1] <= start) gap++;
      if (gap < gaps.length && gaps[gap][0] <= start) kind = scanner.reScanGreaterToken();
    }
    const end = scanner.getTokenEnd();
    let type = tokenType(kind);
    if ((type === "Keyword" || type === "Boolean" || type === "Null") && hints.identifierStarts.has(start)) type = "Identifier";
    const value = text.slice(start, end);
    const token: Token = { type, value, range: [start, end], loc: { start: lines.position(start), end: lines.position(end) } };
    if (type === "RegularExpression") {
      const slash = value.lastIndexOf("/");
      token.regex = { pattern: value.slice(1, slash), flags: value.slice(slash + 1) };
    } else if (type === "PrivateIdentifier") {
      token.value = value.slice(1);
    }
    tokens.push(token);
  }
  return tokens;
}
