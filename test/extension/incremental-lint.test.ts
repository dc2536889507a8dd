/**
 * The server's incremental lint (extension/src/server/incremental-lint.ts)
 * against a full lint of the same text, after every edit: exactly the same
 * problems (messages, ranges, related locations, suggestions). Each test also
 * checks that the edit was linted the way it should be (partly, reused, or in
 * full for the stated reason) and that the full lint's answer did change
 * where the edit matters, so an incremental lint that kept stale results
 * would fail.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./lsp-client";
import { generatedSources, incrementalModule, lintModule, settingsModule } from "./server-modules";

const { IncrementalLinter } = incrementalModule;
const { defaultRuleConfig, lint } = lintModule;
const CONFIG = defaultRuleConfig({ ...settingsModule.DEFAULT_SETTINGS, ruleset: "strict" });
const FILE = path.join(ROOT, "build/incremental/file.ts");

type Result = ReturnType<InstanceType<typeof IncrementalLinter>["lint"]>;

/** Lints `text` incrementally and in full, asserts they agree, and returns both. */
function both(linter: InstanceType<typeof IncrementalLinter>, text: string): { incremental: Result; full: ReturnType<typeof lint> } {
  const incremental = linter.lint({ text, filePath: FILE, fastParser: true }, CONFIG);
  const full = lint({ text, filePath: FILE, fastParser: true }, CONFIG);
  assert.deepEqual(incremental.parseError !== null, full.parseError !== null, "parse errors");
  assert.deepEqual(incremental.problems, full.problems);
  return { incremental, full };
}

function caller(i: number): string[] {
  return [`export function releasesThroughHelper${i}(call: any): void {`, "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);", "  cleanup(cancel);", "}"];
}

function unrelated(i: number): string[] {
  return [
    `export function leaks${i}(call: any, early: boolean): number {`,
    "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
    "  if (early) {",
    "    return 1;",
    "  }",
    "  cancel.Release();",
    "  return 0;",
    "}",
  ];
}

/** The first function holds the file's first release and Finish_ calls; a helper and its callers follow, then functions that call nothing of the file. */
const FILE_TEXT = [
  "declare const IID_ICancelMethodCalls: unknown;",
  "declare function log(x: unknown): void;",
  "export function first(call: any): void {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  '  call.Begin_GetPrice("A");',
  "  log(call.Finish_GetPrice());",
  "  cancel.Release();",
  "}",
  "function cleanup(p: any): void {",
  "  p.Release();",
  "}",
  ...caller(0),
  ...unrelated(0),
  ...caller(1),
  ...unrelated(1),
  ...unrelated(2),
  ...caller(2),
  ...unrelated(3),
  "",
].join("\n");

/** Every kind of top-level statement: imports, types, an enum, an overloaded helper, a default export, a class whose methods call each other, async and generator functions, mutual recursion. */
const MIXED = [
  "import { helperFromElsewhere } from \"./other\";",
  "import type { ICancelMethodCalls } from \"./com\";",
  "declare const IID_ICancelMethodCalls: unknown;",
  "declare function log(...x: unknown[]): void;",
  "interface Box<T> { value: T | null }",
  "type Maybe<T> = T | undefined;",
  "export enum Mode { A, B }",
  "function cleanup(p: any): void;",
  "function cleanup(p: any): void {",
  "  p.Release();",
  "}",
  "function finishUp(call: any): void {",
  "  call.Finish_GetPrice();",
  "}",
  "export default function main(call: any): void {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  call.Begin_GetPrice(\"A\");",
  "  finishUp(call);",
  "  cleanup(cancel);",
  "}",
  "export class Quoter {",
  "  constructor(private readonly call: any) {}",
  "  private release(p: any): void {",
  "    p.Release();",
  "  }",
  "  run(): void {",
  "    const cancel = this.call.QueryInterface(IID_ICancelMethodCalls);",
  "    this.call.Begin_GetPrice(\"X\");",
  "    cancel.Cancel(0);",
  "    this.release(cancel);",
  "  }",
  "  other(): void {",
  "    const c = this.call.QueryInterface(IID_ICancelMethodCalls);",
  "    helperFromElsewhere(c);",
  "  }",
  "}",
  "export async function awaited(call: any): Promise<void> {",
  "  await call.Begin_GetPrice(\"A\");",
  "  const p = call.Begin_GetPrice(\"B\");",
  "  call.Begin_GetPrice(\"C\");",
  "  await p;",
  "}",
  "export function* gen(call: any): Generator<number> {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  yield 1;",
  "  cancel.Release();",
  "}",
  "function isOk(hr: number): boolean {",
  "  return hr >= 0;",
  "}",
  "export function raw(call: any, out: Box<ICancelMethodCalls>): number {",
  "  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);",
  "  if (!isOk(hr)) return hr;",
  "  out.value!.Cancel(0);",
  "  return 0;",
  "}",
  "export const arrow = (call: any): void => {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  cleanup(cancel);",
  "  cancel.Release();",
  "};",
  "function a(call: any, n: number): void {",
  "  if (n > 0) b(call, n - 1);",
  "  call.Begin_GetPrice(\"R\");",
  "}",
  "function b(call: any, n: number): void {",
  "  if (n > 0) a(call, n - 1);",
  "  call.Finish_GetPrice();",
  "}",
  "export function usesA(call: any): void {",
  "  a(call, 3);",
  "  call.Begin_GetPrice(\"Z\");",
  "}",
  "export function usesB(call: any): void {",
  "  b(call, 3);",
  "  call.Finish_GetPrice();",
  "}",
  "",
].join("\n");

/** A helper body that names the protocol but does nothing to its parameter: its callers own the pointer still. */
const NO_RELEASE = '  log("no Release here");';
const CALLERS = /releasesThroughHelper/;
const callerProblems = (result: { problems: { message: string; offsets: [number, number] }[] }, text: string) =>
  result.problems.filter((p) => CALLERS.test(text.slice(0, p.offsets[0]).split("export function").pop() ?? ""));

describe("the server's incremental lint", function () {
  this.timeout(120_000);

  it("re-lints a helper's callers when the helper's body changes", () => {
    const linter = new IncrementalLinter();
    const opened = both(linter, FILE_TEXT);
    assert.equal(opened.incremental.incremental.mode, "full");
    assert.equal(callerProblems(opened.full, FILE_TEXT).length, 0, "the helper releases: its callers do not leak");
    const edited = FILE_TEXT.replace("  p.Release();", NO_RELEASE);
    const { incremental, full } = both(linter, edited);
    assert.equal(incremental.incremental.mode, "partial");
    assert.equal(incremental.incremental.relinted, 4, "the helper and its three callers");
    assert.equal(callerProblems(full, edited).length, 3, "now every caller leaks");
    const back = both(linter, FILE_TEXT);
    assert.equal(back.incremental.incremental.mode, "partial");
  });

  it("does a full lint's bookkeeping when settled (as the server does after publishing) or else at the next lint, with the same results", () => {
    const settled = new IncrementalLinter();
    const unsettled = new IncrementalLinter();
    both(settled, FILE_TEXT);
    settled.settle();
    settled.settle();
    both(unsettled, FILE_TEXT);
    const edited = FILE_TEXT.replace("  p.Release();", NO_RELEASE);
    const a = both(settled, edited);
    const b = both(unsettled, edited);
    assert.equal(a.incremental.incremental.mode, "partial");
    assert.equal(b.incremental.incremental.mode, "partial");
    assert.deepEqual(a.incremental.problems, b.incremental.problems);
    unsettled.reset();
    unsettled.settle();
    assert.equal(both(unsettled, FILE_TEXT).incremental.incremental.mode, "full", "reset drops the bookkeeping still to do");
  });

  it("re-lints one function alone when nothing else depends on it, and moves the lines named in later messages", () => {
    const linter = new IncrementalLinter();
    both(linter, FILE_TEXT);
    const edited = FILE_TEXT.replace("function leaks1(call: any, early: boolean): number {\n", "function leaks1(call: any, early: boolean): number {\n  log(early);\n\n");
    const { incremental, full } = both(linter, edited);
    assert.equal(incremental.incremental.mode, "partial");
    assert.equal(incremental.incremental.relinted, 1);
    const later = full.problems.filter((p) => p.offsets[0] > edited.indexOf("leaks2"));
    assert.ok(later.length > 0 && later.every((p) => /line \d+/.test(p.message)), "later messages name lines, two further down now");
  });

  it("keeps the statement whose call is evidence for a box elsewhere (the same export's other call): a partial re-lint finds the same leak", () => {
    const text = [
      'import { AVIFileOpenW, comRelease, lpVtbl } from "./native";',
      "export function first(p: bigint): void {",
      "  comRelease(p);",
      "}",
      "export function opened(): bigint {",
      "  const box = Buffer.alloc(8);",
      "  if (AVIFileOpenW(box.ptr!, 1) !== 0) return 0n;",
      "  const f = box.readBigUInt64LE(0);",
      "  lpVtbl.AddRef(f);",
      "  return f;",
      "}",
      "export function named2(): number {",
      "  const box = Buffer.alloc(8);",
      "  if (AVIFileOpenW(box.ptr!, 2) !== 0) return 0;",
      "  const f = box.readBigUInt64LE(0);",
      "  return f > 0n ? 1 : 0;",
      "}",
      "",
    ].join("\n");
    const linter = new IncrementalLinter();
    const first = both(linter, text);
    assert.equal(first.full.problems.length, 1, "the leak in named2, proven a COM object by opened()'s call");
    linter.settle();
    const { incremental } = both(linter, text.replace("return f > 0n ? 1 : 0;", "return f > 1n ? 1 : 0;"));
    assert.equal(incremental.incremental.mode, "partial");
  });

  it("follows module-level declarations: an overload of the helper, a `declare`, top-level code", () => {
    const linter = new IncrementalLinter();
    const leaking = FILE_TEXT.replace("  p.Release();", NO_RELEASE);
    const before = both(linter, leaking);
    assert.equal(callerProblems(before.full, leaking).length, 3);
    // Two declarations of `cleanup`: the engine no longer summarises it, and its callers are quiet.
    const overloaded = leaking.replace("function cleanup(p: any): void {", "function cleanup(p: any): void;\nfunction cleanup(p: any): void {");
    const { incremental, full } = both(linter, overloaded);
    assert.equal(incremental.incremental.mode, "partial");
    assert.equal(callerProblems(full, overloaded).length, 0, "an overloaded helper is an escape");
    // A `declare` that nothing reads: nothing to re-lint.
    const undeclared = overloaded.replace("declare function log(x: unknown): void;", "//declare function log(x: unknown): void;");
    assert.equal(both(linter, undeclared).incremental.incremental.mode, "reused");
    // Top-level code is one code path: the whole file.
    const withCode = undeclared.replace("//declare function log", "const box = { value: null };\n//declare function log");
    const code = both(linter, withCode).incremental.incremental;
    assert.equal(code.mode, "full");
    assert.match(code.reason ?? "", /top-level code/);
  });

  it("lints in full what it cannot vouch for, with the reason", () => {
    const withoutSemicolon = FILE_TEXT.replace("function cleanup(p: any): void {", "const noSemicolon = () => {}\nfunction cleanup(p: any): void {");
    const cases: [string, string, (text: string) => string, RegExp][] = [
      ["the file's first release call taken away (repairs reuse its text)", FILE_TEXT, (t) => t.replace("  cancel.Release();\n}\nfunction cleanup", "  log(cancel);\n}\nfunction cleanup"), /a release or Finish_ call/],
      ["a directive comment", FILE_TEXT, (t) => t.replace("  if (early) {", "  // eslint-disable-next-line com-async/missing-release\n  if (early) {"), /directive/],
      ["statements that do not parse alone", FILE_TEXT, (t) => t.replace("export function releasesThroughHelper1(call: any): void {", "export function releasesThroughHelper1(call: any): void {\n  /*"), /do not parse|does not parse/],
      ["a statement without `;` before the edit", withoutSemicolon, (t) => t.replace("  p.Release();", NO_RELEASE), /does not end in `;`/],
      ["edits at both ends of the file", FILE_TEXT, (t) => t.replace("declare const", "declare  const").replace(/return 0;\n}\n$/, "return 1;\n}\n"), /spans most of the file/],
    ];
    for (const [name, base, change, reason] of cases) {
      const linter = new IncrementalLinter();
      both(linter, base);
      const edited = change(base);
      assert.notEqual(edited, base, name);
      const { incremental } = both(linter, edited);
      assert.equal(incremental.incremental.mode, "full", name);
      assert.match(incremental.incremental.reason ?? "", reason, name);
    }
  });

  it("keeps the file's repair texts (its first release and Finish_ calls) as a full lint has them", () => {
    const linter = new IncrementalLinter();
    const leaking = FILE_TEXT.replace("  p.Release();", NO_RELEASE);
    both(linter, leaking);
    // An edit of the function holding them that leaves them as they are: re-linted in part.
    const otherBegin = leaking.replace('call.Begin_GetPrice("A");', 'call.Begin_GetPrice("B");');
    assert.equal(both(linter, otherBegin).incremental.incremental.mode, "partial");
    // The callers' missing-release messages and repairs are written in the file's first release form:
    // when it changes (`cancel.Release()` to `cancel?.Release()`), they change, so the whole file is linted.
    const nullSafe = otherBegin.replace("  cancel.Release();\n}\nfunction cleanup", "  cancel?.Release();\n}\nfunction cleanup");
    const changed = both(linter, nullSafe);
    assert.equal(changed.incremental.incremental.mode, "full");
    assert.match(changed.incremental.incremental.reason ?? "", /a release or Finish_ call/);
    assert.ok(changed.full.problems.some((p) => p.message.includes("cancel?.Release()")), "the callers' messages follow the new form");
    // The first call of a Finish_ method the file did not call before: pending Begin_ repairs elsewhere use its arguments.
    const pending = nullSafe.replace("export function leaks3(call: any, early: boolean): number {\n", "export function leaks3(call: any, early: boolean): number {\n  call.Begin_Other();\n  call.Begin_Other();\n");
    both(linter, pending);
    const finished = pending.replace("export function leaks2(call: any, early: boolean): number {\n", "export function leaks2(call: any, early: boolean): number {\n  call.Finish_Other(42);\n");
    const other = both(linter, finished);
    assert.equal(other.incremental.incremental.mode, "full");
    assert.ok(other.full.problems.some((p) => p.suggestions.some((s) => s.text.includes("Finish_Other(42)"))), "the pending Begin_'s repair takes the new call's arguments");
  });

  it("lints the whole file every time with comAsync.incremental off", () => {
    const linter = new IncrementalLinter();
    const target = { text: FILE_TEXT, filePath: FILE, fastParser: true };
    linter.lint(target, CONFIG, false);
    const edited = linter.lint({ ...target, text: FILE_TEXT.replace("  p.Release();", NO_RELEASE) }, CONFIG, false);
    assert.equal(edited.incremental.mode, "full");
    assert.match(edited.incremental.reason ?? "", /comAsync\.incremental/);
    assert.deepEqual(edited.problems, lint({ ...target, text: FILE_TEXT.replace("  p.Release();", NO_RELEASE) }, CONFIG).problems);
  });

  it("recovers after a text that does not parse", () => {
    const linter = new IncrementalLinter();
    both(linter, FILE_TEXT);
    const broken = both(linter, FILE_TEXT.replace("  cleanup(cancel);", "  cleanup(cancel;"));
    assert.ok(broken.full.parseError);
    both(linter, FILE_TEXT);
    assert.equal(both(linter, FILE_TEXT.replace("  p.Release();", NO_RELEASE)).incremental.incremental.mode, "partial");
  });

  it("agrees with a full lint after every one of hundreds of random edits, on generated files and the examples", async () => {
    const { source, richSource } = await generatedSources();
    const examples = fs.readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".ts"));
    // One with CRLF line breaks and non-ASCII text before findings (UTF-16 offsets, columns, line numbers).
    const crlf = richSource(200).replace(/    log\(/g, '    log("😀 naïve", ').replace(/\n/g, "\r\n");
    const files = [source(300), richSource(300), crlf, FILE_TEXT, MIXED, ...examples.map((f) => fs.readFileSync(path.join(ROOT, "examples", f), "utf8"))];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const modes = new Map<string, number>();
    for (const original of files) {
      const linter = new IncrementalLinter();
      let text = original;
      both(linter, text);
      for (let step = 0; step < 30; step++) {
        text = randomEdit(text, random);
        const mode = both(linter, text).incremental.incremental.mode;
        modes.set(mode, (modes.get(mode) ?? 0) + 1);
      }
    }
    assert.ok((modes.get("partial") ?? 0) > 30 && (modes.get("reused") ?? 0) > 30, JSON.stringify([...modes]));
  });
});

let helpers = 0;
/** An edit that mostly keeps the file parsing: a statement commented out or back, duplicated, a blank line, a new helper and calls of it, a renamed call. */
function randomEdit(text: string, random: (n: number) => number): string {
  const lines = text.split("\n");
  const at = random(lines.length);
  const statement = (i: number) => /;\s*$/.test(lines[i]) && /^\s+\S/.test(lines[i]);
  const next = (test: (line: string, i: number) => boolean) => lines.findIndex((line, i) => i >= at && test(line, i));
  switch (random(8)) {
    case 0:
      if (statement(at)) lines[at] = `//${lines[at]}`;
      break;
    case 1: {
      const i = next((line) => line.startsWith("//  "));
      if (i >= 0) lines[i] = lines[i].slice(2);
      break;
    }
    case 2:
      lines.splice(at, 0, "");
      break;
    case 3:
      if (statement(at)) lines.splice(at, 0, lines[at]);
      break;
    case 4: {
      const i = next((line) => line.startsWith("}"));
      if (i >= 0) lines.splice(i + 1, 0, `function cleanup${helpers++}(p: any): void {`, "  p.Release();", "}");
      break;
    }
    case 5: {
      const i = next((line) => /\w+\.Release\(\);/.test(line));
      if (i >= 0 && helpers > 0) lines[i] = lines[i].replace(/(\w+)\.Release\(\);/, `cleanup${random(helpers)}($1);`);
      break;
    }
    case 6: {
      const i = next((line) => line === "");
      if (i >= 0) lines.splice(i, 1);
      break;
    }
    default: {
      const i = next((line) => /^\s+\w+\.\w+\(/.test(line));
      if (i >= 0) lines[i] = lines[i].replace(/(\w+)\(/, "$1x(");
    }
  }
  return lines.join("\n");
}
