/**
 * koffi code that copies an object's vtable into a struct of function pointers (`readVtbl(dev, DeviceVtbl)`) and
 * calls its fields with `koffi.call(vtbl.Release, R_t, dev)` (spec 2a shape 6, a vtable table's function given the
 * object): the field's name is the method. Its helper copies memory with `memcpy` that koffi declared
 * (`msvcrt.func('void * memcpy(...)')`): native code, which keeps nothing it is given.
 */
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

/**
 * A koffi dispatcher given each method's prototype after its slot (`vcall(uia, V.GetFocusedElement, P_GetFocusedElement, e)`)
 * in a file that releases nothing yet: a repair calls it with the slot of the file's slot table (`V.Release`) and the
 * file's Release prototype (`P_Release`), not with the prototype as a slot.
 */
const FOCUSED = (end: string) => `const koffi = require("koffi");
const P_Release = koffi.proto("long Release(void *self)");
const P_GetFocusedElement = koffi.proto("long GetFocusedElement(void *self, _Out_ void **el)");
const P_GetName = koffi.proto("long get_CurrentName(void *self, _Out_ void **bstr)");
const V = { Release: 2, GetFocusedElement: 8, GetName: 23 };
function vcall(iface, idx, proto, ...args) {
  const vtbl = koffi.decode(iface, "void *");
  return koffi.call(koffi.decode(vtbl, idx * 8, "void *"), proto, iface, ...args);
}
function focusedName(uia) {
  const e = [null];
  if (vcall(uia, V.GetFocusedElement, P_GetFocusedElement, e) !== 0 || !e[0]) return null;
  const el = e[0];
  const b = [null];
  vcall(el, V.GetName, P_GetName, b);
${end}  return b[0];
}
module.exports = { focusedName };
`;

/** `body` is the rest of a function that created `dev` and read its vtable into `vtbl`. */
const DEVICE = (body: string) => `const koffi = require("koffi");
const ole32 = koffi.load("ole32.dll");
const msvcrt = koffi.load("msvcrt.dll");
const CoCreate = ole32.func("long __stdcall CoCreateInstance(void*, void*, unsigned long, void*, _Out_ void**)");
const memcpy = msvcrt.func("void * memcpy(_Out_ void*, const void*, unsigned long long)");
const R_t = koffi.proto("unsigned long __stdcall R(void*)");
const GC_t = koffi.proto("long __stdcall GC(void*, _Out_ void*)");
const DeviceVtbl = koffi.struct("DeviceVtbl", { QI: "void *", AR: koffi.pointer(R_t), Release: koffi.pointer(R_t), GetCount: koffi.pointer(GC_t) });
function readVtbl(objPtr, VtblType) {
  const holder = {};
  memcpy(koffi.as(holder, "VoidPtrHolder *"), objPtr, 8);
  const vtbl = {};
  memcpy(koffi.as(vtbl, koffi.pointer(VtblType)), holder.ptr, koffi.sizeof(VtblType));
  return vtbl;
}
function count(clsid, iid) {
  const out = [null];
  if (CoCreate(clsid, null, 1, iid, out) !== 0) return -1;
  const dev = out[0];
  const dVtbl = readVtbl(dev, DeviceVtbl);
  const n = [0];
${body}}
module.exports = { count };
`;

export const missingRelease: RuleCases = {
  valid: [
    { name: "a koffi dispatcher's Release with the file's slot table and Release prototype", code: FOCUSED("  vcall(el, V.Release, P_Release);\n") },{ name: "koffi.call(dVtbl.Release, R_t, dev) releases dev", code: DEVICE("  koffi.call(dVtbl.GetCount, GC_t, dev, n);\n  koffi.call(dVtbl.Release, R_t, dev);\n  return n[0];\n") }],
  invalid: [
    leakCase(
      "a koffi dispatcher given prototypes: the repair passes the slot table's V.Release and the Release prototype P_Release",
      FOCUSED,
      { pointer: "el", acquirer: "V.GetFocusedElement", reached: "the return at line 16" },
      [12, 7],
      "vcall(el, V.Release, P_Release)",
      "  const b = [null];\n  vcall(el, V.GetName, P_GetName, b);\n  return b[0];\n",
    ),
    {
      name: "an object whose vtable struct is only used (koffi.call(dVtbl.GetCount, GC_t, dev, n)) and never released; the Release of its own struct is no form for a repair",
      code: DEVICE("  koffi.call(dVtbl.GetCount, GC_t, dev, n);\n  return n[0];\n"),
      errors: [{ messageId: "missingRelease", line: 18, column: 7 }],
    },
  ],
};

export const useAfterRelease: RuleCases = {
  valid: [{ name: "the vtable struct's GetCount before its Release", code: DEVICE("  koffi.call(dVtbl.GetCount, GC_t, dev, n);\n  koffi.call(dVtbl.Release, R_t, dev);\n  return n[0];\n") }],
  invalid: [
    {
      name: "the vtable struct's GetCount after its Release",
      code: DEVICE("  koffi.call(dVtbl.Release, R_t, dev);\n  koffi.call(dVtbl.GetCount, GC_t, dev, n);\n  return n[0];\n"),
      errors: [{ messageId: "useAfterRelease", line: 23, column: 3 }],
    },
  ],
};
