import type { RuleCases } from "./types";

/** Spec 2a shape 6: Begin_/Finish_ slots through a vtable dispatcher drive the call object's state like the methods do; `second` follows one Begin_/Finish_ pair (line 5 on). */
const RAW_PAIR = (second: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number;
export function price(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
${second}  return 0;
}
`;

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
    {
      name: "through a vtable dispatcher (spec 2a shape 6): a Begin_ slot, then its Finish_ slot, then a new Begin_ and Finish_ is correct",
      code: RAW_PAIR("  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);\n  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n"),
    },
    {
      name: "a labeled continue leaving an inner loop after a Finish_ skips the outer turn's own Finish_: one finish per Begin_ (an arrow function)",
      code: `const quote = (call: AsyncIStockQuote, symbols: string[]) => {
  outer: for (const symbol of symbols) {
    call.Begin_GetPrice(symbol);
    for (let i = 0; i < 3; i++) {
      if (i === 2) {
        call.Finish_GetPrice();
        continue outer;
      }
    }
    call.Finish_GetPrice();
  }
};
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
    {
      name: "through a vtable dispatcher (spec 2a shape 6): the Finish_ slot called again after the call was finished",
      code: RAW_PAIR("  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n"),
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], [])", call: "call", why: "the call was already finished at line 5" },
          line: 6,
          column: 3,
        },
      ],
    },
    {
      name: "a Finish_ returned inside try and called again by the finally (which the return runs): finished twice",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  try {
    return call.Finish_GetPrice();
  } finally {
    call.Finish_GetPrice();
  }
}
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "the call was already finished at line 4" },
          line: 6,
          column: 5,
        },
      ],
    },
    {
      name: "a labeled break out of nested loops in an arrow function: the inner loop's Finish_ runs again on its next turn, and the one after the loop finishes again",
      code: `const quote = (call: AsyncIStockQuote) => {
  call.Begin_GetPrice("MSFT");
  outer: for (;;) {
    for (;;) {
      if (call.Finish_GetPrice() > 0) break outer;
    }
  }
  return call.Finish_GetPrice();
};
`,
      errors: [
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "the call was already finished at line 5" },
          line: 5,
          column: 11,
        },
        {
          messageId: "finishWithoutBegin",
          data: { finish: "call.Finish_GetPrice()", call: "call", why: "the call was already finished at line 5" },
          line: 8,
          column: 10,
        },
      ],
    },
  ],
};
