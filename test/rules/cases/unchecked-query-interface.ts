import type { RuleCases } from "./types";

export const cases: RuleCases = {
  valid: [
    {
      name: "a throwing binding's result is valid",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "FAILED(hr) checked before use",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
    },
    {
      name: "SUCCEEDED(hr) guards the use",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out = { value: null as ICancelMethodCalls | null };
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (SUCCEEDED(hr)) {
    out.value!.Cancel(0);
    out.value!.Release();
  }
}
`,
    },
    {
      name: "hr >= 0 guards the use",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  if (call.QueryInterface(IID_ICancelMethodCalls, out) >= 0) {
    out[0]!.Cancel(0);
    out[0]!.Release();
  }
}
`,
    },
    {
      name: "a null check of a nullable result",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (cancel !== null) {
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
    },
    {
      name: "optional chaining is a check",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Cancel(0);
  cancel?.Release();
}
`,
    },
    {
      name: "an early return on failure with ||",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (ready || hr !== S_OK) return;
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
    },
    {
      name: "an HRESULT test kept in a variable",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  const ok = SUCCEEDED(hr);
  if (!ok) return;
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
    },
    {
      name: "an HRESULT handed to a throw-on-failure helper (checkHr, ThrowIfFailed) counts as checked",
      code: `function checkHr(hr: HRESULT) {
  if (hr < 0) throw new Error("HRESULT " + hr);
}
function quote(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  checkHr(call.QueryInterface(IID_ICancelMethodCalls, out));
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
    },
    {
      name: "if (FAILED(hr)) throw",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) throw new Error("QueryInterface failed");
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
    },
  ],
  invalid: [
    {
      name: "the HRESULT is never checked",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  call.QueryInterface(IID_ICancelMethodCalls, out);
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
      errors: [
        {
          messageId: "uncheckedQueryInterface",
          data: { pointer: "out[0]", acquirer: "QueryInterface", line: "3" },
          line: 4,
          column: 3,
        },
      ],
    },
    {
      name: "the HRESULT is never checked, the box given cast (`out as any`): the pointer is named by its box",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  call.QueryInterface(IID_ICancelMethodCalls, out as any);
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "3" }, line: 4, column: 3 }],
    },
    {
      name: "checked on one branch only",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (ready && FAILED(hr)) return;
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
      errors: [
        {
          messageId: "uncheckedQueryInterface",
          data: { pointer: "out[0]", acquirer: "QueryInterface", line: "3" },
          line: 5,
          column: 3,
        },
      ],
    },
    {
      name: "a nullable result used without a null check",
      mode: "typed",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls)!;
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "uncheckedQueryInterface",
          data: { pointer: "cancel", acquirer: "QueryInterface", line: "2" },
          line: 3,
          column: 3,
        },
      ],
    },
  ],
};
