/**
 * Symbols: what a pointer or call object is called (aliases, out boxes and
 * their reads, fields), and when it leaves this function (returned, stored
 * outside, handed on), as the findings of small lint runs show.
 */
import { QI, RAW_QI, runFindingCases } from "./cases";

describe("values and escapes", () => {
  describe("names of one object", () => {
    runFindingCases([
      { name: "a leaked pointer is reported at its acquisition", code: `function f(call) {\n  ${QI}\n  cancel.Cancel(0);\n}`, findings: ["2:missing-release"] },
      { name: "a simple alias releases the same pointer", code: `function f(call) {\n  ${QI}\n  const c = cancel;\n  c.Release();\n}`, findings: [] },
      { name: "a use through the original name after the alias's Release is a use after release", code: `function f(call) {\n  ${QI}\n  const c = cancel;\n  c.Release();\n  cancel.Cancel(0);\n}`, findings: ["5:use-after-release"] },
      { name: "an out box's element is the pointer", code: `function f(call) {\n  ${RAW_QI}\n  if (FAILED(hr)) return;\n  out[0].Cancel(0);\n  out[0].Release();\n  out[0].Cancel(0);\n}`, findings: ["7:use-after-release"] },
      { name: "a variable read from an out box is the pointer", code: `function f(call) {\n  ${RAW_QI}\n  if (FAILED(hr)) return;\n  const cancel = out[0];\n  cancel.Release();\n  cancel.Cancel(0);\n}`, findings: ["7:use-after-release"] },
      {
        name: "(spec 3a) destructuring a box reads the pointer: its Release releases it",
        code: `function f(call) {\n  ${RAW_QI}\n  if (FAILED(hr)) return;\n  const [cancel] = out;\n  cancel.Release();\n}`,
        findings: [],
      },
      { name: "a { value } box holds the pointer in .value", code: `function f(call) {\n  const out = { value: null };\n  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);\n  if (hr !== S_OK) return;\n  out.value.Cancel(0);\n}`, findings: ["3:missing-release"] },
      { name: "a field call object keeps the state this method gave it", code: `class Q {\n  m() {\n    this.call.Begin_GetPrice();\n    this.call.Begin_GetVolume();\n  }\n}`, findings: ["4:begin-while-pending"] },
    ]);
  });

  describe("names resolve as the scope manager resolves them", () => {
    runFindingCases([
      {
        name: "a type of the same name in an inner block does not hide the pointer (TypeScript's type/value split)",
        code: `function f(call) {\n  ${QI}\n  {\n    interface cancel { x: number }\n    cancel.Release();\n    cancel.Cancel(0);\n  }\n}`,
        findings: ["6:use-after-release"],
      },
      {
        name: "a switch's discriminant names the outer pointer, not a let of its cases",
        code: `function f(call) {\n  ${QI}\n  switch (cancel.Release()) {\n    case 0:\n      let cancel = 2;\n  }\n}`,
        findings: [],
      },
    ]);
  });

  describe("escapes are not leaks", () => {
    runFindingCases([
      { name: "returned", code: `function f(call) {\n  ${QI}\n  return cancel;\n}`, findings: [] },
      { name: "returned inside an object", code: `function f(call) {\n  ${QI}\n  return { cancel };\n}`, findings: [] },
      { name: "stored in a field", code: `class A {\n  m(call) {\n    this.c = call.QueryInterface(IID_ICancelMethodCalls);\n  }\n}`, findings: [] },
      { name: "stored in a module-level variable", code: `let keep;\nfunction f(call) {\n  ${QI}\n  keep = cancel;\n}`, findings: [] },
      { name: "pushed into an array", code: `function f(call, list) {\n  ${QI}\n  list.push(cancel);\n}`, findings: [] },
      { name: "passed to a function of another module", code: `function f(call) {\n  ${QI}\n  other(cancel);\n}`, findings: [] },
      { name: "a call object passed on: no begin-while-pending after that point", code: `function f(call) {\n  call.Begin_GetPrice();\n  other(call);\n  call.Begin_GetPrice();\n}`, findings: [] },
    ]);
  });

  describe("functions are analysed each on their own", () => {
    runFindingCases([
      { name: "a nested function does not see its parent's pending call", code: `function f(call) {\n  call.Begin_GetPrice();\n  const g = () => {\n    call.Begin_GetPrice();\n  };\n}`, findings: [] },
      { name: "an immediately invoked function does", code: `function f(call) {\n  call.Begin_GetPrice();\n  (() => {\n    call.Begin_GetPrice();\n  })();\n}`, findings: ["4:begin-while-pending"] },
      { name: "top-level code must release what it acquires", code: `const call = factory.CreateCall(IID_AsyncIStockQuote, null);\ncall.Begin_GetPrice();`, findings: ["1:missing-release"] },
      {
        name: "(spec 3a) an exported module-level pointer escapes",
        code: `export const call = factory.CreateCall(IID_AsyncIStockQuote, null);`,
        findings: [],
      },
    ]);
  });
});
