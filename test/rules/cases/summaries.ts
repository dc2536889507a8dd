/**
 * Same-file interprocedural summaries (a helper that releases, finishes,
 * cancels, begins, or returns an owned pointer; recursion) and promise-shaped
 * bindings (`await` of a Begin_ promise is its Finish_), in typed and untyped mode.
 */
import type { RuleCases } from "./types";

/** `obtain` names no protocol method: it hands on what the helper `lookUp` acquired (a wrapper is an acquire too). */
const WRAPPED_ACQUIRE = `function lookUp(c: AsyncIStockQuote) {
  return c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
function obtain(c: AsyncIStockQuote) {
  const p = lookUp(c);
  return p;
}
function stop(call: AsyncIStockQuote) {
  const cancel = obtain(call);
`;

/** A caller that begins a call and cancels it through `helper` (which queries ICancelMethodCalls itself), never finishing. */
const cancelHelperCase = (helper: string, name: string) => {
  const code = (finish: string) => `function ${helper}(c: AsyncIStockQuote) {
  const cancel = c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  ${helper}(call);${finish}
}
`;
  return {
    name,
    code: code(""),
    errors: [
      {
        messageId: "cancelWithoutFinish",
        data: { cancel: `${helper}(call)`, call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 9", begin: "Begin_" },
        line: 8,
        column: 3,
        suggestions: [{ messageId: "insertFinish", output: code("\n  call.Finish_GetPrice();") }],
      },
    ],
  };
};

export const missingRelease: RuleCases = {
  valid: [
    {
      name: "a helper whose own text names no protocol method returns what another helper acquired: its caller releases it",
      code: `${WRAPPED_ACQUIRE}  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "a helper that releases its parameter counts as Release",
      code: `function cleanup(p: ICancelMethodCalls) {
  p.Release();
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cleanup(cancel);
}
`,
    },
    {
      name: "a helper defined after its caller, as a const arrow function",
      code: `function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  dispose(cancel);
}
const dispose = (p: IUnknown) => {
  if (p) p.Release();
};
`,
    },
    {
      name: "a method that releases, called through this",
      code: `class Quote {
  private free(p: IUnknown) {
    p.Release();
  }
  stop(call: AsyncIStockQuote) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    this.free(cancel);
  }
}
`,
    },
    {
      name: "a helper that returns an owned pointer, released by the caller",
      code: `function getCancel(c: AsyncIStockQuote) {
  return c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
function stop(call: AsyncIStockQuote) {
  const cancel = getCancel(call);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "a recursive helper terminates and stays an escape",
      code: `function releaseAll(list: IUnknown[], i: number): void {
  if (i >= list.length) return;
  list[i].Release();
  releaseAll(list, i + 1);
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  releaseAll([cancel], 0);
}
`,
    },
    {
      name: "mutually recursive helpers that only read their argument terminate (no protocol name in them)",
      code: `function depth(p: IUnknown, n: number): number {
  return n > 0 ? count(p, n - 1) : 0;
}
function count(p: IUnknown, n: number): number {
  return depth(p, n) + 1;
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  depth(cancel, 3);
  cancel.Release();
}
`,
    },
    {
      name: "mutually recursive helpers terminate",
      code: `function ping(p: IUnknown, n: number): void {
  if (n > 0) pong(p, n - 1);
  else p.Release();
}
function pong(p: IUnknown, n: number): void {
  ping(p, n);
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  ping(cancel, 3);
}
`,
    },
    {
      name: "a helper that releases on some paths only is treated as an escape (quiet)",
      code: `function maybeRelease(p: IUnknown, really: boolean) {
  if (really) p.Release();
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  maybeRelease(cancel, false);
  return 1;
}
`,
    },
  ],
  invalid: [
    {
      name: "a helper that only uses its parameter leaves it owned",
      code: `function poke(p: ICancelMethodCalls) {
  p.Cancel(0);
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  poke(cancel);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 7", release: "cancel.Release()" },
          line: 5,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function poke(p: ICancelMethodCalls) {
  p.Cancel(0);
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    poke(cancel);
  } finally {
    cancel.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `function poke(p: ICancelMethodCalls) {
  p.Cancel(0);
}
function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  poke(cancel);
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "the pointer a helper whose own text names no protocol method returns, acquired by another helper, leaks in the caller",
      code: `${WRAPPED_ACQUIRE}  cancel.Cancel(0);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "obtain", reached: "the end of the function at line 11", release: "cancel.Release()" },
          line: 9,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `${WRAPPED_ACQUIRE}  try {
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `${WRAPPED_ACQUIRE}  cancel.Cancel(0);
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "the pointer a helper returns leaks in the caller",
      code: `function getCancel(c: AsyncIStockQuote) {
  const p = c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  return p;
}
function stop(call: AsyncIStockQuote) {
  const cancel = getCancel(call);
  cancel.Cancel(0);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "getCancel", reached: "the end of the function at line 8", release: "cancel.Release()" },
          line: 6,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function getCancel(c: AsyncIStockQuote) {
  const p = c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  return p;
}
function stop(call: AsyncIStockQuote) {
  const cancel = getCancel(call);
  try {
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `function getCancel(c: AsyncIStockQuote) {
  const p = c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  return p;
}
function stop(call: AsyncIStockQuote) {
  const cancel = getCancel(call);
  cancel.Cancel(0);
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
  ],
};

export const cancelWithoutFinish: RuleCases = {
  valid: [
    {
      name: "a helper that finishes the call counts as Finish_",
      code: `function finish(call: AsyncIStockQuote) {
  return call.Finish_GetPrice();
}
function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  finish(call);
}
`,
    },
    {
      name: "promise-shaped binding: await of the Begin_ promise counts as the Finish_",
      code: `async function quote(call: any) {
  const pending = call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    return await pending;
  } catch {
    return null;
  }
}
`,
    },
  ],
  invalid: [
    cancelHelperCase("cancelCall", "a cancel helper's Cancel is reported in the caller that does not finish"),
    cancelHelperCase("safeCancel", "a cancel helper named like the method (`safeCancel`) is shown as its call, not as a method of nothing (`safeCancel()`)"),
    {
      name: "a helper that cancels through the pointer it is given",
      code: `function cancelNow(p: ICancelMethodCalls) {
  p.Cancel(0);
}
function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancelNow(cancel);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancelNow(cancel)", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 9", begin: "Begin_" },
          line: 7,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function cancelNow(p: ICancelMethodCalls) {
  p.Cancel(0);
}
function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancelNow(cancel);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a cancel pointer returned by a helper cancels the caller's call",
      code: `function cancelOf(c: AsyncIStockQuote) {
  return c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = cancelOf(call);
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 9", begin: "Begin_" },
          line: 7,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function cancelOf(c: AsyncIStockQuote) {
  return c.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = cancelOf(call);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
  ],
};

export const beginWhilePending: RuleCases = {
  valid: [
    {
      name: "promise-shaped binding: each awaited Begin_ is finished before the next",
      code: `async function quote(call: any) {
  const price = await call.Begin_GetPrice("MSFT");
  const volume = await call.Begin_GetVolume("MSFT");
  return price * volume;
}
`,
    },
  ],
  invalid: [
    {
      name: "a helper that begins leaves the call pending",
      code: `function start(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
}
function twice(call: AsyncIStockQuote) {
  start(call);
  call.Begin_GetVolume("MSFT");
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "5", state: "still pending" },
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function start(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
}
function twice(call: AsyncIStockQuote) {
  start(call);
  call.Finish_GetPrice();
  call.Begin_GetVolume("MSFT");
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "promise-shaped binding: a Begin_ before the previous promise is awaited (the repair awaits it first)",
      code: `async function quote(call: any) {
  const price = call.Begin_GetPrice("MSFT");
  const volume = call.Begin_GetVolume("MSFT");
  return (await price) * (await volume);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 3,
          column: 18,
          suggestions: [
            {
              messageId: "awaitPending",
              data: { promise: "price" },
              output: `async function quote(call: any) {
  const price = call.Begin_GetPrice("MSFT");
  await price;
  const volume = call.Begin_GetVolume("MSFT");
  return (await price) * (await volume);
}
`,
            },
          ],
        },
      ],
    },
  ],
};
