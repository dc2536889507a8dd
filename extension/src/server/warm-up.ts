/**
 * A first lint costs two to three times a later one of the same file: ESLint
 * loads its schema validator and compiles the rules' option schemas, the
 * native parser starts, and every function of the parser, ESLint, the
 * engine and the incremental lint runs cold in V8's interpreter. The server
 * pays that once, while it answers `initialize` (the client sends no document
 * before the answer), on a small file with every common shape, and an edit of
 * it; the editor's first document is then linted warm.
 */
import { IncrementalLinter } from "./incremental-lint";
import type { RuleConfig } from "./lint";

const SNIPPET = [
  "declare const IID_ICancelMethodCalls: unknown;",
  "declare function FAILED(hr: number): boolean;",
  "export function quote(call: any, symbol: string): number {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  try {",
  "    call.Begin_GetPrice(symbol);",
  "    if (symbol.length > 4) {",
  "      cancel.Cancel(0);",
  "    }",
  "    return call.Finish_GetPrice();",
  "  } finally {",
  "    cancel.Release();",
  "  }",
  "}",
  "function cleanup(p: any): void {",
  "  p.Release();",
  "}",
  "export function leak(call: any, early: boolean): number {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  if (early) {",
  "    return 1;",
  "  }",
  "  cleanup(cancel);",
  "  return 0;",
  "}",
  "export function loop(call: any, symbols: string[]): void {",
  "  for (const symbol of symbols) {",
  "    call.Begin_GetPrice(symbol);",
  "    log(call.Finish_GetPrice());",
  "  }",
  "}",
  "export function raw(call: any, out: { value: any }): number {",
  "  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);",
  "  if (FAILED(hr)) return hr;",
  "  call.Begin_GetPrice(`x${hr}`);",
  "  out.value.Cancel(0);",
  "  out.value.Release();",
  "  return /ok/.test(String(hr)) ? 1 : 0;",
  "}",
  "",
].join("\n");

/** Lints the snippet, then an edit of it; returns the milliseconds spent. Never throws: a failure only means a cold first lint. */
export function warmUp(config: RuleConfig): number {
  const started = performance.now();
  try {
    const linter = new IncrementalLinter();
    const target = { text: SNIPPET, filePath: "/com-async-warm-up.ts", fastParser: true };
    linter.lint(target, config);
    linter.lint({ ...target, text: SNIPPET.replace("    return 1;", "    return 2;") }, config);
  } catch {
    // Nothing to do: the first real lint will simply be slower.
  }
  return performance.now() - started;
}
