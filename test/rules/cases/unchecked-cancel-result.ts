import type { RuleCases } from "./types";

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
  ],
};
