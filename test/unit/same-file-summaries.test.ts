/**
 * Summaries: a call to a function of the same file has the effect its body
 * has on every path (release, finish, begin, check, acquire), whatever its
 * name; partial, recursive and unknown helpers take the object over.
 */
import { QI, RAW_QI, runFindingCases } from "./cases";

describe("same-file summaries", () => {
  runFindingCases([
    { name: "a helper that releases its parameter on every path is a release", code: `function done(p) {\n  p.Release();\n}\nfunction f(call) {\n  ${QI}\n  done(cancel);\n}`, findings: [] },
    { name: "so a use after it is a use after release", code: `function done(p) {\n  p.Release();\n}\nfunction f(call) {\n  ${QI}\n  done(cancel);\n  cancel.Cancel(0);\n}`, findings: ["7:use-after-release"] },
    { name: "a helper defined later in the file is summarised too", code: `function f(call) {\n  ${QI}\n  done(cancel);\n  cancel.Cancel(0);\n}\nfunction done(p) {\n  p.Release();\n}`, findings: ["4:use-after-release"] },
    { name: "an arrow function helper is summarised", code: `const done = (p) => {\n  p.Release();\n};\nfunction f(call) {\n  ${QI}\n  done(cancel);\n  cancel.Cancel(0);\n}`, findings: ["7:use-after-release"] },
    { name: "a helper that releases on some paths only takes the pointer over", code: `function maybe(p, x) {\n  if (x) p.Release();\n}\nfunction f(call, x) {\n  ${QI}\n  maybe(cancel, x);\n  cancel.Cancel(0);\n}`, findings: [] },
    { name: "a recursive helper takes the pointer over", code: `function rec(p, n) {\n  if (n) return rec(p, n - 1);\n  p.Release();\n}\nfunction f(call) {\n  ${QI}\n  rec(cancel, 3);\n  cancel.Cancel(0);\n}`, findings: [] },
    { name: "a helper that does nothing protocol-wise takes the pointer over (an escape)", code: `function show(p) {\n  log(p);\n}\nfunction f(call) {\n  ${QI}\n  show(cancel);\n}`, findings: [] },
    { name: "a helper that returns a pointer it acquired is an acquisition at its call", code: `function getCancel(call) {\n  return call.QueryInterface(IID_ICancelMethodCalls);\n}\nfunction f(call) {\n  const cancel = getCancel(call);\n  cancel.Cancel(0);\n}`, findings: ["5:missing-release"] },
    { name: "a helper that throws when its HRESULT fails is a check", code: `function check(hr) {\n  if (hr < 0) throw new Error("failed");\n}\nfunction f(call) {\n  ${RAW_QI}\n  check(hr);\n  out[0].Cancel(0);\n  out[0].Release();\n}`, findings: [] },
    { name: "a helper that only logs a failed HRESULT is no check", code: `function note(hr) {\n  if (hr < 0) log(hr);\n}\nfunction f(call) {\n  ${RAW_QI}\n  note(hr);\n  out[0].Cancel(0);\n  out[0].Release();\n}`, findings: ["8:unchecked-query-interface"] },
    { name: "a helper that finishes the call finishes it", code: `function end(c) {\n  c.Finish_GetPrice();\n}\nfunction f(call) {\n  call.Begin_GetPrice();\n  end(call);\n  call.Begin_GetPrice();\n  end(call);\n}`, findings: [] },
    { name: "a helper that begins a call begins it", code: `function start(c) {\n  c.Begin_GetPrice();\n}\nfunction f(call) {\n  start(call);\n  start(call);\n}`, findings: ["6:begin-while-pending"] },
    { name: "a helper that cancels leaves Finish_ owed", code: `function stop(call) {\n  ${QI}\n  cancel.Cancel(0);\n  cancel.Release();\n}\nfunction f(call) {\n  call.Begin_GetPrice();\n  stop(call);\n}`, findings: ["8:cancel-without-finish"] },
  ]);
});
