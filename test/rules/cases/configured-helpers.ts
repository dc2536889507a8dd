/**
 * Spec 2a, shape 10: options for what a summary cannot see (helpers of a package without source).
 * Acquire functions named by a member path (`gpu.makeTexture`), filling an out box at a given
 * argument (`com.createInstance(clsid, iid, out)`), or throwing on failure; release functions named
 * by a member path; QueryInterface-like methods whose IID and out box sit elsewhere
 * (`unk.queryInterface(out, iid)`, `com.QI(p, iid, out)`). Each has a case without the option too:
 * a helper without source is an escape, so the same code is silent until it is named.
 */
import type { InvalidCase, RuleCases, ValidCase } from "./types";

const TEXTURE = [
  {
    acquireFunctions: [{ name: "gpu.makeTexture", sourceArgument: -1, iidArgument: -1, failureValue: "throws" }],
    releaseFunctions: ["gpu.freeObject"],
  },
];
const CREATE_INSTANCE = [{ acquireFunctions: [{ name: "com.createInstance", sourceArgument: -1, iidArgument: 1, outArgument: 2 }] }];
const SWAPPED_QI = [{ queryInterfaceArguments: [{ method: "queryInterface", iidArgument: 1, outArgument: 0 }] }];
const TABLE_QI = [{ queryInterfaceArguments: [{ method: "QI", objectArgument: 0, iidArgument: 1, outArgument: 2 }] }];

const NATIVE = [
  {
    acquireFunctions: [
      { name: "native.mustCreate", sourceArgument: -1, iidArgument: 1, outArgument: 2, failureValue: "throws" },
      { name: "native.createInstance", sourceArgument: -1, iidArgument: 1, outArgument: 2 },
    ],
    releaseFunctions: ["native.release"],
  },
];
const BOX_FORMS = (early: string) => `import { ptr } from "bun:ffi";
import * as native from "native-com";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[]): number;
const IX_RUN = 3;
export function boxPtr(): void {
  const box = Buffer.alloc(8);
  native.mustCreate(CLSID_X, IID_IX, box.ptr);
  const x = box.readBigUInt64LE(0);
  vcall(x, IX_RUN, [], []);
  native.release(x);
}
export function ptrOfBox(flag: boolean): void {
  const box = Buffer.alloc(8);
  const hr = native.createInstance(CLSID_X, IID_IX, ptr(box));
  if (hr < 0) return;
  const x = box.readBigUInt64LE(0);
  vcall(x, IX_RUN, [], []);
${early}  native.release(x);
}
`;

const UPLOAD = (body: string) => `import * as gpu from "gpu-native";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[]): number;
const TEX_GET_DESC = 10;
export function upload(device: bigint, desc: Uint8Array, pixels: Uint8Array): boolean {
  const tex = gpu.makeTexture(device, desc);
${body}  vcall(tex, TEX_GET_DESC, [], [desc]);
  gpu.freeObject(tex);
  return true;
}
`;

const OPEN = (body: string) => `import * as com from "com-native";
export function open(path: string): number {
  const out: [IUnknown | null] = [null];
  const hr = com.createInstance(CLSID_ShellLink, IID_IShellLinkW, out);
  if (hr < 0) return hr;
  const link = out[0]!;
${body}  link.Release();
  return 0;
}
`;

const CANCEL_OF = (body: string) => `export function cancelOf(unk: IUnknown): number {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = unk.queryInterface(out, IID_ICancelMethodCalls);
  if (hr !== 0) return hr;
  const cancel = out[0]!;
  cancel.Cancel(0);
${body}  return 0;
}
`;

const STOP = (body: string) => `import * as com from "com-native";
export function stop(call: bigint): void {
  const out: [ICancelMethodCalls | null] = [null];
  if (com.QI(call, IID_ICancelMethodCalls, out) < 0) return;
  const cancel = out[0]!;
  cancel.Cancel(0);
${body}}
`;

const missingReleaseValid: ValidCase[] = [
  { name: "a qualified acquire function whose pointer a qualified release function releases on every path", code: UPLOAD(""), options: TEXTURE },
  { name: "without the options, a helper of a package without source is an escape: silent", code: UPLOAD("  if (pixels.length === 0) return false;\n") },
  { name: "an acquire function's out box, released after its HRESULT succeeded", code: OPEN(""), options: CREATE_INSTANCE },
  { name: "a QueryInterface method taking (out, iid), released", code: CANCEL_OF("  cancel.Release();\n"), options: SWAPPED_QI },
  { name: "without queryInterfaceArguments, (out, iid) is not read as a QueryInterface: silent", code: CANCEL_OF("") },
  { name: "a table QueryInterface taking (object, iid, out), released", code: STOP("  cancel.Release();\n"), options: TABLE_QI },
  { name: "configured out boxes passed as `box.ptr` and `ptr(box)` are the boxes themselves: both read pointers released", code: BOX_FORMS(""), options: NATIVE },
];

/** The missing-release error at `line:column`, with its data and the suggestions' outputs. */
function missing(pointer: string, acquirer: string, reached: string, release: string, line: number, column: number, suggestions: { messageId: string; output: string }[]) {
  return { messageId: "missingRelease", data: { pointer, acquirer, reached, release }, line, column, suggestions };
}

const missingReleaseInvalid: InvalidCase[] = [
  {
    name: "a configured out box passed as `ptr(box)`: the pointer read from the box leaks on a return, named after the acquiring call",
    code: BOX_FORMS("  if (flag) return;\n"),
    options: NATIVE,
    errors: [missing("x", "native.createInstance", "the return at line 18", "native.release(x)", 14, 14, [{ messageId: "insertReleaseAtExit", output: BOX_FORMS("  if (flag) { native.release(x); return; }\n") }])],
  },
  {
    name: "a qualified acquire function's pointer not released on an early return, in the file's qualified release form",
    code: UPLOAD("  if (pixels.length === 0) return false;\n"),
    options: TEXTURE,
    errors: [missing("tex", "gpu.makeTexture", "the return at line 6", "gpu.freeObject(tex)", 5, 15, [{ messageId: "insertReleaseAtExit", output: UPLOAD("  if (pixels.length === 0) { gpu.freeObject(tex); return false; }\n") }])],
  },
  {
    name: "an acquire function's out box, read after success and not released on a later return",
    code: OPEN('  if (path === "") return -1;\n'),
    options: CREATE_INSTANCE,
    errors: [missing("link", "com.createInstance", "the return at line 7", "link?.Release()", 4, 14, [{ messageId: "insertReleaseAtExit", output: OPEN('  if (path === "") { link?.Release(); return -1; }\n') }])],
  },
  {
    name: "a QueryInterface method taking (out, iid) whose pointer is never released",
    code: CANCEL_OF(""),
    options: SWAPPED_QI,
    errors: [missing("cancel", "queryInterface", "the return at line 7", "cancel?.Release()", 3, 14, [
          {
            messageId: "insertReleaseFinally",
            output: `export function cancelOf(unk: IUnknown): number {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = unk.queryInterface(out, IID_ICancelMethodCalls);
  if (hr !== 0) return hr;
  const cancel = out[0]!;
  try {
    cancel.Cancel(0);
    return 0;
  } finally {
    cancel?.Release();
  }
}
`,
          },
          { messageId: "insertReleaseAtExit", output: CANCEL_OF("  cancel?.Release();\n") },
        ])],
  },
  {
    name: "a table QueryInterface taking (object, iid, out) whose pointer is never released",
    code: STOP(""),
    options: TABLE_QI,
    errors: [missing("cancel", "QI", "the end of the function at line 7", "cancel?.Release()", 4, 7, [
          {
            messageId: "insertReleaseFinally",
            output: `import * as com from "com-native";
export function stop(call: bigint): void {
  const out: [ICancelMethodCalls | null] = [null];
  if (com.QI(call, IID_ICancelMethodCalls, out) < 0) return;
  const cancel = out[0]!;
  try {
    cancel.Cancel(0);
  } finally {
    cancel?.Release();
  }
}
`,
          },
          { messageId: "insertReleaseAtExit", output: STOP("  cancel?.Release();\n") },
        ])],
  },
];

const VIEW = `import { makeView } from "gpu-native";
export function view(device: bigint): void {
  const v = makeView(device, IID_ID3D11ShaderResourceView);
  v.SetName("x");
  v.Release();
}
`;

const SWAPPED_UNCHECKED = `export function cancelOf(unk: IUnknown): void {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = unk.queryInterface(out, IID_ICancelMethodCalls);
  const cancel = out[0]!;
  cancel.Cancel(0);
  cancel.Release();
}
`;

export const missingRelease: RuleCases = { valid: missingReleaseValid, invalid: missingReleaseInvalid };

export const uncheckedQueryInterface: RuleCases = {
  valid: [
    { name: "an acquire function that throws on failure hands out a pointer that needs no test", code: VIEW, options: [{ acquireFunctions: [{ name: "makeView", failureValue: "throws" }] }] },
    { name: "a QueryInterface method taking (out, iid) whose HRESULT is tested first", code: CANCEL_OF("  cancel.Release();\n"), options: SWAPPED_QI },
  ],
  invalid: [
    {
      name: "an acquire function that returns null on failure: its pointer used untested",
      code: VIEW,
      options: [{ acquireFunctions: [{ name: "makeView" }] }],
      errors: [{ messageId: "uncheckedQueryInterface", data: { pointer: "v", acquirer: "makeView", line: 3 }, line: 4, column: 3 }],
    },
    {
      name: "a QueryInterface method taking (out, iid): the box read without testing its HRESULT",
      code: SWAPPED_UNCHECKED,
      options: SWAPPED_QI,
      errors: [{ messageId: "uncheckedQueryInterface", line: 5, column: 3 }],
    },
  ],
};
