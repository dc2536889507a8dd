import type { RuleCases } from "./types";

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
  ],
};
