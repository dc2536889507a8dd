/**
 * The text a partial re-lint runs on: the document with the units that are
 * not needed left out, so that ESLint parses, walks and analyses only the
 * units kept, and their findings come back at the offsets, lines and columns
 * they have in the whole document.
 *
 * A left-out unit becomes spaces, keeping every line break (so lines and
 * columns do not move) and its ESLint directive comments (so `eslint-disable`
 * ranges and inline configuration are the file's). Its text goes into one
 * block comment after the end of the file: the engine scans the whole text
 * for some facts (does the file name the protocol at all, which names are
 * protocol receivers anywhere), and they must be the file's facts, not the
 * region's. A comment holds no code, so nothing else about the analysis sees it.
 */
import type { Unit } from "./units";

const LINE_CONTENT = /[^\r\n\u2028\u2029]+/g;
/** Starts the appended comment; not an ESLint directive word, so ESLint reads it as an ordinary comment. */
const CONTEXT_COMMENT_START = "\n/* com-async: the text of the statements left out of this re-lint\n";

let spaces = " ".repeat(256);
function spacesOf(length: number): string {
  while (spaces.length < length) spaces += spaces;
  return spaces.slice(0, length);
}

function blank(text: string): string {
  return text.replace(LINE_CONTENT, (run) => spacesOf(run.length));
}

/** `text` with every unit not in `kept` left out as described above. */
export function regionText(text: string, units: readonly Unit[], kept: ReadonlySet<number>): string {
  const parts: string[] = [];
  const leftOut: string[] = [];
  let at = 0;
  units.forEach((unit, i) => {
    if (kept.has(i)) return;
    parts.push(text.slice(at, unit.start));
    let inside = unit.start;
    for (const [start, end] of unit.directives) {
      parts.push(blank(text.slice(inside, start)), text.slice(start, end));
      inside = end;
    }
    parts.push(blank(text.slice(inside, unit.end)));
    leftOut.push(text.slice(unit.start, unit.end).replace(/\*\//g, "* /"));
    at = unit.end;
  });
  parts.push(text.slice(at));
  if (leftOut.length > 0) parts.push(CONTEXT_COMMENT_START, leftOut.join("\n"), "\n*/\n");
  return parts.join("");
}
