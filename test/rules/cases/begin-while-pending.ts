import type { RuleCases } from "./types";

/** A dispatcher taking the call object and a slot constant that names the method (spec 2a). */
const VTABLE_DECLARATIONS = `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number;
`;

/** A binding whose asynchronous methods are named BeginX/EndX (options `beginPrefix`, `finishPrefix`); `between` runs between two BeginGetPrice calls (line 3 and line 4 + its lines). */
const RENAMED_PREFIXES = (between: string) => `interface Quote { BeginGetPrice(s: string): void; EndGetPrice(): number; QueryInterface(iid: IID): IUnknown; Release(): number }
export function quote(call: Quote) {
  call.BeginGetPrice("MSFT");
${between}  call.BeginGetPrice("MSFT");
  return call.EndGetPrice();
}
`;
const BEGIN_END = [{ beginPrefix: "Begin", finishPrefix: "End" }];

/** Two calls begun on one call object, each finished later (`between` goes after the second Begin_): the price call's Finish_ comes too late. */
const FINISHED_TOO_LATE = (between: string, finishPrice = "  const price = call.Finish_GetPrice(box);\n") => `function quote(call: AsyncIStockQuote, symbol: string, box: unknown): number {
  call.Begin_GetPrice(symbol);
  call.Begin_GetVolume(symbol);
${between}${finishPrice}  const volume = call.Finish_GetVolume();
  return price * volume;
}
`;

/** The dispatcher's declarations with the volume slots too (lines 1-3). */
const VTABLE_VOLUME = `${VTABLE_DECLARATIONS}declare const ASYNCISTOCKQUOTE_BEGIN_GETVOLUME: number, ASYNCISTOCKQUOTE_FINISH_GETVOLUME: number;
`;

/** The price call begun again (for `b`) after the volume call: its later Finish_GetPrice is that second call's. */
const REBEGUN = `function quote(call: AsyncIStockQuote, a: string, b: string): number {
  call.Begin_GetPrice(a);
  call.Begin_GetVolume(a);
  const volume = call.Finish_GetVolume();
  call.Begin_GetPrice(b);
  const price = call.Finish_GetPrice();
  return price * volume;
}
`;

/** The pending call finished on the branch that begins nothing else. */
const OTHER_BRANCH = `function quote(call: AsyncIStockQuote, symbol: string, both: boolean): number {
  call.Begin_GetPrice(symbol);
  if (both) {
    call.Begin_GetVolume(symbol);
    return call.Finish_GetVolume();
  } else {
    return call.Finish_GetPrice();
  }
}
`;

export const cases: RuleCases = {
  valid: [
    {
      name: "begin, finish, begin again",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  call.Begin_GetVolume("MSFT");
  call.Finish_GetVolume();
}
`,
    },
    {
      name: "a received call object starts in an unknown state",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
}
`,
    },
    {
      name: "one begin per loop turn, finished each turn",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  for (const symbol of ["A", "B"]) {
    call.Begin_GetPrice(symbol);
    call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "begins on exclusive branches",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  if (ready) {
    call.Begin_GetPrice("MSFT");
  } else {
    call.Begin_GetVolume("MSFT");
  }
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "a failed Begin_ (raw HRESULT) starts nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const hr = call.Begin_GetPrice("MSFT") as unknown as HRESULT;
  if (FAILED(hr)) {
    call.Begin_GetPrice("MSFT");
  }
}
`,
    },
    {
      name: "a Begin_ that throws inside try starts nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  try {
    call.Begin_GetPrice("MSFT");
  } catch {
    call.Begin_GetPrice("MSFT");
  }
}
`,
    },
    {
      name: "finish in finally before the next begin",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  try {
    call.Begin_GetPrice("MSFT");
    if (ready) return;
  } finally {
    call.Finish_GetPrice();
  }
  call.Begin_GetVolume("MSFT");
}
`,
    },
    {
      name: "the call object escaped: its state is unknown",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  log(call);
  call.Begin_GetVolume("MSFT");
}
`,
    },
    {
      name: "two different call objects",
      code: `function quote(a: AsyncIStockQuote, b: AsyncIStockQuote) {
  a.Begin_GetPrice("MSFT");
  b.Begin_GetPrice("MSFT");
}
`,
    },
    {
      name: "a nested function has its own state",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  return () => {
    call.Begin_GetPrice("MSFT");
  };
}
`,
    },
    {
      name: "a type without a Finish_ pair is not a call object",
      mode: "typed",
      code: `function run(scheduler: Scheduler) {
  scheduler.Begin_Work();
  scheduler.Begin_Work();
}
`,
    },
    {
      name: "fire-and-forget: released, then a new call object",
      code: `function fire(factory: ICallFactory) {
  let call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Release();
  call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Release();
}
`,
    },
    {
      name: "a loop's const call of calls is a new call object each turn",
      code: `function all(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    call.Begin_GetPrice("MSFT");
  }
}
`,
    },
    {
      name: "re-assigning the variable makes it another call object",
      code: `function two(a: AsyncIStockQuote, b: AsyncIStockQuote) {
  let call = a;
  call.Begin_GetPrice("MSFT");
  call = b;
  call.Begin_GetPrice("IBM");
}
`,
    },
    {
      name: "&& short-circuit finishes only when begun",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const started = ready && (call.Begin_GetPrice("MSFT"), true);
  if (started) call.Finish_GetPrice();
}
`,
    },
    {
      name: "options (spec 2, names are options): with `beginPrefix: \"Begin\"` and `finishPrefix: \"End\"`, a call finished with EndGetPrice before the next BeginGetPrice is correct",
      code: RENAMED_PREFIXES("  call.EndGetPrice();\n"),
      options: BEGIN_END,
    },
    {
      name: "options (spec 2): with the default prefixes (Begin_/Finish_), BeginGetPrice is no protocol name: two in a row are not reported",
      code: RENAMED_PREFIXES(""),
    },
  ],
  invalid: [
    {
      name: "a pending call the function finishes itself, only after a second Begin_: the repair moves that Finish_ before the new Begin_ (a second Finish_ inserted there would fail)",
      code: FINISHED_TOO_LATE(""),
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 3,
          column: 3,
          suggestions: [
            {
              messageId: "moveFinish",
              data: { finish: "call.Finish_GetPrice(box)" },
              output: `function quote(call: AsyncIStockQuote, symbol: string, box: unknown): number {
  call.Begin_GetPrice(symbol);
  const price = call.Finish_GetPrice(box);
  call.Begin_GetVolume(symbol);
  const volume = call.Finish_GetVolume();
  return price * volume;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a pending call finished too late with an argument assigned after the new Begin_: no repair moves it (it would read the old value), none inserts a second Finish_",
      code: FINISHED_TOO_LATE("  box = {};\n"),
      errors: [{ messageId: "beginWhilePending", data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" }, line: 3, column: 3 }],
    },
    {
      name: "a pending call finished too late inside a branch: no repair moves it out of its block, none inserts a second Finish_",
      code: FINISHED_TOO_LATE("", "  let price = 0;\n  if (symbol) price = call.Finish_GetPrice(box);\n"),
      errors: [{ messageId: "beginWhilePending", data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" }, line: 3, column: 3 }],
    },
    {
      name: "a later Finish_ of the pending method that follows a Begin_ of it again is that call's own: the repair inserts the pending call's Finish_ before the new Begin_",
      code: REBEGUN,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 3,
          column: 3,
          suggestions: [{ messageId: "insertFinish", output: REBEGUN.replace("  call.Begin_GetVolume(a);\n", "  call.Finish_GetPrice();\n  call.Begin_GetVolume(a);\n") }],
        },
      ],
    },
    {
      name: "a Finish_ of the pending method on another branch than the new Begin_ does not run after it: the repair inserts the pending call's Finish_",
      code: OTHER_BRANCH,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 4,
          column: 5,
          suggestions: [{ messageId: "insertFinish", output: OTHER_BRANCH.replace("    call.Begin_GetVolume(symbol);\n", "    call.Finish_GetPrice();\n    call.Begin_GetVolume(symbol);\n") }],
        },
      ],
    },
    {
      name: "through a vtable dispatcher, a pending call finished too late: the repair moves the file's own Finish_ call before the new Begin_",
      code: `${VTABLE_VOLUME}function latest(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETVOLUME, [], []);
  const a = vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
  const b = vcall(call, ASYNCISTOCKQUOTE_FINISH_GETVOLUME, [], []);
  return a + b;
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: "moveFinish",
              output: `${VTABLE_VOLUME}function latest(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  const a = vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETVOLUME, [], []);
  const b = vcall(call, ASYNCISTOCKQUOTE_FINISH_GETVOLUME, [], []);
  return a + b;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a pending call finished too late, its out box written in between: no repair moves the Finish_ (the write would undo its result), none inserts a second one",
      code: `function quote(call: any, symbol: string): number {
  const out = [0];
  call.Begin_GetPrice(symbol);
  call.Begin_GetVolume(symbol);
  out[0] = -1;
  call.Finish_GetPrice(out);
  const price = out[0];
  return price + call.Finish_GetVolume();
}
`,
      errors: [{ messageId: "beginWhilePending", line: 4, column: 3 }],
    },
    {
      name: "a promise-shaped binding whose earlier Begin_'s promise is awaited later: the repair awaits it before the new Begin_, not a Finish_ method the binding has not got",
      code: `async function both(call: AsyncIStockQuote): Promise<number> {
  const pa = call.Begin_GetPrice("a");
  const pb = call.Begin_GetPrice("b");
  return (await pa) + (await pb);
}
`,
      errors: [{ messageId: "beginWhilePending", line: 3, suggestions: [{ messageId: "awaitPending", data: { promise: "pa" }, output: `async function both(call: AsyncIStockQuote): Promise<number> {
  const pa = call.Begin_GetPrice("a");
  await pa;
  const pb = call.Begin_GetPrice("b");
  return (await pa) + (await pb);
}
` }] }],
    },
    {
      name: "an alias of a received call object bound to another object keeps the call the alias began pending on the original",
      code: `function quote(call: AsyncIStockQuote) {
  let c = call;
  c.Begin_GetPrice("a");
  c = other();
  call.Begin_GetPrice("b");
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetPrice()", call: "call", pending: "Begin_GetPrice", line: "3", state: "still pending" },
          line: 5,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote) {
  let c = call;
  c.Begin_GetPrice("a");
  c = other();
  call.Finish_GetPrice();
  call.Begin_GetPrice("b");
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "through a dispatcher given the call object again in its arguments (koffi's `[call]`), the repair writes the object at every place",
      code: `${VTABLE_DECLARATIONS}function settle(c: bigint): void {
  vcall(c, ASYNCISTOCKQUOTE_FINISH_GETPRICE, ["void *"], [c]);
}
function latestPrice(call: bigint): void {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 8,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              data: { call: 'vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, ["void *"], [call])' },
              output: `${VTABLE_DECLARATIONS}function settle(c: bigint): void {
  vcall(c, ASYNCISTOCKQUOTE_FINISH_GETPRICE, ["void *"], [c]);
}
function latestPrice(call: bigint): void {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, ["void *"], [call]);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "through a dispatcher whose Finish_ call names a variable of its own function, no repair is offered (it would not be in scope)",
      code: `${VTABLE_DECLARATIONS}function settle(c: bigint): void {
  const out = [0n];
  vcall(c, ASYNCISTOCKQUOTE_FINISH_GETPRICE, ["void *"], [out]);
}
function latestPrice(call: bigint): void {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
}
`,
      errors: [{ messageId: "beginWhilePending", line: 9, column: 3, suggestions: [] }],
    },
    {
      name: "through a vtable dispatcher (`vcall(call, ..._BEGIN_GETPRICE, [], [])`), the repair writes the file's own Finish_ call for this call object, not a method it lacks",
      code: `${VTABLE_DECLARATIONS}function latestPrice(call: bigint): void {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], [])", call: "call", pending: "Begin_GETPRICE", line: "4", state: "still pending" },
          line: 5,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              data: { call: "vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], [])" },
              output: `${VTABLE_DECLARATIONS}function latestPrice(call: bigint): void {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "through a vtable dispatcher, a long Begin_ call is named in the message up to its slot (`vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, …)`); with no Finish_ the file writes through its vtable, no repair (a method call on a bigint would not run)",
      code: `${VTABLE_DECLARATIONS}function latestPrice(call: bigint): void {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, ["str"], ["MSFT"]);
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, ["str", "str"], ["IBM",
    "NYSE"]);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, …)", call: "call", pending: "Begin_GETPRICE", line: "4", state: "still pending" },
          line: 5,
          column: 3,
          suggestions: [],
        },
      ],
    },
    {
      name: "through a helper of the file whose Begin_ goes through the vtable (`beginPrice(call)`), the message shows the helper's call and no Finish_ method is offered on the bigint",
      code: `${VTABLE_DECLARATIONS}function beginPrice(call: bigint): number {
  return vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], []);
}
function latestPrice(call: bigint): void {
  beginPrice(call);
  beginPrice(call);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "beginPrice(call)", call: "call", pending: "Begin_GETPRICE", line: "7", state: "still pending" },
          line: 8,
          column: 3,
          suggestions: [],
        },
      ],
    },
    {
      name: "through a table of the object's functions called by their method names (`vt.Begin_GetPrice(call)`), the repair is the table's Finish_",
      code: `declare const vt: { Begin_GetPrice(p: bigint, s: string): number; Finish_GetPrice(p: bigint): number };
function latestPrice(call: bigint): void {
  vt.Begin_GetPrice(call, "MSFT");
  vt.Begin_GetPrice(call, "IBM");
}
function settle(call: bigint): void {
  vt.Finish_GetPrice(call);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `declare const vt: { Begin_GetPrice(p: bigint, s: string): number; Finish_GetPrice(p: bigint): number };
function latestPrice(call: bigint): void {
  vt.Begin_GetPrice(call, "MSFT");
  vt.Finish_GetPrice(call);
  vt.Begin_GetPrice(call, "IBM");
}
function settle(call: bigint): void {
  vt.Finish_GetPrice(call);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a call object passed on before this function begins: its own Begin_ calls still count",
      code: `function quote(call: AsyncIStockQuote) {
  log(call);
  call.Begin_GetPrice("MSFT");
  call.Begin_GetVolume("MSFT");
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "3", state: "still pending" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote) {
  log(call);
  call.Begin_GetPrice("MSFT");
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
      name: "a simple alias of a received call object is the same object",
      code: `function alias(a: AsyncIStockQuote) {
  const call = a;
  a.Begin_GetPrice("MSFT");
  call.Begin_GetVolume("MSFT");
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "a", pending: "Begin_GetPrice", line: "3", state: "still pending" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function alias(a: AsyncIStockQuote) {
  const call = a;
  a.Begin_GetPrice("MSFT");
  a.Finish_GetPrice();
  call.Begin_GetVolume("MSFT");
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "two begins in a row",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  call.Begin_GetVolume("MSFT");
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 3,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
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
      name: "begin again after cancel, without finish",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Begin_GetPrice("MSFT");
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetPrice()", call: "call", pending: "Begin_GetPrice", line: "2", state: "cancelled but not finished" },
          line: 6,
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
  call.Begin_GetPrice("MSFT");
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a loop begins every turn but never finishes: no repair, a Finish_ before the Begin_ would fail on the loop's first pass",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  for (const symbol of ["A", "B"]) {
    call.Begin_GetPrice(symbol);
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetPrice()", call: "call", pending: "Begin_GetPrice", line: "3 on the loop's previous pass", state: "still pending" },
          line: 3,
          column: 5,
          suggestions: [],
        },
      ],
    },
    {
      name: "a while loop finishes only sometimes: no repair, a Finish_ before the Begin_ would fail on the loop's first pass (nothing pending yet)",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  while (ready) {
    call.Begin_GetPrice("MSFT");
    if (Math.random() > 0.5) continue;
    call.Finish_GetPrice();
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetPrice()", call: "call", pending: "Begin_GetPrice", line: "3 on the loop's previous pass", state: "still pending" },
          line: 3,
          column: 5,
          suggestions: [],
        },
      ],
    },
    {
      name: "a branch that skips the finish: no repair, a Finish_ before the second Begin_ would run twice on the branch that finished",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  if (ready) {
    call.Finish_GetPrice();
  }
  call.Begin_GetVolume("MSFT");
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 6,
          column: 3,
          suggestions: [],
        },
      ],
    },
    {
      name: "this.call in a method",
      code: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  refresh() {
    this.call.Begin_GetPrice("MSFT");
    this.call.Begin_GetVolume("MSFT");
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "this.call.Begin_GetVolume()", call: "this.call", pending: "Begin_GetPrice", line: "4", state: "still pending" },
          line: 5,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  refresh() {
    this.call.Begin_GetPrice("MSFT");
    this.call.Finish_GetPrice();
    this.call.Begin_GetVolume("MSFT");
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a fresh call object from CreateCall",
      code: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Begin_GetPrice("IBM");
  call.Release();
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetPrice()", call: "call", pending: "Begin_GetPrice", line: "3", state: "still pending" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  call.Begin_GetPrice("IBM");
  call.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "?? and ?. do not hide a pending call",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call?.Begin_GetPrice("MSFT");
  const symbol = ready ?? "IBM";
  call?.Begin_GetVolume(String(symbol));
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call?.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call?.Begin_GetPrice("MSFT");
  const symbol = ready ?? "IBM";
  call.Finish_GetPrice();
  call?.Begin_GetVolume(String(symbol));
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "switch fall-through begins twice",
      code: `function quote(call: AsyncIStockQuote, mode: number) {
  switch (mode) {
    case 0:
      call.Begin_GetPrice("MSFT");
    case 1:
      call.Begin_GetVolume("MSFT");
      break;
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "4", state: "still pending" },
          line: 6,
          column: 7,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, mode: number) {
  switch (mode) {
    case 0:
      call.Begin_GetPrice("MSFT");
    case 1:
      call.Finish_GetPrice();
      call.Begin_GetVolume("MSFT");
      break;
  }
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
call.Begin_GetVolume("MSFT");
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 3,
          column: 1,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `declare const call: AsyncIStockQuote;
call.Begin_GetPrice("MSFT");
call.Finish_GetPrice();
call.Begin_GetVolume("MSFT");
`,
            },
          ],
        },
      ],
    },
    {
      name: "an IIFE begins while the caller's call is pending",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  (() => {
    call.Begin_GetVolume("MSFT");
  })();
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 4,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  (() => {
    call.Finish_GetPrice();
    call.Begin_GetVolume("MSFT");
  })();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a Begin_ that throws inside try with a pending call still reports on the normal path; no repair, since the handler's own Finish_ of the pending call would fail after one inserted before the Begin_",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  try {
    call.Begin_GetVolume("MSFT");
  } catch {
    call.Finish_GetPrice();
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetVolume()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 4,
          column: 5,
        },
      ],
    },
    {
      name: "options (spec 2, names are options): with `beginPrefix: \"Begin\"` and `finishPrefix: \"End\"`, two BeginGetPrice in a row are begin-while-pending, and the repair writes the renamed EndGetPrice",
      code: RENAMED_PREFIXES(""),
      options: BEGIN_END,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.BeginGetPrice()", call: "call", pending: "BeginGetPrice", line: "3", state: "still pending" },
          line: 4,
          column: 3,
          suggestions: [{ messageId: "insertFinish", output: RENAMED_PREFIXES("  call.EndGetPrice();\n") }],
        },
      ],
    },
    {
      name: "a receiver typed `any` is judged by names (spec 2: `any`, `unknown` or untyped): two begins in a row are reported",
      code: `function quote(call: any) {
  call.Begin_GetPrice("MSFT");
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          data: { begin: "call.Begin_GetPrice()", call: "call", pending: "Begin_GetPrice", line: "2", state: "still pending" },
          line: 3,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: any) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  call.Begin_GetPrice("MSFT");
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
