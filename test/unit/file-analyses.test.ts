/**
 * The engine's public surface (eslint-plugin-com-async/engine): after a lint,
 * `analysesOf(sourceCode)` gives one analysis per distinct set of naming
 * options, and each analysis every finding of the file, all kinds, in source
 * order, whichever rules asked.
 */
import * as assert from "node:assert/strict";
import { analysesOf } from "eslint-plugin-com-async/engine";
import { lint } from "./lint";

const CODE = `function f(call) {
  call.Begin_GetPrice();
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  call.Begin_GetVolume();
  cancel.Release();
  cancel.Release();
}
`;

describe("file analyses", () => {
  it("holds every kind of finding, in source order, even when one rule is enabled", () => {
    const { analyses, findings, messages } = lint(CODE, { "com-async/use-after-release": "error" });
    assert.equal(analyses.length, 1);
    assert.deepEqual(findings, ["4:begin-while-pending", "6:use-after-release"]);
    assert.deepEqual(messages.map((m) => `${m.line}:${m.ruleId}`), ["6:com-async/use-after-release"]);
  });

  it("runs one analysis per distinct set of naming options", () => {
    const renamed = { releaseMethods: ["Dispose"] };
    const { analyses } = lint(CODE, { "com-async/use-after-release": ["error", renamed], "com-async/missing-release": ["error", renamed], "com-async/begin-while-pending": "error" });
    assert.equal(analyses.length, 2);
    const byRelease = Object.fromEntries(analyses.map((a) => [a.vocabulary.releaseMethod, a.allFindings().map((f) => `${f.node.loc.start.line}:${f.kind}`)]));
    assert.deepEqual(byRelease.Release, ["4:begin-while-pending", "6:use-after-release"]);
    // With Dispose as the release, `cancel.Release()` releases nothing: the pointer leaks.
    assert.deepEqual(byRelease.Dispose, ["3:missing-release", "4:begin-while-pending"]);
  });

  it("gives a finding the nodes its rule's message needs", () => {
    const finding = lint(CODE).analyses[0].allFindings().find((f) => f.kind === "begin-while-pending");
    assert.ok(finding && finding.kind === "begin-while-pending");
    assert.equal(finding.call, "call");
    assert.equal(finding.pendingName, "Begin_GetPrice");
    assert.equal(finding.pendingBegin.loc.start.line, 2);
    assert.equal(finding.cancelled, false);
  });

  it("counts the work it did (functions, segments, transfers)", () => {
    const [analysis] = lint(CODE).analyses;
    const { stats } = analysis;
    assert.equal(stats.functions, 2);
    // The module's code path makes no event that can create a fact: the per-function fast path
    // leaves it unsolved, so only f's segments are worked on (each at least once).
    assert.equal(analysis.unsolvedFunctions, 1);
    assert.ok(stats.segments >= 1 && stats.transfers >= stats.segments, JSON.stringify(stats));
  });

  it("knows nothing of a source it did not lint", () => {
    assert.deepEqual(analysesOf({}), []);
  });
});
