/**
 * Conditions: what a test of an HRESULT or a pointer says on each edge, so
 * that a failure branch owns nothing and an unchecked pointer is reported at
 * its first use.
 */
import { RAW_QI, runFindingCases } from "./cases";

const USE = "out[0].Cancel(0);\n  out[0].Release();";
const raw = (test: string) => `function f(call) {\n  ${RAW_QI}\n  ${test}\n  ${USE}\n}`;

describe("failure tests", () => {
  describe("a failure branch that leaves owns nothing", () => {
    for (const test of ["if (FAILED(hr)) return;", "if (hr < 0) return;", "if (hr !== S_OK) return;", "if (hr != NOERROR) return;", "if (!out[0]) return;", "if (out[0] == null) return;", "if (FAILED(hr)) throw new Error(String(hr));", "if (!SUCCEEDED(hr)) return;"]) {
      runFindingCases([{ name: test, code: raw(test), findings: [] }]);
    }
    runFindingCases([
      { name: "a test kept in a variable", code: raw("const ok = SUCCEEDED(hr);\n  if (!ok) return;"), findings: [] },
      { name: "a success branch that holds the uses", code: `function f(call) {\n  ${RAW_QI}\n  if (SUCCEEDED(hr) && out[0]) {\n    ${USE}\n  }\n}`, findings: [] },
      { name: "an early return with ||", code: raw("if (FAILED(hr) || !out[0]) return;"), findings: [] },
    ]);
  });

  describe("an unchecked acquisition", () => {
    runFindingCases([
      { name: "is reported at the first use, and owned (released here) on the success path", code: raw("log(1);"), findings: ["5:unchecked-query-interface"] },
      { name: "without a Release leaks too", code: `function f(call) {\n  ${RAW_QI}\n  out[0].Cancel(0);\n}`, findings: ["3:missing-release", "4:unchecked-query-interface"] },
      { name: "is not reported for a throwing binding (no HRESULT, no nullable result)", code: `function f(call) {\n  const c = call.QueryInterface(IID_ICancelMethodCalls);\n  c.Cancel(0);\n  c.Release();\n}`, findings: [] },
      { name: "(spec 3a) a failure branch that falls through is no check: if (FAILED(hr)) log(hr)", code: raw("if (FAILED(hr)) log(hr);"), findings: ["5:unchecked-query-interface"] },
      { name: "(spec 3a) a failure branch that falls through is no check: SUCCEEDED(hr) || log(hr)", code: raw("SUCCEEDED(hr) || log(hr);"), findings: ["5:unchecked-query-interface"] },
    ]);
  });

  describe("an HRESULT kept in a variable refines the call object's state", () => {
    runFindingCases([
      { name: "a failed Begin_ starts nothing", code: `function f(c) {\n  const hr = c.Begin_X();\n  if (hr < 0) return;\n  c.Finish_X();\n}`, findings: [] },
      { name: "a Begin_ on the failure path may start again", code: `function f(c) {\n  const hr = c.Begin_X();\n  if (FAILED(hr)) c.Begin_X();\n  c.Finish_X();\n}`, findings: [] },
      { name: "a retry on one branch is a second Begin_ on the path where the first succeeded", code: `function f(c, n) {\n  let hr = c.Begin_X();\n  if (n) hr = c.Begin_X();\n  if (hr < 0) return;\n  c.Finish_X();\n}`, findings: ["3:begin-while-pending"] },
      {
        name: "(spec 3a) also after a retry loop: while (hr < 0 && n--) hr = c.Begin_X()",
        code: `function f(c, n) {\n  let hr = c.Begin_X();\n  while (hr < 0 && n--) hr = c.Begin_X();\n  if (hr < 0) return;\n  c.Finish_X();\n}`,
        findings: [],
      },
    ]);
  });
});
