import type { RuleCases } from "./types";

/** Raw calls through a dispatcher: `stop` begins, queries the cancel interface, cancels and releases it, then `finish` (or nothing). */
const RAW_CANCEL = (finish: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number;
declare const IUNKNOWN_QUERYINTERFACE: number, IUNKNOWN_RELEASE: number, ICANCELMETHODCALLS_CANCEL: number;
declare const IID_ICancelMethodCalls: Uint8Array;
export function settle(call: bigint): number {
  return vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
}
export function stop(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, ["str"], ["MSFT"]);
  const out = new BigUint64Array(1);
  if (vcall(call, IUNKNOWN_QUERYINTERFACE, ["ptr", "ptr"], [IID_ICancelMethodCalls, out]) < 0) return -1;
  const cancel = out[0];
  vcall(cancel, ICANCELMETHODCALLS_CANCEL, ["u32"], [0]);
  vcall(cancel, IUNKNOWN_RELEASE, [], []);${finish}
  return 0;
}
`;

/** Raw FFI: a pointer queried from the call object with an IID whose name says nothing (`iidCancel`), cancelled through its slot (line 13); `end` closes the function. */
const QUERIED_CANCEL = (end: string) => `declare function vcall(self: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare function ptr(box: BigUint64Array | Uint8Array): number;
const IUNKNOWN_QUERYINTERFACE = 0;
const IUNKNOWN_RELEASE = 2;
const ASYNCISTOCKQUOTE_BEGIN_GETPRICE = 3;
const ASYNCISTOCKQUOTE_FINISH_GETPRICE = 4;
const ICANCELMETHODCALLS_CANCEL = 3;
export function abort(call: bigint, iidCancel: Uint8Array): void {
  if (vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []) < 0) return;
  const box = new BigUint64Array(1);
  if (vcall(call, IUNKNOWN_QUERYINTERFACE, [], [ptr(iidCancel), ptr(box)]) < 0) return;
  const cancel = box[0];
  vcall(cancel, ICANCELMETHODCALLS_CANCEL, [], [0]);
  vcall(cancel, IUNKNOWN_RELEASE, [], []);
${end}}
`;

/** A `switch` whose "abort" case cancels (line 8) and breaks to the shared return, while its default case finishes; `afterCancel` follows the Cancel. */
const SWITCH_CANCEL = (afterCancel: string) => `function settle(call: AsyncIStockQuote, action: string): number | undefined {
  call.Begin_GetPrice("MSFT");
  let price: number | undefined;
  switch (action) {
    case "abort": {
      const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
      try {
        cancel.Cancel(0);
${afterCancel}      } finally {
        cancel.Release();
      }
      break;
    }
    default:
      price = call.Finish_GetPrice();
  }
  return price;
}
`;

/** A return inside `try` (line 6) after the Cancel, whose `finally` releases the cancel pointer. */
const RETURN_IN_TRY = `function quote(call: AsyncIStockQuote, bad: boolean): number {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
    if (bad) return -1;
    return call.Finish_GetPrice();
  } finally {
    cancel.Release();
  }
}
`;

/** A cancelled call handed to a helper of the file whose closure runs `later` on it after a while. */
const FINISHED_LATER = (later: string) => `function finishLater(call: AsyncIStockQuote): void {
  setTimeout(() => ${later}, 0);
}
export function abort(call: AsyncIStockQuote): void {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  finishLater(call);
}
`;

/** A binding whose Finish_GetPrice takes an out box: `settle` (lines 3-5) finishes with the module's `priceBox`, `stop` (line 6 on) cancels without finishing. */
const FINISH_WITH_BOX = `interface AsyncIQuoteOut extends IUnknown { Begin_GetPrice(s: string): void; Finish_GetPrice(price: { value: number }): HRESULT }
const priceBox = { value: 0 };
export function settle(call: AsyncIQuoteOut): HRESULT {
  return call.Finish_GetPrice(priceBox);
}
export function stop(call: AsyncIQuoteOut): void {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`;

/** The same with the out box a parameter of `settle`; `stop` takes the parameters `params`. */
const FINISH_WITH_PARAMETER = (params: string) => `interface AsyncIQuoteOut extends IUnknown { Begin_GetPrice(s: string): void; Finish_GetPrice(price: { value: number }): HRESULT }
export function settle(call: AsyncIQuoteOut, box: { value: number }): HRESULT {
  return call.Finish_GetPrice(box);
}
export function stop(${params}): void {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a cancelled call handed to a helper of the file whose closure finishes it later (`setTimeout(() => call.Finish_GetPrice())`)", code: FINISHED_LATER("call.Finish_GetPrice()") },
    {
      name: "raw FFI: a pointer queried with an IID whose name says nothing, cancelled through, then the call finished: correct",
      code: QUERIED_CANCEL("  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n"),
    },
    {
      name: "finish after cancel and release (the documented sequence)",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "finish in finally covers every path",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
    if (ready) return;
  } finally {
    cancel.Release();
    call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "Finish_ that throws RPC_E_CALL_CANCELED still finishes the call",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    call.Finish_GetPrice();
  } catch (e) {
    return;
  }
}
`,
    },
    {
      name: "a Cancel that throws cancels nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
  } catch {
    cancel.Release();
    return;
  }
  cancel.Release();
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "both branches finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) {
    cancel.Cancel(0);
    cancel.Release();
    call.Finish_GetPrice();
  } else {
    cancel.Release();
    call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "cancel and finish inside a loop",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  for (let i = 0; i < 3; i++) {
    call.Begin_GetPrice("MSFT");
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "switch fall-through reaches the finish",
      code: `function quote(call: AsyncIStockQuote, mode: number) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  switch (mode) {
    case 1:
      cancel.Cancel(0);
    case 2:
      cancel.Release();
      call.Finish_GetPrice();
      break;
    default:
      cancel.Release();
      call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "labeled break leaves both loops, then finishes",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  outer: for (const a of [1, 2]) {
    for (const b of [3, 4]) {
      if (a === b) {
        cancel.Cancel(0);
        break outer;
      }
    }
  }
  cancel.Release();
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "optional chaining on the cancel pointer",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Cancel(0);
  cancel?.Release();
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "an alias of the cancel pointer is the same object",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  const c = cancel;
  c.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "cancelling a call this function did not begin (a cancel helper)",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "the call object escapes to the caller, who owes the Finish_",
      code: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  return call;
}
`,
    },
    {
      name: "an IIFE runs in place and sees the caller's state",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  (() => {
    call.Finish_GetPrice();
  })();
}
`,
    },
    {
      name: "raw HRESULT shape with a checked QueryInterface",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const out: [IUnknown | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) {
    call.Finish_GetPrice();
    return;
  }
  const cancel = out[0] as ICancelMethodCalls;
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "unrelated cancel APIs: AbortController and job.Cancel()",
      code: `function stop(controller: AbortController, job: Job) {
  controller.abort();
  job.Cancel();
}
`,
    },
    {
      name: "XPCOM QueryInterface is not COM",
      code: `function observe(subject: any) {
  const channel = subject.QueryInterface(Ci.nsIHttpChannel);
  channel.cancel(0);
}
`,
    },
    {
      name: "fire-and-forget: Begin_ then Release without Finish_ is correct",
      code: `function fire(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Release();
}
`,
    },
    {
      name: "module-level code that finishes",
      code: `declare const call: AsyncIStockQuote;
call.Begin_GetPrice("MSFT");
const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
cancel.Release();
call.Finish_GetPrice();
`,
    },
    {
      name: "a method on this.call: the cancelled call is handed to the object at the method's exit (spec 3a)",
      code: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  stop() {
    this.call.Begin_GetPrice("MSFT");
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
    },
    {
      name: "an arrow function in a class field: the cancelled call is handed to the object at the method's exit (spec 3a)",
      code: `class Quote {
  call!: AsyncIStockQuote;
  stop = () => {
    this.call.Begin_GetPrice("MSFT");
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
  };
}
`,
    },
    {
      name: "unrelated cancel APIs: axios's CancelToken source cancelled twice, never finished",
      code: `import axios from "axios";
export function stop(url: string) {
  const source = axios.CancelToken.source();
  const request = axios.get(url, { cancelToken: source.token });
  source.cancel("stopped");
  source.cancel("again");
  return request;
}
`,
    },
  ],
  invalid: [
    {
      name: "a cancelled call handed to a helper of the file whose closure only reads it (`setTimeout(() => log(String(call)))`): still owed its Finish_ (none written: the helper's call may finish it, as far as a repair can tell)",
      code: FINISHED_LATER("log(String(call))"),
      errors: [{ messageId: "cancelWithoutFinish", line: 7, column: 3, suggestions: [] }],
    },
    {
      name: "raw FFI: a pointer queried from the call object with an IID whose name says nothing (`iidCancel`) is its cancel interface once cancelled through (the slot `ICANCELMETHODCALLS_CANCEL`): no Finish_ after it is reported",
      code: QUERIED_CANCEL(""),
      errors: [{ messageId: "cancelWithoutFinish", data: { cancel: "vcall(cancel, ICANCELMETHODCALLS_CANCEL, [], [0])", call: "call", finish: "Finish_GETPRICE", finishCall: "Finish_GETPRICE", reached: "the end of the function at line 15", begin: "Begin_" }, line: 13 }],
    },
    {
      name: "method shape: a pointer queried with an IID whose name does not say ICancelMethodCalls (`call.QueryInterface(IID_CancelCalls)`), cancelled through, is the call's cancel interface",
      code: `function abort(call: AsyncIStockQuote, IID_CancelCalls: IID) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface(IID_CancelCalls) as ICancelMethodCalls;
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [{ messageId: "cancelWithoutFinish", line: 4, suggestions: [{ messageId: "insertFinish", output: `function abort(call: AsyncIStockQuote, IID_CancelCalls: IID) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface(IID_CancelCalls) as ICancelMethodCalls;
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
` }] }],
    },
    {
      name: "the exit is shared with a path that finished (a `switch`'s other case): the Finish_ is written after the Cancel, not before the return, where it would run twice",
      code: SWITCH_CANCEL(""),
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the return at line 17", begin: "Begin_" },
          line: 8,
          suggestions: [{ messageId: "insertFinish", output: SWITCH_CANCEL("        call.Finish_GetPrice();\n") }],
        },
      ],
    },
    {
      name: "a return inside `try` after the Cancel, whose `finally` releases the cancel object: reported at that return, with the Finish_ written before it (not at the `finally`'s end, which the finishing path reaches too)",
      code: RETURN_IN_TRY,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the return at line 6", begin: "Begin_" },
          line: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: RETURN_IN_TRY.replace("if (bad) return -1;", "if (bad) { call.Finish_GetPrice(); return -1; }"),
            },
          ],
        },
      ],
    },
    {
      name: "cancel and release, then no finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 6", begin: "Begin_" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
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
    {
      name: "an early return skips the finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (ready) return;
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the return at line 6", begin: "Begin_" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (ready) { call.Finish_GetPrice(); return; }
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an explicit throw is an exit without finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (!ready) {
    throw new Error("cancelled");
  }
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the throw at line 7", begin: "Begin_" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (!ready) {
    call.Finish_GetPrice();
    throw new Error("cancelled");
  }
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "only one branch finishes: no repair, a Finish_ after the Cancel would run twice on the branch that finishes",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (ready) {
    call.Finish_GetPrice();
  } else {
    log("cancelled");
  }
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 11", begin: "Begin_" },
          line: 4,
          column: 3,
          suggestions: [],
        },
      ],
    },
    {
      name: "the finish is only in the catch block",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
    cancel.Release();
  } catch {
    call.Finish_GetPrice();
  }
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 10", begin: "Begin_" },
          line: 5,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
    cancel.Release();
    call.Finish_GetPrice();
  } catch {
    call.Finish_GetPrice();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a loop that cancels but never finishes",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  while (ready) {
    cancel.Cancel(0);
    ready = false;
  }
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 9", begin: "Begin_" },
          line: 5,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  while (ready) {
    cancel.Cancel(0);
    call.Finish_GetPrice();
    ready = false;
  }
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "do-while and for-of loops: a problem on many paths is reported once",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  do {
    for (const attempt of [1, 2, 3]) {
      if (attempt > 1) cancel.Cancel(0);
    }
  } while (!ready);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 10", begin: "Begin_" },
          line: 6,
          column: 24,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  do {
    for (const attempt of [1, 2, 3]) {
      if (attempt > 1) { cancel.Cancel(0); call.Finish_GetPrice(); }
    }
  } while (!ready);
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "short-circuit: || skips the finish when the left side is true: no repair, a Finish_ after the Cancel would run twice where the right side runs",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  ready || call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 7", begin: "Begin_" },
          line: 4,
          column: 3,
          suggestions: [],
        },
      ],
    },
    {
      name: "switch: the cancelling case breaks before the finishing case",
      code: `function quote(call: AsyncIStockQuote, mode: number) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  switch (mode) {
    case 1:
      cancel.Cancel(0);
      break;
    case 2:
      call.Finish_GetPrice();
      break;
  }
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 13", begin: "Begin_" },
          line: 6,
          column: 7,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, mode: number) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  switch (mode) {
    case 1:
      cancel.Cancel(0);
      call.Finish_GetPrice();
      break;
    case 2:
      call.Finish_GetPrice();
      break;
  }
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "labeled continue skips the finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  outer: for (const symbol of ["A", "B"]) {
    call.Begin_GetPrice(symbol);
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    for (const attempt of [1, 2]) {
      if (attempt === 2) {
        cancel.Cancel(0);
        cancel.Release();
        continue outer;
      }
    }
    cancel.Release();
    call.Finish_GetPrice();
  }
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 15", begin: "Begin_" },
          line: 7,
          column: 9,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  outer: for (const symbol of ["A", "B"]) {
    call.Begin_GetPrice(symbol);
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    for (const attempt of [1, 2]) {
      if (attempt === 2) {
        cancel.Cancel(0);
        cancel.Release();
        call.Finish_GetPrice();
        continue outer;
      }
    }
    cancel.Release();
    call.Finish_GetPrice();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "releasing the call object after cancel, without finish",
      code: `function stop(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "line 7, where call is released", begin: "Begin_" },
          line: 5,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function stop(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
  call.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an alias of the cancel pointer cancels the same call",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  const alias = cancel;
  alias.Cancel(0);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "alias.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 7", begin: "Begin_" },
          line: 5,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  const alias = cancel;
  alias.Cancel(0);
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
      name: "module-level code",
      code: `declare const call: AsyncIStockQuote;
call.Begin_GetPrice("MSFT");
const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
cancel.Release();
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the module at line 6", begin: "Begin_" },
          line: 4,
          column: 1,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `declare const call: AsyncIStockQuote;
call.Begin_GetPrice("MSFT");
const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
cancel.Release();
call.Finish_GetPrice();
`,
            },
          ],
        },
      ],
    },
    {
      name: "a nested function does not finish for its parent",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  function later() {
    call.Finish_GetPrice();
  }
  return later;
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the return at line 9", begin: "Begin_" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  function later() {
    call.Finish_GetPrice();
  }
  call.Finish_GetPrice();
  return later;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "raw HRESULT shape: the pointer in an out box",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const out = { value: null as ICancelMethodCalls | null };
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (hr < 0) {
    call.Finish_GetPrice();
    return;
  }
  out.value!.Cancel(0);
  out.value!.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "out.value!.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 11", begin: "Begin_" },
          line: 9,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const out = { value: null as ICancelMethodCalls | null };
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (hr < 0) {
    call.Finish_GetPrice();
    return;
  }
  out.value!.Cancel(0);
  call.Finish_GetPrice();
  out.value!.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "through a vtable dispatcher: the message names the Cancel as written and the Finish_ owed by its name (a bigint has no Finish_ method); the repair is the file's own Finish_ call",
      code: RAW_CANCEL(""),
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: 'vcall(cancel, ICANCELMETHODCALLS_CANCEL, ["u32"], [0])', call: "call", finish: "Finish_GETPRICE", finishCall: "Finish_GETPRICE", reached: "the return at line 15", begin: "Begin_" },
          line: 13,
          column: 3,
          suggestions: [{ messageId: "insertFinish", output: RAW_CANCEL("\n  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);") }],
        },
      ],
    },
    {
      name: "spec 4: the repair copies the out-arguments of the file's other Finish_GetPrice call (`priceBox`, a module constant in scope)",
      code: FINISH_WITH_BOX,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 11", begin: "Begin_" },
          line: 9,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: FINISH_WITH_BOX.replace("  cancel.Release();\n", "  cancel.Release();\n  call.Finish_GetPrice(priceBox);\n"),
            },
          ],
        },
      ],
    },
    {
      name: "spec 4: no repair copies an out-argument that is another function's parameter (`box` of `settle`): it would name nothing where it goes",
      code: FINISH_WITH_PARAMETER("call: AsyncIQuoteOut"),
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 10", begin: "Begin_" },
          line: 8,
          column: 3,
        },
      ],
    },
    {
      name: "spec 4: the repair copies an out-argument named like a variable of the function it goes into (its own `box`)",
      code: FINISH_WITH_PARAMETER("call: AsyncIQuoteOut, box: { value: number }"),
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 10", begin: "Begin_" },
          line: 8,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: FINISH_WITH_PARAMETER("call: AsyncIQuoteOut, box: { value: number }").replace("  cancel.Release();\n", "  cancel.Release();\n  call.Finish_GetPrice(box);\n"),
            },
          ],
        },
      ],
    },
  ],
};
