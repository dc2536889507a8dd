import type { RuleCases } from "./types";

/** Raw FFI (spec 2a shapes 6-7): a QueryInterface slot filling an out box, `check` after it (line 6), the read pointer used through its vtable. */
const RAW_QUERY = (check: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const IUNKNOWN_RELEASE: number, IUNKNOWN_QUERYINTERFACE: number, ISTOCKQUOTE_GETPRICE: number, IID_IStockQuote: Uint8Array;
export function priceOf(obj: bigint): number {
  const out = new BigUint64Array(1);
  const hr = vcall(obj, IUNKNOWN_QUERYINTERFACE, [], [IID_IStockQuote, out]);
${check}  const quote = out[0];
  const price = vcall(quote, ISTOCKQUOTE_GETPRICE, [], []);
  vcall(quote, IUNKNOWN_RELEASE, [], []);
  return price;
}
`;

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
    {
      name: "shape 2: an `{ value: null }` box whose HRESULT is tested with `hr < 0` before `out.value` is used",
      code: `function quote(call: AsyncIStockQuote) {
  const out = { value: null as ICancelMethodCalls | null };
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (hr < 0) return;
  out.value!.Cancel(0);
  out.value!.Release();
}
`,
    },
    {
      name: "a for..of loop that skips a failed QueryInterface with `continue`",
      code: `function quote(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    const out: [ICancelMethodCalls | null] = [null];
    if (FAILED(call.QueryInterface(IID_ICancelMethodCalls, out))) continue;
    out[0]!.Cancel(0);
    out[0]!.Release();
  }
}
`,
    },
    {
      name: "XPCOM QueryInterface (`Ci.nsIFile`) has no HRESULT to test: never reported",
      code: `function observe(subject: any) {
  const file = subject.QueryInterface(Ci.nsIFile);
  file.remove(false);
}
declare const Ci: any;
`,
    },
    {
      name: "raw FFI (spec 2a shape 6): a QueryInterface slot whose HRESULT is tested (`hr < 0` returns) before the read pointer is used",
      code: RAW_QUERY("  if (hr < 0) return -1;\n"),
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
    {
      name: "a for..of loop whose failure branch only logs and falls through to the use: unchecked",
      code: `function quote(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    const out: [ICancelMethodCalls | null] = [null];
    if (FAILED(call.QueryInterface(IID_ICancelMethodCalls, out))) log("skipped");
    out[0]!.Cancel(0);
    out[0]!.Release();
  }
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "4" }, line: 5, column: 5 }],
    },
    {
      name: "spec 3a: not only the cancel pointer: a QueryInterface for another interface (IID_IStockQuote) whose HRESULT is only logged, its pointer used",
      code: `export function name(obj: IUnknown): void {
  const out: [IUnknown | null] = [null];
  const hr = obj.QueryInterface(IID_IStockQuote, out);
  log(hr);
  const quote = out[0]!;
  quote.AddRef();
  quote.Release();
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "quote", acquirer: "QueryInterface", line: "3" }, line: 6, column: 3 }],
    },
  ],
};
