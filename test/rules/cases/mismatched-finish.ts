import type { RuleCases } from "./types";

/** Spec 2a shape 6: a Begin_ slot through a vtable dispatcher, then the Finish_ slot `finish` (line 5). */
const RAW_FINISH = (finish: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETVOLUME: number;
export function price(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  return vcall(call, ${finish}, [], []);
}
`;

export const cases: RuleCases = {
  valid: [
    {
      name: "matching pair",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  return call.Finish_GetPrice();
}
`,
    },
    {
      name: "each branch finishes its own begin",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  if (ready) {
    call.Begin_GetPrice("MSFT");
    return call.Finish_GetPrice();
  }
  call.Begin_GetVolume("MSFT");
  return call.Finish_GetVolume();
}
`,
    },
    {
      name: "a received call object: unknown pending method",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  return call.Finish_GetVolume();
}
`,
    },
    {
      name: "pairs on different call objects",
      code: `function quote(a: AsyncIStockQuote, b: AsyncIStockQuote) {
  a.Begin_GetPrice("MSFT");
  b.Begin_GetVolume("MSFT");
  return a.Finish_GetPrice() + b.Finish_GetVolume();
}
`,
    },
    {
      name: "through a vtable dispatcher (spec 2a shape 6): the Begin_ slot finished by its own Finish_ slot",
      code: RAW_FINISH("ASYNCISTOCKQUOTE_FINISH_GETPRICE"),
    },
    {
      name: "each switch case finishes the call it began",
      code: `function quote(call: AsyncIStockQuote, kind: number) {
  switch (kind) {
    case 0:
      call.Begin_GetPrice("MSFT");
      return call.Finish_GetPrice();
    default:
      call.Begin_GetVolume("MSFT");
      return call.Finish_GetVolume();
  }
}
`,
    },
  ],
  invalid: [
    {
      name: "Begin_GetPrice finished with Finish_GetVolume",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  return call.Finish_GetVolume();
}
`,
      errors: [
        {
          messageId: "mismatchedFinish",
          data: { finish: "call.Finish_GetVolume()", pending: "Begin_GetPrice", line: "2", call: "call" },
          line: 3,
          column: 10,
        },
      ],
    },
    {
      name: "mismatch on one branch only",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  if (ready) {
    call.Begin_GetPrice("MSFT");
  } else {
    call.Begin_GetVolume("MSFT");
  }
  return call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "mismatchedFinish",
          data: { finish: "call.Finish_GetPrice()", pending: "Begin_GetVolume", line: "5", call: "call" },
          line: 7,
          column: 10,
        },
      ],
    },
    {
      name: "mismatch after cancel",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  return call.Finish_GetVolume();
}
`,
      errors: [
        {
          messageId: "mismatchedFinish",
          data: { finish: "call.Finish_GetVolume()", pending: "Begin_GetPrice", line: "2", call: "call" },
          line: 6,
          column: 10,
        },
      ],
    },
    {
      name: "through a vtable dispatcher (spec 2a shape 6): the Begin_GETPRICE slot finished with the FINISH_GETVOLUME slot",
      code: RAW_FINISH("ASYNCISTOCKQUOTE_FINISH_GETVOLUME"),
      errors: [
        {
          messageId: "mismatchedFinish",
          data: { finish: "vcall(call, ASYNCISTOCKQUOTE_FINISH_GETVOLUME, [], [])", pending: "Begin_GETPRICE", line: "4", call: "call" },
          line: 5,
          column: 10,
        },
      ],
    },
    {
      name: "a Begin_ in try whose finally finishes another method: mismatched",
      code: `function quote(call: AsyncIStockQuote) {
  try {
    call.Begin_GetPrice("MSFT");
    log("begun");
  } finally {
    call.Finish_GetVolume();
  }
}
`,
      errors: [
        {
          messageId: "mismatchedFinish",
          data: { finish: "call.Finish_GetVolume()", pending: "Begin_GetPrice", line: "3", call: "call" },
          line: 6,
          column: 5,
        },
      ],
    },
  ],
};
