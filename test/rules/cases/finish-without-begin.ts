import type { RuleCases } from "./types";

export const cases: RuleCases = {
  valid: [
    {
      name: "finish after begin",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  return call.Finish_GetPrice();
}
`,
    },
    {
      name: "a received call object may have a call pending",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  return call.Finish_GetPrice();
}
`,
    },
    {
      name: "finish on every branch after one begin",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  if (ready) {
    return call.Finish_GetPrice();
  }
  return call.Finish_GetPrice() + 1;
}
`,
    },
    {
      name: "a Finish_ that throws in try is still one finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  try {
    return call.Finish_GetPrice();
  } catch {
    return -1;
  }
}
`,
    },
    {
      name: "begin and finish per loop turn",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  let total = 0;
  for (const s of ["A", "B"]) {
    call.Begin_GetPrice(s);
    total += call.Finish_GetPrice();
  }
  return total;
}
`,
    },
    {
      name: "finish in catch after an implicit exception is uncertain",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  try {
    log(call.Finish_GetPrice());
  } catch {
    call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "the call object escaped between the finishes",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  log(call);
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "promise-shaped binding: a Finish_ after the awaited Begin_ is tolerated",
      code: `async function quote(call: any) {
  await call.Begin_GetPrice("MSFT");
  return call.Finish_GetPrice();
}
`,
    },
  ],
  invalid: [
    {
      name: "finish twice in a row",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "the call was already finished at line 3" },
          line: 4,
          column: 3,
        },
      ],
    },
    {
      name: "finish on a fresh call object",
      code: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  const price = call.Finish_GetPrice();
  call.Release();
  return price;
}
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "no call was begun on this call object" },
          line: 3,
          column: 17,
        },
      ],
    },
    {
      name: "a second finish on one branch",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const price = call.Finish_GetPrice();
  if (ready) {
    log(call.Finish_GetPrice());
  }
  return price;
}
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "the call was already finished at line 3" },
          line: 5,
          column: 9,
        },
      ],
    },
    {
      name: "a loop finishes again without a new begin",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  while (ready) {
    log(call.Finish_GetPrice());
  }
}
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "the call was already finished at line 4" },
          line: 4,
          column: 9,
        },
      ],
    },
    {
      name: "a failed Begin_ (raw HRESULT) started nothing to finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const hr = call.Begin_GetPrice("MSFT") as unknown as HRESULT;
  if (hr < 0) {
    return call.Finish_GetPrice();
  }
  return 0;
}
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "no call was begun on this call object" },
          line: 4,
          column: 12,
        },
      ],
    },
  ],
};
