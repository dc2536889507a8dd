import type { RuleCases } from "./types";

/** Raw FFI (spec 2a shape 6): begin, query the cancel interface, cancel and release it through the vtable, then `finish` (line 12). */
const RAW_CANCELLED = (finish: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number;
declare const IUNKNOWN_QUERYINTERFACE: number, IUNKNOWN_RELEASE: number, ICANCELMETHODCALLS_CANCEL: number;
declare const IID_ICancelMethodCalls: Uint8Array;
export function stop(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, ["str"], ["MSFT"]);
  const out = new BigUint64Array(1);
  if (vcall(call, IUNKNOWN_QUERYINTERFACE, ["ptr", "ptr"], [IID_ICancelMethodCalls, out]) < 0) return -1;
  const cancel = out[0];
  vcall(cancel, ICANCELMETHODCALLS_CANCEL, ["u32"], [0]);
  vcall(cancel, IUNKNOWN_RELEASE, [], []);
${finish}}
`;

export const cases: RuleCases = {
  valid: [
    {
      name: "the result after a cancel is used",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  const price = call.Finish_GetPrice();
  return price;
}
`,
    },
    {
      name: "a Finish_ in try with a catch that handles its failure",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    call.Finish_GetPrice();
  } catch (e) {
    log("cancelled", e);
  }
}
`,
    },
    {
      name: "without a cancel, discarding the result is fine",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "raw FFI (spec 2a): the HRESULT of the Finish_ slot after a Cancel is returned to the caller",
      code: RAW_CANCELLED("  return vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n"),
    },
  ],
  invalid: [
    {
      name: "the result after a cancel is discarded",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "uncheckedCancelResult",
          data: { finish: "call.Finish_GetPrice()", line: "4" },
          line: 6,
          column: 3,
        },
      ],
    },
    {
      name: "discarded on one path",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (ready) {
    call.Finish_GetPrice();
  } else {
    log(call.Finish_GetPrice());
  }
}
`,
      errors: [
        {
          messageId: "uncheckedCancelResult",
          data: { finish: "call.Finish_GetPrice()", line: "4" },
          line: 7,
          column: 5,
        },
      ],
    },
    {
      name: "raw FFI (spec 2a): the HRESULT of the Finish_ slot after a Cancel is discarded",
      code: RAW_CANCELLED("  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n  return 0;\n"),
      errors: [
        {
          messageId: "uncheckedCancelResult",
          data: { finish: "vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], [])", line: "10" },
          line: 12,
          column: 3,
        },
      ],
    },
  ],
};
