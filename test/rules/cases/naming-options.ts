/**
 * The naming options (eslint-plugin/src/options.ts; PROTOCOL.md section 2: "Names ... are options with the COM names
 * as defaults", IID spellings configurable) that had no rule case: each with a valid and an invalid case showing that
 * the option changes what a rule reports, against the default. By rule (run in ../naming-options.test.ts).
 *
 * Options whose effect is on untyped recognition (`iidPattern`, `iidHelpers`, `cancelInterfaces`: an IID argument
 * that does not look like one is COM only when the receiver's type says so) are shown on receivers typed `any`, which
 * typed mode judges by names as untyped mode does, so that those cases run in both modes.
 */
import type { RuleCases } from "./types";

// ---- cancelMethods ----------------------------------------------------------

/** A binding whose cancel method is `Abort` (option `cancelMethods: ["Abort"]`); `end` closes the function (the Abort is on line 5). */
const ABORTED = (end: string) => `interface ICancelAbort extends IUnknown { Abort(timeout: number): void }
export function stop(call: AsyncIStockQuote): void {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelAbort>(IID_ICancelMethodCalls);
  cancel.Abort(0);
  cancel.Release();
${end}}
`;

/** The ordinary binding's `Cancel` (line 4), `end` closing the function. */
const CANCELLED = (end: string) => `export function stop(call: AsyncIStockQuote): void {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
${end}}
`;

/** Raw FFI: the cancel interface's method reached through its slot constant `slot` (line 10); `end` before the return. */
const RAW_ABORTED = (slot: string, end: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number;
declare const IUNKNOWN_QUERYINTERFACE: number, IUNKNOWN_RELEASE: number, ${slot}: number;
declare const IID_ICancelMethodCalls: Uint8Array;
export function stop(call: bigint): number {
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, ["str"], ["MSFT"]);
  const out = new BigUint64Array(1);
  if (vcall(call, IUNKNOWN_QUERYINTERFACE, ["ptr", "ptr"], [IID_ICancelMethodCalls, out]) < 0) return -1;
  const cancel = out[0];
  vcall(cancel, ${slot}, ["u32"], [0]);
  vcall(cancel, IUNKNOWN_RELEASE, [], []);
${end}  return 0;
}
`;

const ABORT = [{ cancelMethods: ["Abort"] }];

// ---- cancelInterfaces -------------------------------------------------------

/** A call object typed `any` whose cancel interface is queried with `iid` (line 4) and cancelled (line 5), never finished. */
const CANCEL_BY_IID = (iid: string) => `declare const CancelCallsIid: IID;
export function stop(call: any): void {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface(${iid});
  cancel.Cancel(0);
  cancel.Release();
}
`;

const CANCEL_IID = [{ cancelInterfaces: ["CancelCallsIid"] }];
/** IIDs spelled `GUID_...`: `IID_ICancelMethodCalls` no longer matches the pattern, only the cancel-interface names can make it COM. */
const GUID_PATTERN = "^GUID_\\w+$";

// ---- addRefMethods ----------------------------------------------------------

/** A pointer on which `reference` is called (line 4) before it is returned from (never released). */
const REFERENCED = (reference: string) => `interface IRetained extends IUnknown { Retain(): number; GetName(): string }
export function nameOf(obj: IUnknown): string {
  const named = obj.QueryInterface<IRetained>(IID_IStockQuote);
  named.${reference}();
  return named.GetName();
}
`;

const RETAIN = [{ addRefMethods: ["Retain"] }];

/** missing-release of REFERENCED(reference): the pointer of line 3 leaks at the return, released in a \`finally\` by the repair. */
const leakAfterReference = (reference: string) => ({
  messageId: "missingRelease",
  data: { pointer: "named", acquirer: "QueryInterface", reached: "the return at line 5", release: "named.Release()" },
  line: 3,
  column: 17,
  suggestions: [
    {
      messageId: "insertReleaseFinally",
      output: REFERENCED(reference).replace(`  named.${reference}();\n  return named.GetName();\n`, `  try {\n    named.${reference}();\n    return named.GetName();\n  } finally {\n    named.Release();\n  }\n`),
    },
  ],
});

// ---- createCallMethods ------------------------------------------------------

/** A call factory whose method `make` makes the call object (line 3); `end` before the return. */
const MADE_CALL = (make: string, end: string) => `interface ICallMaker extends IUnknown { NewCall<T extends IUnknown>(iid: IID, outer: IUnknown | null): T; CreateCall<T extends IUnknown>(iid: IID, outer: IUnknown | null): T }
export function price(factory: ICallMaker): number {
  const call = factory.${make}<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  const price = call.Finish_GetPrice();
${end}  return price;
}
`;

/** A call object `make` makes, finished (line 5) before any Begin_, released in `finally`. */
const FRESH_CALL = (make: string) => `interface ICallMaker extends IUnknown { NewCall<T extends IUnknown>(iid: IID, outer: IUnknown | null): T; CreateCall<T extends IUnknown>(iid: IID, outer: IUnknown | null): T }
export function price(factory: ICallMaker): number {
  const call = factory.${make}<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  try {
    return call.Finish_GetPrice();
  } finally {
    call.Release();
  }
}
`;

const NEW_CALL = [{ createCallMethods: ["NewCall"] }];

// ---- iidPattern, iidHelpers -------------------------------------------------

/** A receiver typed `any` queried with `iid` (on the line after the function's, which follows the declarations `decl`), the pointer never released. */
const QUERIED = (decl: string, iid: string) => `${decl}export function nameOf(obj: any): string {
  const named = obj.QueryInterface(${iid});
  return named.GetName();
}
`;

const GUID_DECL = "declare const GUID_StockQuote: IID;\n";
const GUID_OF_DECL = "declare function guidOf(type: unknown): IID;\ndeclare const IStockQuote: unknown;\n";
const UUIDOF_DECL = "declare function __uuidof(type: unknown): IID;\ndeclare const IStockQuote: unknown;\n";

/** QUERIED as missing-release's repair leaves it: the return inside a `try` whose `finally` releases `named`. */
const releasedNamed = (code: string) => code.replace("  return named.GetName();\n", "  try {\n    return named.GetName();\n  } finally {\n    named.Release();\n  }\n");

const GUIDS = [{ iidPattern: GUID_PATTERN }];
const GUID_OF = [{ iidHelpers: ["guidOf"] }];

// ---- failedFunctions, succeededFunctions, successConstants --------------------

/** A project's own HRESULT tests, declared on lines 1-4 (so the function's lines are 5 on). */
const HR_DECL = `declare function HR_FAILED(hr: HRESULT): boolean;
declare function HR_SUCCEEDED(hr: HRESULT): boolean;
declare function IsBad(hr: HRESULT): boolean;
declare const HR_OK: HRESULT;
`;

/** A raw QueryInterface (line 7) whose `failure` test returns (line 8), the pointer then used and released. */
const RETURN_ON = (failure: string) => `${HR_DECL}export function stop(call: AsyncIStockQuote): void {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (${failure}) return;
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`;

/** A raw QueryInterface (line 7) whose pointer is used and released only when `success` holds (line 8). */
const GUARDED_BY = (success: string) => `${HR_DECL}export function stop(call: AsyncIStockQuote): void {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (${success}) {
    out[0]!.Cancel(0);
    out[0]!.Release();
  }
}
`;

/** The early return of RETURN_ON as missing-release repairs it (the pointer released there). */
const releasedAtReturn = (failure: string) => RETURN_ON(failure).replace(`  if (${failure}) return;\n`, `  if (${failure}) { out[0]?.Release(); return; }\n`);

const HR_FAILED_OPTION = [{ failedFunctions: ["HR_FAILED"] }];
const HR_SUCCEEDED_OPTION = [{ succeededFunctions: ["HR_SUCCEEDED"] }];
const HR_OK_OPTION = [{ successConstants: ["HR_OK"] }];

/** missing-release of RETURN_ON(failure): the pointer of line 7 leaks at the early return of line 8, released there by the repair. */
const leakAtFailureReturn = (failure: string) => ({
  messageId: "missingRelease",
  data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the return at line 8", release: "out[0]?.Release()" },
  line: 7,
  column: 14,
  suggestions: [{ messageId: "insertReleaseAtExit", output: releasedAtReturn(failure) }],
});

/** missing-release of GUARDED_BY(success): the pointer of line 7 leaks where the guard is false, at the function's end; no repair. */
const LEAK_PAST_GUARD = {
  messageId: "missingRelease",
  data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the end of the function at line 12", release: "out[0]?.Release()" },
  line: 7,
  column: 14,
  suggestions: [],
};

export const cancelWithoutFinish: RuleCases = {
  valid: [
    {
      name: "option `cancelMethods: [\"Abort\"]`: an Abort through the cancel interface, then the call finished: correct",
      code: ABORTED("  call.Finish_GetPrice();\n"),
      options: ABORT,
    },
    {
      name: "option `cancelMethods: [\"Abort\"]`: the default name `Cancel` is then no cancel: a Cancel not followed by a Finish_ is not reported",
      code: CANCELLED(""),
      options: ABORT,
    },
    {
      name: "default `cancelMethods` (Cancel): an `Abort` method is no cancel: not reported",
      code: ABORTED(""),
    },
    {
      name: "option `cancelMethods: [\"Abort\"]`, raw FFI: an Abort through its slot (`ICANCELMETHODCALLS_ABORT`), then the call finished through its slot: correct",
      code: RAW_ABORTED("ICANCELMETHODCALLS_ABORT", "  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n"),
      options: ABORT,
    },
    {
      name: "default `cancelMethods`, raw FFI: the slot `ICANCELMETHODCALLS_ABORT` names no cancel: not reported",
      code: RAW_ABORTED("ICANCELMETHODCALLS_ABORT", ""),
    },
    {
      name: "default `cancelInterfaces`: a QueryInterface on an `any` receiver with an IID named `CancelCallsIid` (no IID spelling) is not COM: its Cancel is not reported",
      code: CANCEL_BY_IID("CancelCallsIid"),
    },
    {
      name: "option `cancelInterfaces: [\"CancelCallsIid\"]` with IIDs spelled `GUID_...`: `IID_ICancelMethodCalls` is then neither an IID nor the cancel interface: not reported",
      code: CANCEL_BY_IID("IID_ICancelMethodCalls"),
      options: [{ cancelInterfaces: ["CancelCallsIid"], iidPattern: GUID_PATTERN }],
    },
  ],
  invalid: [
    {
      name: "option `cancelMethods: [\"Abort\"]`: `cancel.Abort(0)` cancels the pending call; no Finish_ after it is reported, and the repair writes the Finish_",
      code: ABORTED(""),
      options: ABORT,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Abort()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 7", begin: "Begin_" },
          line: 5,
          column: 3,
          suggestions: [{ messageId: "insertFinish", data: { call: "call.Finish_GetPrice()" }, output: ABORTED("  call.Finish_GetPrice();\n") }],
        },
      ],
    },
    {
      name: "option `cancelMethods: [\"Abort\"]`, raw FFI: the slot `ICANCELMETHODCALLS_ABORT` cancels; no Finish_ before the return is reported",
      code: RAW_ABORTED("ICANCELMETHODCALLS_ABORT", ""),
      options: ABORT,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: 'vcall(cancel, ICANCELMETHODCALLS_ABORT, ["u32"], [0])', call: "call", finish: "Finish_GETPRICE", finishCall: "Finish_GETPRICE", reached: "the return at line 12", begin: "Begin_" },
          line: 10,
          column: 3,
          suggestions: [],
        },
      ],
    },
    {
      name: "option `cancelInterfaces: [\"CancelCallsIid\"]`: a QueryInterface on an `any` receiver with `CancelCallsIid` is the cancel interface's: its Cancel without a Finish_ is reported",
      code: CANCEL_BY_IID("CancelCallsIid"),
      options: CANCEL_IID,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 7", begin: "Begin_" },
          line: 5,
          column: 3,
          suggestions: [{ messageId: "insertFinish", data: { call: "call.Finish_GetPrice()" }, output: CANCEL_BY_IID("CancelCallsIid").replace("  cancel.Release();\n", "  cancel.Release();\n  call.Finish_GetPrice();\n") }],
        },
      ],
    },
    {
      name: "default `cancelInterfaces` with IIDs spelled `GUID_...`: `IID_ICancelMethodCalls` is still the cancel interface by name: its Cancel without a Finish_ is reported",
      code: CANCEL_BY_IID("IID_ICancelMethodCalls"),
      options: [{ iidPattern: GUID_PATTERN }],
      errors: [
        {
          messageId: "cancelWithoutFinish",
          data: { cancel: "cancel.Cancel()", call: "call", finish: "Finish_GetPrice", finishCall: "call.Finish_GetPrice()", reached: "the end of the function at line 7", begin: "Begin_" },
          line: 5,
          column: 3,
          suggestions: [{ messageId: "insertFinish", data: { call: "call.Finish_GetPrice()" }, output: CANCEL_BY_IID("IID_ICancelMethodCalls").replace("  cancel.Release();\n", "  cancel.Release();\n  call.Finish_GetPrice();\n") }],
        },
      ],
    },
  ],
};

export const finishWithoutBegin: RuleCases = {
  valid: [
    {
      name: "default `createCallMethods` (CreateCall): a call object from `NewCall` is received in an unknown state: its Finish_ is not reported",
      code: FRESH_CALL("NewCall"),
    },
    {
      name: "option `createCallMethods: [\"NewCall\"]`: `CreateCall` then makes no fresh call object: its Finish_ is not reported",
      code: FRESH_CALL("CreateCall"),
      options: NEW_CALL,
    },
  ],
  invalid: [
    {
      name: "option `createCallMethods: [\"NewCall\"]`: a call object from `NewCall` is fresh: a Finish_ before any Begin_ is reported",
      code: FRESH_CALL("NewCall"),
      options: NEW_CALL,
      errors: [{ messageId: "finishWithoutBegin", data: { finish: "call.Finish_GetPrice()", call: "call", why: "no call was begun on this call object" }, line: 5, column: 12, suggestions: [] }],
    },
  ],
};

export const missingRelease: RuleCases = {
  valid: [
    {
      name: "option `addRefMethods: [\"Retain\"]`: a pointer `Retain`ed is no longer tracked (as after AddRef): not reported",
      code: REFERENCED("Retain"),
      options: RETAIN,
    },
    {
      name: "default `addRefMethods` (AddRef): a pointer AddRef'd is no longer tracked: not reported",
      code: REFERENCED("AddRef"),
    },
    {
      name: "option `createCallMethods: [\"NewCall\"]`: a call object from `NewCall` released after its Finish_",
      code: MADE_CALL("NewCall", "  call.Release();\n"),
      options: NEW_CALL,
    },
    {
      name: "default `createCallMethods` (CreateCall): `NewCall` acquires nothing: its call object never released is not reported",
      code: MADE_CALL("NewCall", ""),
    },
    {
      name: "option `createCallMethods: [\"NewCall\"]`: `CreateCall` then acquires nothing: not reported",
      code: MADE_CALL("CreateCall", ""),
      options: NEW_CALL,
    },
    {
      name: "default `iidPattern`: a QueryInterface on an `any` receiver with `GUID_StockQuote` (no IID spelling) is not COM: not reported",
      code: QUERIED(GUID_DECL, "GUID_StockQuote"),
    },
    {
      name: "option `iidPattern: \"^GUID_\\\\w+$\"`: `IID_IStockQuote` is then no IID spelling: a QueryInterface on an `any` receiver with it is not COM",
      code: QUERIED("", "IID_IStockQuote"),
      options: GUIDS,
    },
    {
      name: "default `iidHelpers`: `guidOf(IStockQuote)` is no IID helper: a QueryInterface on an `any` receiver with it is not COM",
      code: QUERIED(GUID_OF_DECL, "guidOf(IStockQuote)"),
    },
    {
      name: "option `iidHelpers: [\"guidOf\"]`: `__uuidof` is then no IID helper: a QueryInterface on an `any` receiver with `__uuidof(IStockQuote)` is not COM",
      code: QUERIED(UUIDOF_DECL, "__uuidof(IStockQuote)"),
      options: GUID_OF,
    },
    {
      name: "option `failedFunctions: [\"HR_FAILED\"]`: `if (HR_FAILED(hr)) return` is a failure branch, which owns nothing",
      code: RETURN_ON("HR_FAILED(hr)"),
      options: HR_FAILED_OPTION,
    },
    {
      name: "option `succeededFunctions: [\"HR_SUCCEEDED\"]`: the pointer is owned only where `HR_SUCCEEDED(hr)` holds, and released there",
      code: GUARDED_BY("HR_SUCCEEDED(hr)"),
      options: HR_SUCCEEDED_OPTION,
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: `if (hr !== HR_OK) return` is a failure branch, which owns nothing",
      code: RETURN_ON("hr !== HR_OK"),
      options: HR_OK_OPTION,
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: the pointer is owned only where `hr === HR_OK`, and released there",
      code: GUARDED_BY("hr === HR_OK"),
      options: HR_OK_OPTION,
    },
  ],
  invalid: [
    {
      name: "option `addRefMethods: [\"Retain\"]`: `AddRef` is then an ordinary method: the pointer stays tracked and its missing Release is reported",
      code: REFERENCED("AddRef"),
      options: RETAIN,
      errors: [leakAfterReference("AddRef")],
    },
    {
      name: "default `addRefMethods` (AddRef): `Retain` is an ordinary method: the pointer's missing Release is reported",
      code: REFERENCED("Retain"),
      errors: [leakAfterReference("Retain")],
    },
    {
      name: "option `createCallMethods: [\"NewCall\"]`: `NewCall` makes a call object this function owns: never released, reported with both repairs",
      code: MADE_CALL("NewCall", ""),
      options: NEW_CALL,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "call", acquirer: "NewCall", reached: "the return at line 6", release: "call.Release()" },
          line: 3,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: MADE_CALL("NewCall", "").replace(
                '  call.Begin_GetPrice("MSFT");\n  const price = call.Finish_GetPrice();\n  return price;\n',
                '  try {\n    call.Begin_GetPrice("MSFT");\n    const price = call.Finish_GetPrice();\n    return price;\n  } finally {\n    call.Release();\n  }\n',
              ),
            },
            { messageId: "insertReleaseAtExit", output: MADE_CALL("NewCall", "  call.Release();\n") },
          ],
        },
      ],
    },
    {
      name: "option `iidPattern: \"^GUID_\\\\w+$\"`: `GUID_StockQuote` is an IID spelling: a QueryInterface on an `any` receiver with it acquires, and the leak is reported",
      code: QUERIED(GUID_DECL, "GUID_StockQuote"),
      options: GUIDS,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "named", acquirer: "QueryInterface", reached: "the return at line 4", release: "named.Release()" },
          line: 3,
          column: 17,
          suggestions: [{ messageId: "insertReleaseFinally", output: releasedNamed(QUERIED(GUID_DECL, "GUID_StockQuote")) }],
        },
      ],
    },
    {
      name: "option `iidHelpers: [\"guidOf\"]`: `guidOf(IStockQuote)` is an IID: a QueryInterface on an `any` receiver with it acquires, and the leak is reported",
      code: QUERIED(GUID_OF_DECL, "guidOf(IStockQuote)"),
      options: GUID_OF,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "named", acquirer: "QueryInterface", reached: "the return at line 5", release: "named.Release()" },
          line: 4,
          column: 17,
          suggestions: [{ messageId: "insertReleaseFinally", output: releasedNamed(QUERIED(GUID_OF_DECL, "guidOf(IStockQuote)")) }],
        },
      ],
    },
    {
      name: "default `failedFunctions` (FAILED): `HR_FAILED(hr)` is no failure test: the early return may own the pointer, reported",
      code: RETURN_ON("HR_FAILED(hr)"),
      errors: [leakAtFailureReturn("HR_FAILED(hr)")],
    },
    {
      name: "option `failedFunctions: [\"HR_FAILED\"]`: `FAILED` is then no failure test: the early return may own the pointer, reported",
      code: RETURN_ON("FAILED(hr)"),
      options: HR_FAILED_OPTION,
      errors: [leakAtFailureReturn("FAILED(hr)")],
    },
    {
      name: "default `succeededFunctions` (SUCCEEDED): `HR_SUCCEEDED(hr)` is no success test: the pointer may be owned where it is false, reported",
      code: GUARDED_BY("HR_SUCCEEDED(hr)"),
      errors: [LEAK_PAST_GUARD],
    },
    {
      name: "option `succeededFunctions: [\"HR_SUCCEEDED\"]`: `SUCCEEDED` is then no success test: the pointer may be owned where it is false, reported",
      code: GUARDED_BY("SUCCEEDED(hr)"),
      options: HR_SUCCEEDED_OPTION,
      errors: [LEAK_PAST_GUARD],
    },
    {
      name: "default `successConstants`: `hr !== HR_OK` says nothing of success: the early return may own the pointer, reported",
      code: RETURN_ON("hr !== HR_OK"),
      errors: [leakAtFailureReturn("hr !== HR_OK")],
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: `S_OK` is then no success constant: after `if (hr !== S_OK) return` the early return may own the pointer, reported",
      code: RETURN_ON("hr !== S_OK"),
      options: HR_OK_OPTION,
      errors: [leakAtFailureReturn("hr !== S_OK")],
    },
    {
      name: "default `successConstants`: `hr === HR_OK` says nothing of success: the pointer may be owned where it is false, reported",
      code: GUARDED_BY("hr === HR_OK"),
      errors: [LEAK_PAST_GUARD],
    },
  ],
};

export const uncheckedQueryInterface: RuleCases = {
  valid: [
    {
      name: "option `failedFunctions: [\"IsBad\"]`: `if (IsBad(hr)) return` checks the HRESULT",
      code: RETURN_ON("IsBad(hr)"),
      options: [{ failedFunctions: ["IsBad"] }],
    },
    {
      name: "option `succeededFunctions: [\"IsGood\"]`: `if (IsGood(hr))` guards the use",
      code: `declare function IsGood(hr: HRESULT): boolean;\n${GUARDED_BY("IsGood(hr)")}`,
      options: [{ succeededFunctions: ["IsGood"] }],
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: `if (hr !== HR_OK) return` checks the HRESULT",
      code: RETURN_ON("hr !== HR_OK"),
      options: HR_OK_OPTION,
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: `if (hr === HR_OK)` guards the use",
      code: GUARDED_BY("hr === HR_OK"),
      options: HR_OK_OPTION,
    },
  ],
  invalid: [
    {
      name: "default `failedFunctions` (FAILED): `IsBad(hr)` (a name no check helper has) checks nothing: the use is unchecked",
      code: RETURN_ON("IsBad(hr)"),
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "7" }, line: 9, column: 3, suggestions: [] }],
    },
    {
      name: "default `succeededFunctions` (SUCCEEDED): `if (IsGood(hr))` guards nothing: the use is unchecked",
      code: `declare function IsGood(hr: HRESULT): boolean;\n${GUARDED_BY("IsGood(hr)")}`,
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "8" }, line: 10, column: 5, suggestions: [] }],
    },
    {
      name: "default `successConstants`: `if (hr !== HR_OK) return` checks nothing: the use is unchecked",
      code: RETURN_ON("hr !== HR_OK"),
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "7" }, line: 9, column: 3, suggestions: [] }],
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: `S_OK` is then no success constant: `if (hr !== S_OK) return` checks nothing",
      code: RETURN_ON("hr !== S_OK"),
      options: HR_OK_OPTION,
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "7" }, line: 9, column: 3, suggestions: [] }],
    },
    {
      name: "option `successConstants: [\"HR_OK\"]`: `if (hr === S_OK)` then guards nothing: the use is unchecked",
      code: GUARDED_BY("hr === S_OK"),
      options: HR_OK_OPTION,
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "out[0]", acquirer: "QueryInterface", line: "7" }, line: 9, column: 5, suggestions: [] }],
    },
  ],
};
