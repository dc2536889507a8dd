/** Invalid cases of a pointer a block never releases, with the two repairs every such report offers. */

/** `code` with its last occurrence of `wrapped` (whole statements) inside a `try` whose `finally` calls `release`. */
export function releasedInFinally(code: string, wrapped: string, release: string): string {
  const at = code.lastIndexOf(wrapped);
  const indent = /^ */.exec(wrapped)![0];
  const inTry = `${indent}try {\n${wrapped.replace(/^(?=.)/gm, "  ")}${indent}} finally {\n${indent}  ${release};\n${indent}}\n`;
  return code.slice(0, at) + inTry + code.slice(at + wrapped.length);
}

/**
 * The report of a pointer its block never releases, with both repairs: `wrapped` (the block's last statements, two
 * spaces in) in a `try` whose `finally` releases it, and the release at the block's end (`template(release)`).
 */
export function leakAtBlockEnd(template: (end: string) => string, data: { pointer: string; acquirer: string; reached: string }, [line, column]: [number, number], release: string, wrapped: string) {
  const code = template("");
  return {
    messageId: "missingRelease" as const,
    data: { ...data, release },
    line,
    column,
    suggestions: [
      { messageId: "insertReleaseFinally" as const, output: releasedInFinally(code, wrapped, release) },
      { messageId: "insertReleaseAtExit" as const, output: template(`  ${release};\n`) },
    ],
  };
}

/** An invalid case: the template with nothing at its end, reported as `leakAtBlockEnd` describes. */
export function leakCase(name: string, template: (end: string) => string, data: Parameters<typeof leakAtBlockEnd>[1], at: [number, number], release: string, wrapped: string) {
  return { name, code: template(""), errors: [leakAtBlockEnd(template, data, at, release, wrapped)] };
}

/** An invalid case: a pointer that leaks at an early return (`early`), whose one repair releases it there (`fixed`). */
export function leakAtEarlyReturn(name: string, code: string, data: { pointer: string; acquirer: string; reached: string; release: string }, [line, column]: [number, number], early: string, fixed: string) {
  return { name, code, errors: [{ messageId: "missingRelease" as const, data, line, column, suggestions: [{ messageId: "insertReleaseAtExit" as const, output: code.replace(early, fixed) }] }] };
}
