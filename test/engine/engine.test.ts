/**
 * The engine's own properties: convergence on loops, the exception model,
 * linear cost (measured in segment transfers, a deterministic count, not in
 * seconds), one shared analysis for all rules, and the fast path.
 */
import * as assert from "node:assert/strict";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";
import { analysesOf, FileAnalysis } from "eslint-plugin-com-async/engine";

const ALL_RULES = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`com-async/${name}`, "error" as const]));

function lint(code: string, options: { parser?: "espree" | "ts"; rules?: Linter.RulesRecord } = {}): { messages: Linter.LintMessage[]; analyses: FileAnalysis[] } {
  const linter = new Linter({ configType: "flat" });
  const languageOptions = options.parser === "espree" ? { ecmaVersion: "latest" as const, sourceType: "module" as const } : { parser: tsParser as never };
  const messages = linter.verify(code, [{ files: ["**/*.ts", "**/*.js"], plugins: { "com-async": plugin as never }, rules: options.rules ?? ALL_RULES, languageOptions }], options.parser === "espree" ? "file.js" : "file.ts");
  return { messages, analyses: analysesOf(linter.getSourceCode()!) };
}

function sequentialBranches(n: number): string {
  const lines = ["function many(call, flags) {", "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);"];
  for (let i = 0; i < n; i++) {
    lines.push(`  if (flags[${i}]) {`, `    call.Begin_GetPrice("S${i}");`, `    log(call.Finish_GetPrice());`, "  }");
  }
  lines.push("  cancel.Release();", "}");
  return lines.join("\n");
}

/** `n` branches, each filling its own out box with a QueryInterface that may fail and releasing what it holds. */
function boxPerBranch(n: number): string {
  const lines = ["function many(call) {"];
  for (let i = 0; i < n; i++) lines.push("  if (d()) { const out = [null]; const hr = call.QueryInterface(IID_IFoo, out); if (FAILED(hr)) return; out[0].Release(); }");
  lines.push("}");
  return lines.join("\n");
}

/** `n` branches filling one out box of the function's again, each with a Begin_ and a Finish_ loop on one call object. */
function sharedBoxBranches(n: number): string {
  const lines = ["function many(factory) {", "  const call = factory.CreateCall(IID_AsyncIStockQuote, null);", "  const out = [null];"];
  for (let i = 0; i < n; i++) {
    lines.push(`  if (c()) call.Begin_GetPrice("${i}");`);
    lines.push(`  if (d()) { const hr = call.QueryInterface(IID_IFoo, out); if (FAILED(hr)) log(hr); out[0].Release(); }`);
    lines.push("  while (e()) { if (g()) break; call.Finish_GetPrice(); }");
  }
  lines.push("  call.Release();", "}");
  return lines.join("\n");
}

describe("engine", () => {
  describe("cost", () => {
    it("keeps its states small when each branch fills and releases a box of its own: the released objects are forgotten with the box (500 vs 1000 vs 2000)", () => {
      const entries = [500, 1000, 2000].map((n) => {
        const { messages, analyses } = lint(boxPerBranch(n));
        assert.deepEqual(messages, []);
        return analyses[0].stats.stateEntries;
      });
      assert.ok(entries[1] / entries[0] <= 2.2, `doubling 500 -> 1000 cost ${entries[1] / entries[0]}x`);
      assert.ok(entries[2] / entries[1] <= 2.2, `doubling 1000 -> 2000 cost ${entries[2] / entries[1]}x`);
    });

    it("leaves a function whose states grow past the budget unchecked, saying so once, instead of exhausting memory", () => {
      const { messages } = lint(sharedBoxBranches(1500));
      assert.deepEqual(
        messages.map((m) => [m.messageId, m.line]),
        [["unanalysed", 1]],
      );
    });

    it("says so of module code in its own words: no function to split", () => {
      const body = sharedBoxBranches(1500).split("\n").slice(1, -1).join("\n").replace("factory.CreateCall", "globalThis.factory.CreateCall");
      const { messages } = lint(body);
      assert.deepEqual(messages.map((m) => [m.messageId, m.line]), [["unanalysed", 1]]);
      assert.match(messages[0].message, /left this module's top-level code unchecked: .* Move parts of it into functions/);
    });

    it("is linear in the number of sequential branches (200 vs 400 vs 800)", () => {
      const transfers = [200, 400, 800].map((n) => {
        const { messages, analyses } = lint(sequentialBranches(n));
        assert.deepEqual(messages, []);
        return analyses[0].stats.transfers;
      });
      assert.ok(transfers[1] / transfers[0] <= 2.2, `doubling 200 -> 400 cost ${transfers[1] / transfers[0]}x`);
      assert.ok(transfers[2] / transfers[1] <= 2.2, `doubling 400 -> 800 cost ${transfers[2] / transfers[1]}x`);
    });

    it("converges on nested loops with labeled jumps, visiting each segment a bounded number of times", () => {
      const code = `function poll(call, rows) {
  outer: for (const row of rows) {
    let i = 0;
    do {
      while (i < 10) {
        call.Begin_GetPrice(row);
        if (i % 2) { call.Finish_GetPrice(); i++; continue; }
        if (i > 5) { call.Finish_GetPrice(); continue outer; }
        try { log(call.Finish_GetPrice()); } finally { i++; }
      }
    } while (i < 20);
  }
}`;
      const { messages, analyses } = lint(code);
      assert.deepEqual(messages, []);
      const { segments, transfers } = analyses[0].stats;
      assert.ok(transfers <= 6 * segments, `${transfers} transfers for ${segments} segments`);
    });

    it("converges when a join keeps an uncertain fact beside its certain twin (a loop after `x !== 0n && p !== 0n`)", () => {
      // The join kept both facts and the next transition dropped the uncertain one: the loop head's state
      // alternated between the two forms until the solver gave up, and the leak below went unreported.
      const code = `const out = Buffer.alloc(8);
const hr = Mfplat.MFCreateMemoryBuffer(4096, out.ptr);
const buffer = hr === 0 ? out.readBigUInt64LE(0) : 0n;
if (sampleAddress !== 0n && buffer !== 0n) {
  const sampleLib = linkSymbols({ AddBuffer: { returns: FFIType.i32 } });
}
releaseObject(buffer);
const cancel = call.QueryInterface(IID_ICancelMethodCalls);
for (const check of checks) {
  const detail = check.status === "skip" || check.status === "info" ? check.detail : "";
}`;
      const { messages, analyses } = lint(code);
      assert.deepEqual(
        messages.map((m) => `${m.ruleId}@${m.line}`),
        ["com-async/missing-release@8"],
      );
      assert.ok(analyses[0].stats.transfers < 200, `${analyses[0].stats.transfers} transfers`);
    });

    it("runs one analysis for all enabled rules", () => {
      const { analyses } = lint(sequentialBranches(3));
      assert.equal(analyses.length, 1);
      assert.equal(analyses[0].stats.functions, 2); // the module and the function, once each
    });

    it("does no dataflow work on a file without protocol names (the fast path)", () => {
      const { analyses } = lint("function f(a) { if (a) { return a.cancel(); } return a.release(); }");
      assert.equal(analyses.length, 1);
      assert.equal(analyses[0].skipped, true);
      assert.equal(analyses[0].stats.functions, 0);
    });
  });

  describe("exceptions", () => {
    const reportsOf = (code: string) => lint(code).messages.map((m) => `${m.line}:${m.ruleId}`);

    it("lets a throw point inside nested try blocks reach only the innermost handler", () => {
      const code = `function f(call) {
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  try {
    try {
      cancel.Release();
    } catch (inner) {
      log(inner);
    }
  } catch (outer) {
    cancel.Release();
  }
}`;
      assert.deepEqual(reportsOf(code), []);
    });

    it("keeps explicit throws inside try as ordinary paths into the catch", () => {
      const code = `function f(call, ok) {
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  try {
    if (!ok) throw new Error("no");
    cancel.Release();
  } catch (e) {
    return;
  }
}`;
      assert.deepEqual(reportsOf(code), ["2:com-async/missing-release"]);
    });

    it("treats the abrupt path through finally like the normal one for returns", () => {
      const code = `function f(call, ok) {
  call.Begin_GetPrice("A");
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
    if (ok) return 1;
  } finally {
    cancel.Release();
  }
  call.Finish_GetPrice();
  return 0;
}`;
      assert.deepEqual(reportsOf(code), ["5:com-async/cancel-without-finish", "10:com-async/unchecked-cancel-result"]);
    });

    it("does not model exceptions outside try", () => {
      const code = `function f(call) {
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  mayThrow();
  cancel.Release();
}`;
      assert.deepEqual(reportsOf(code), []);
    });
  });

  describe("plain JavaScript", () => {
    it("works with ESLint's default parser and no types", () => {
      const code = `export function stop(call) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
export function xpcom(subject) {
  return subject.QueryInterface(Ci.nsIHttpChannel).URI;
}`;
      const { messages } = lint(code, { parser: "espree" });
      assert.deepEqual(
        messages.map((m) => `${m.line}:${m.column}:${m.ruleId}`),
        ["4:3:com-async/cancel-without-finish"],
      );
    });
  });

  describe("bad input", () => {
    it("reports a parse error as ESLint does, without a crash", () => {
      const { messages } = lint("function f(call) { call.Begin_X(; }");
      assert.equal(messages.length, 1);
      assert.equal(messages[0].fatal, true);
    });

    it("handles a huge generated file", () => {
      const body = Array.from({ length: 3000 }, (_, i) => `function f${i}(call) { call.Begin_GetPrice("${i}"); return call.Finish_GetPrice(); }`).join("\n");
      const { messages, analyses } = lint(body);
      assert.deepEqual(messages, []);
      assert.equal(analyses[0].stats.functions, 3001);
    });

    it("rejects options of the wrong shape with ESLint's configuration error", () => {
      assert.throws(() => lint("call.Begin_X();", { rules: { "com-async/begin-while-pending": ["error", { beginPrefix: 3 }] } }), /"com-async\/begin-while-pending":\s+Value 3 should be string/);
      assert.throws(() => lint("call.Begin_X();", { rules: { "com-async/begin-while-pending": ["error", { nonsense: true }] } }), /should NOT have additional properties|must NOT have additional properties/);
    });

    it("turns an internal engine error into one report instead of a crash", () => {
      const proto = FileAnalysis.prototype as unknown as { text: (...args: unknown[]) => unknown };
      const original = proto.text;
      proto.text = () => {
        throw new Error("boom");
      };
      try {
        const { messages } = lint("function f(call) { call.Begin_GetPrice(); call.Begin_GetPrice(); }");
        assert.equal(messages.length, 1);
        assert.equal(messages[0].messageId, "engineError");
        assert.match(messages[0].message, /could not analyse this file \(boom\)/);
      } finally {
        proto.text = original;
      }
    });

    it("uses renamed API names given as options", () => {
      const code = "function f(call) { call.Start_Price(); call.Start_Volume(); }";
      const { messages } = lint(code, { rules: { "com-async/begin-while-pending": ["error", { beginPrefix: "Start_", finishPrefix: "End_" }] } });
      assert.deepEqual(messages.map((m) => m.ruleId), ["com-async/begin-while-pending"]);
    });
  });
});
