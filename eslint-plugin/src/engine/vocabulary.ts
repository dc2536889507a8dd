/**
 * The COM vocabulary of one analysis: every name, pattern and piece of text
 * the engine and the rules use, built once from the naming options. This is
 * the only reader of `NamingOptions`; nothing else spells `Release` or
 * `Begin_`, so a binding that says `Dispose` or `Start_` is understood, and
 * written back, in its own words.
 */
import type { AcquireFunction, NamingOptions, QueryInterfaceArguments } from "../options";
import { namingKey } from "../options";
import { CREATING_EXPORT_NAMES } from "./creating-calls";

/** A name as a literal piece of a regular expression. */
const SPACE = /\s/;
const IDENTIFIER_PART = /[\w$]/;
const IDENTIFIER_START = /[A-Za-z_$]/;

/** A method name as a function of the code's own spells it (`Release` -> `release`, `QueryInterface` -> `queryInterface`). */
function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The methods IUnknown puts first in every vtable, by slot. */
export type IUnknownMethod = "queryInterface" | "addRef" | "release";
const IUNKNOWN_SLOTS: readonly IUnknownMethod[] = ["queryInterface", "addRef", "release"];

/** Vocabularies by naming options (`namingKey`): a lint builds one per file otherwise, with its patterns. */
const vocabularies = new Map<string, Vocabulary>();

/**
 * The vocabulary of these naming options, shared by every analysis with the same options (it holds no state
 * of a file: its memoised patterns are not global, so they keep no position between tests).
 */
export function vocabularyFor(naming: NamingOptions): Vocabulary {
  const key = namingKey(naming);
  let vocabulary = vocabularies.get(key);
  if (!vocabulary) {
    // A host that changes options per file (inline configuration) keeps a few; never an unbounded set.
    if (vocabularies.size >= 32) vocabularies.clear();
    vocabularies.set(key, (vocabulary = new Vocabulary(naming)));
  }
  return vocabulary;
}

/** Words a slot constant may end with after its method's name (`..._RELEASE_VTABLE_INDEX`); not `_OFFSET`, the name of an address lookup's byte offset (`readVtableMethod(p, RELEASE_OFFSET)`). */
const SLOT_NOUNS = new Set(["index", "idx", "slot", "vtable", "vtbl", "vt"]);

export class Vocabulary {
  readonly beginPrefix: string;
  readonly finishPrefix: string;
  readonly iidPattern: RegExp;
  private readonly queryInterface: Set<string>;
  /** QueryInterface methods whose IID and out box sit elsewhere than `(iid, out)`, by method name. */
  private readonly queryInterfaceSignatures: Map<string, QueryInterfaceArguments>;
  /** Every QueryInterface method's name: `queryInterfaceMethods`, then those `queryInterfaceArguments` adds. */
  private readonly queryInterfaceNames: string[];
  private readonly createCall: Set<string>;
  private readonly release: Set<string>;
  /** The Release methods with a lower-case first letter, as a wrapper object's method or the code's own function spells them. */
  private readonly releaseLowerFirst: Set<string>;
  private readonly addRef: Set<string>;
  private readonly cancel: Set<string>;
  private readonly cancelInterfaces: Set<string>;
  private readonly iidHelpers: Set<string>;
  private readonly releaseFunctions: Set<string>;
  private readonly acquireFunctions: Map<string, AcquireFunction>;
  private readonly failed: Set<string>;
  private readonly succeeded: Set<string>;
  private readonly successConstants: Set<string>;
  private readonly xpcomRoots: Set<string>;
  /** Lower-cased method names by role, for slot constants (`IUNKNOWN_RELEASE`, `SLOT.release`). */
  private readonly slotWords: Map<string, IUnknownMethod | "cancel" | "createCall">;

  constructor(readonly naming: NamingOptions) {
    this.beginPrefix = naming.beginPrefix;
    this.finishPrefix = naming.finishPrefix;
    this.iidPattern = new RegExp(naming.iidPattern);
    this.queryInterfaceSignatures = new Map(naming.queryInterfaceArguments.map((m) => [m.method, m]));
    this.queryInterfaceNames = [...new Set([...naming.queryInterfaceMethods, ...this.queryInterfaceSignatures.keys()])];
    this.queryInterface = new Set(this.queryInterfaceNames);
    this.createCall = new Set(naming.createCallMethods);
    this.release = new Set(naming.releaseMethods);
    this.releaseLowerFirst = new Set(naming.releaseMethods.map(lowerFirst));
    this.addRef = new Set(naming.addRefMethods);
    this.cancel = new Set(naming.cancelMethods);
    this.cancelInterfaces = new Set(naming.cancelInterfaces);
    this.iidHelpers = new Set(naming.iidHelpers);
    this.releaseFunctions = new Set(naming.releaseFunctions);
    this.acquireFunctions = new Map(naming.acquireFunctions.map((f) => [f.name, f]));
    this.failed = new Set(naming.failedFunctions);
    this.succeeded = new Set(naming.succeededFunctions);
    this.successConstants = new Set(naming.successConstants);
    this.xpcomRoots = new Set(naming.xpcomInterfaceRoots);
    this.slotWords = new Map();
    const words: [string[], IUnknownMethod | "cancel" | "createCall"][] = [
      [naming.createCallMethods, "createCall"],
      [this.queryInterfaceNames, "queryInterface"],
      [naming.addRefMethods, "addRef"],
      [naming.releaseMethods, "release"],
      [naming.cancelMethods, "cancel"],
    ];
    for (const [names, role] of words) for (const name of names) this.slotWords.set(name.toLowerCase(), role);
  }

  // ---- method names -------------------------------------------------------

  isQueryInterface(name: string): boolean {
    return this.queryInterface.has(name);
  }
  /** Where a QueryInterface method named in `queryInterfaceArguments` takes its object, IID and out box. */
  queryInterfaceArguments(name: string): QueryInterfaceArguments | undefined {
    return this.queryInterfaceSignatures.get(name);
  }
  isCreateCall(name: string): boolean {
    return this.createCall.has(name);
  }
  isRelease(name: string): boolean {
    return this.release.has(name);
  }
  /** A Release method however its first letter is written (a wrapper object's `release()`). */
  isReleaseInEitherCase(name: string): boolean {
    return this.release.has(name) || this.releaseLowerFirst.has(name);
  }
  isAddRef(name: string): boolean {
    return this.addRef.has(name);
  }
  isCancel(name: string): boolean {
    return this.cancel.has(name);
  }
  isCancelInterface(name: string): boolean {
    return this.cancelInterfaces.has(name);
  }
  isIidHelper(name: string): boolean {
    return this.iidHelpers.has(name);
  }
  isReleaseFunction(name: string): boolean {
    return this.releaseFunctions.has(name);
  }
  /** `AVIFileRelease`, `AVIStreamRelease`: an export named for releasing what it is given (a name ending in a Release method). */
  endsInRelease(name: string): boolean {
    return this.naming.releaseMethods.some((m) => name.length > m.length && name.endsWith(m) && /[a-z0-9]$/i.test(name.slice(0, -m.length)));
  }
  /** A configured acquire function, by its name or member path (`createInstance`, `ns.createInstance`). */
  acquireFunction(name: string): AcquireFunction | undefined {
    return this.acquireFunctions.get(name);
  }
  isFailedMacro(name: string): boolean {
    return this.failed.has(name);
  }
  isSucceededMacro(name: string): boolean {
    return this.succeeded.has(name);
  }
  isSuccessConstant(name: string): boolean {
    return this.successConstants.has(name);
  }
  isXpcomRoot(dotted: string): boolean {
    return this.xpcomRoots.has(dotted);
  }
  /** `Begin_GetPrice` -> `GetPrice`, or null when the name does not begin a call. */
  beginMethod(name: string): string | null {
    return name.startsWith(this.beginPrefix) && name.length > this.beginPrefix.length ? name.slice(this.beginPrefix.length) : null;
  }
  finishMethod(name: string): string | null {
    return name.startsWith(this.finishPrefix) && name.length > this.finishPrefix.length ? name.slice(this.finishPrefix.length) : null;
  }
  beginName(method: string): string {
    return this.beginPrefix + method;
  }
  finishName(method: string): string {
    return this.finishPrefix + method;
  }
  /** Methods of one call pair match whatever their case (`Begin_GetPrice`, slot `FINISH_GETPRICE`). */
  sameMethod(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
  }
  /** Is this a COM method the engine gives meaning to (a call of it on a pointer is a use, never an escape)? */
  isProtocolMethod(name: string): boolean {
    return this.isRelease(name) || this.isAddRef(name) || this.isCancel(name) || this.isQueryInterface(name) || this.beginMethod(name) !== null || this.finishMethod(name) !== null;
  }

  // ---- vtable slots (raw FFI bindings) --------------------------------------

  /** IUnknown's method at a slot number: 0 QueryInterface, 1 AddRef, 2 Release. */
  iunknownSlot(slot: number): IUnknownMethod | null {
    return IUNKNOWN_SLOTS[slot] ?? null;
  }

  /**
   * The method a slot constant names: its last word after `_` or `.`
   * (`IUNKNOWN_RELEASE`, `SLOT.release`, `VTBL_QUERY_INTERFACE`), or a
   * Begin_/Finish_ method (`ASYNCISTOCKQUOTE_BEGIN_GETPRICE`, `SLOT.finishGetPrice`).
   */
  slotMethod(constant: string): { role: IUnknownMethod | "cancel" | "createCall" } | { role: "begin" | "finish"; method: string } | null {
    const flat = constant.replace(/[^A-Za-z0-9_.]/g, "");
    const lower = flat.toLowerCase();
    for (const [prefix, role] of [
      [this.beginPrefix, "begin"],
      [this.finishPrefix, "finish"],
    ] as const) {
      const p = prefix.toLowerCase();
      const bare = p.replace(/_$/, "");
      for (const marker of [`_${p}`, `.${p}`, `.${bare}`]) {
        const at = lower.lastIndexOf(marker);
        if (at < 0) continue;
        const method = flat.slice(at + marker.length).replace(/^_/, "");
        if (/^[A-Za-z0-9]+$/.test(method)) return { role, method };
      }
      if (lower.startsWith(p) && flat.length > p.length) return { role, method: flat.slice(p.length) };
    }
    // `IUNKNOWN_RELEASE_VTABLE_INDEX`, `RELEASE_SLOT`: words that say "a slot" after the method's name, when nothing but
    // the interface's name comes before it (`SINK_ON_KEY_RELEASE_SLOT` names some other slot).
    const words = lower.split(/[_.]/).filter(Boolean);
    let end = words.length;
    while (end > 1 && SLOT_NOUNS.has(words[end - 1])) end--;
    const stripped = words.slice(0, end);
    const last = end === words.length || stripped.length === 1 || (stripped.length === 2 && stripped[0] === "iunknown") ? stripped : words;
    for (const take of [2, 1]) {
      if (last.length < take) continue;
      const word = last.slice(-take).join("");
      const role = this.slotWords.get(word);
      if (role) return { role };
    }
    return null;
  }

  // ---- patterns over source text --------------------------------------------

  /**
   * A pattern whose absence from a file proves it cannot contain a protocol
   * event (the fast path): a call of a Begin_/Finish_ method, of QueryInterface
   * or CreateCall, of a configured acquire function, or of a known creating export.
   */
  triggerPattern(): { test(text: string): boolean } {
    return (this.trigger ??= this.buildTriggerPattern());
  }

  private trigger: { test(text: string): boolean } | undefined;

  private buildTriggerPattern(): { test(text: string): boolean } {
    const protocol = this.protocolCallPattern();
    // Raw FFI code: a pointer box and a release of some form in the same file (out-box-shapes.ts says which creations
    // make one; eight bytes, `new Uint8Array(8)`, are a box read through a view of their buffer)...
    const box = /Buffer\.alloc|\[\s*null\s*\]|Big(?:Ui|I)nt64Array|value\s*:\s*null|koffi\.alloc|Uint8Array\(\s*8\s*\)/;
    // `Release`, `comRelease`, `IUNKNOWN_RELEASE`; not a lower-case `release` (locks, streams).
    const release = new RegExp(this.naming.releaseMethods.flatMap((m) => [escapeRegExp(m), escapeRegExp(m.toUpperCase())]).join("|") || "Release");
    // ... in a file that shows an FFI binding or a vtable: `BigUint64Array` and "Release" alone are everyday JS.
    // A binding's own words (they also let a file with imports and no Release be analysed, below)...
    const binding = /bun:ffi|\bkoffi\b|Deno\.dlopen|ffi-napi|node-ctypes|\bvcall\b|\blpVtbl\b/;
    // ... and the weaker marks of FFI or vtable code, enough next to a box and a Release.
    const ffi = new RegExp(`${binding.source}|FFIType|koffi|Deno\\.Unsafe|ctypes|lpVtbl|vtbl|vtable|IUnknown|IUNKNOWN`);
    // A file whose pointers come from helpers of its own repository has no box of its own: a call of
    // a `...Release` function (`comRelease(p)`, `gpu.blobRelease(b)`) next to an import of a relative
    // path or a scoped workspace package (imported-helpers.ts summarises them).
    // (`release(p)` too: given an argument, unlike a lock's `release()`).
    const releaseCall = new RegExp(`(?:${this.naming.releaseMethods.flatMap((m) => [escapeRegExp(m), escapeRegExp(lowerFirst(m))]).join("|") || "Release"})\\s*\\(\\s*[\\w$]`);
    const localImport = /\b(?:from\s*|require\(\s*)["'](?:\.{1,2}\/|@[\w.-]+\/)/;
    // An interface ID (`IID_IPropertyStore`) next to a binding's own words and a box: a file that acquires and may
    // release nothing at all.
    const interfaceId = /\bIID_I[A-Z]\w*/;
    // A lower-case one as a name of its own, or the start of one (`release(p)`, `com.release(p)`, `releaseCom(p)`; also
    // `releaseLock(l)`, which only costs an analysis where a binding and a box are there too; not a C library's `foo_release(h)`).
    const ownReleaseCall = new RegExp(`(?<![\\w$])(?:${this.naming.releaseMethods.map((m) => escapeRegExp(lowerFirst(m))).join("|") || "release"})[\\w$]*\\s*\\(\\s*[\\w$]`);
    // ...or a lower-case `queryInterface` of the repository's own (`com.queryInterface(p, iid)` of an imported table),
    // whose pointer may be the leak...
    const ownQueryInterface = new RegExp(`\\.\\s*(?:${this.queryInterfaceNames.map((m) => escapeRegExp(lowerFirst(m))).join("|") || "queryInterface"})\\s*\\(`);
    // ...or an FFI binding next to such an import: its pointers may come from there even where no
    // Release is left (the one that was there is the leak). A binding's own words and a box also make
    // such a call (`release(p)`, the file's own helper) a release enough.
    // A Release method called on an object (`item.Release()`) in a file that shows a binding or IUnknown: released-results.ts
    // may own what a call returned. (A `Release()` alone is also a .NET semaphore's, through an interop layer.)
    const releaseMethodCall = new RegExp(`\\.\\s*(?:${this.naming.releaseMethods.map(escapeRegExp).join("|") || "Release"})\\s*\\(\\s*\\)`);
    const iunknown = new RegExp(`\\bIUnknown\\b|\\bCoInitialize(?:Ex)?\\b${this.naming.addRefMethods.map((m) => `|\\b${escapeRegExp(m)}\\b`).join("")}`);
    return {
      test: (text) =>
        protocol.test(text) ||
        (releaseMethodCall.test(text) && (binding.test(text) || iunknown.test(text))) ||
        (box.test(text) && ((release.test(text) && ffi.test(text)) || (binding.test(text) && (ownReleaseCall.test(text) || interfaceId.test(text) || ownQueryInterface.test(text))))) ||
        (localImport.test(text) && (releaseCall.test(text) || binding.test(text) || ownQueryInterface.test(text))),
    };
  }

  private protocolCallPattern(): RegExp {
    const n = this.naming;
    const methods = [...this.queryInterfaceNames, ...n.createCallMethods].map(escapeRegExp);
    const alternatives = [
      `${escapeRegExp(n.beginPrefix)}[\\w$]+\\s*[<(]`,
      `${escapeRegExp(n.finishPrefix)}[\\w$]+\\s*[<(]`,
      ...(methods.length > 0 ? [`\\.\\s*(?:${methods.join("|")})\\s*[<(]`] : []),
      ...n.acquireFunctions.map((f) => `\\b${escapeRegExp(f.name.split(".").pop()!)}\\s*\\(`),
      // IUnknown slot constants (`IUNKNOWN_RELEASE`, `VTBL_QUERY_INTERFACE`): `_` joins words there.
      ...[...n.releaseMethods, ...this.queryInterfaceNames].map((m) => `(?:\\b|_)${escapeRegExp(m.toUpperCase()).replace(/(?<=[A-Z])(?=INTERFACE)/, "_?")}\\b`),
      ...this.queryInterfaceNames.map((m) => `\\b${escapeRegExp(m)}\\b`),
      `\\b(?:${CREATING_EXPORT_NAMES.join("|")})\\b`,
      `\\blpVtbl\\b`,
      // Begin_/Finish_ slot constants of raw FFI code: `ASYNCISTOCKQUOTE_BEGIN_GETPRICE`.
      `_(?:${escapeRegExp(n.beginPrefix.toUpperCase())}|${escapeRegExp(n.finishPrefix.toUpperCase())})[A-Z0-9]`,
    ];
    return new RegExp(alternatives.join("|"));
  }

  /** Words that show a function may act on the protocol: only such functions get summaries. */
  protocolWordPattern(): RegExp {
    return (this.protocolWords ??= this.buildProtocolWordPattern());
  }

  private protocolWords: RegExp | undefined;

  private buildProtocolWordPattern(): RegExp {
    const n = this.naming;
    const words = [n.beginPrefix, n.finishPrefix, ...this.queryInterfaceNames, ...n.createCallMethods, ...n.releaseMethods, ...n.cancelMethods, ...n.releaseFunctions, ...n.acquireFunctions.map((f) => f.name), ...CREATING_EXPORT_NAMES];
    const ci = words.filter((w) => w.length > 0).map(escapeRegExp);
    // Raw FFI helpers: a call through a vtable dispatcher or table acts on its object too.
    return new RegExp([...ci, "vcall", "vtbl", "vtable", "\\.symbols\\."].join("|"), "i");
  }

  private receiverMethods(): string {
    const n = this.naming;
    return (this.receiverMethodsSource ??= [`${escapeRegExp(n.beginPrefix)}\\w+`, `${escapeRegExp(n.finishPrefix)}\\w+`, ...[...this.queryInterfaceNames, ...n.releaseMethods, ...n.cancelMethods].map(escapeRegExp)].join("|"));
  }

  private receiverMethodsSource: string | undefined;
  private receiverTail: RegExp | undefined;

  /** `name.Method` for any protocol method: which names are ever receivers (aliases are followed only for them). */
  receiverNamePattern(): RegExp {
    return new RegExp(`([A-Za-z_$][\\w$]*)\\s*\\??\\.\\s*(?:${this.receiverMethods()})\\b`, "g");
  }

  /**
   * The names `receiverNamePattern` captures in `text`, all its matches in order, found from the
   * `.Method` end instead: the pattern itself, tried at every identifier character of the file,
   * re-reads each identifier once per character (3-4% of the engine's time on COM-heavy files).
   * A match's identifier is the [\w$] run just before its `?.`/`.` (after spaces), from its first
   * valid start character at or after the previous match's end.
   */
  receiverNames(text: string): Set<string> {
    // Shared by the files of these options: this loop is its only user and starts it at 0.
    const tail = (this.receiverTail ??= new RegExp(`\\.\\s*(?:${this.receiverMethods()})\\b`, "g"));
    const names = new Set<string>();
    let pos = 0;
    tail.lastIndex = 0;
    for (let m = tail.exec(text); m !== null; m = tail.exec(text)) {
      const dot = m.index;
      let end = dot;
      if (end > pos && text[end - 1] === "?") end--;
      while (end > pos && SPACE.test(text[end - 1])) end--;
      let start = end;
      while (start > pos && IDENTIFIER_PART.test(text[start - 1])) start--;
      while (start < end && !IDENTIFIER_START.test(text[start])) start++;
      if (start < end) {
        names.add(text.slice(start, end));
        pos = dot + m[0].length;
      } else {
        tail.lastIndex = dot + 1;
      }
    }
    return names;
  }

  /** A callee whose name says it checks an HRESULT: `ThrowIfFailed`, `checkHr`, `ensureSuccess`, `assertOk`. */
  isCheckHelperName(name: string): boolean {
    return /check|throw|ensure|assert|verify|expect|must|fail|succe/i.test(name);
  }

  /** `E_FAIL`, `RPC_E_CALL_PENDING`: names of constants, compared against, never tracked. */
  looksLikeConstant(name: string): boolean {
    return name === "undefined" || this.isSuccessConstant(name) || /^[A-Z][A-Z0-9_]+$/.test(name);
  }

  /** `nsIFoo`, `mozIFoo`, `imgIFoo`, `amIFoo`: XPCOM interface names (garbage collected, no Release). */
  looksLikeXpcomInterface(name: string, asMember: boolean): boolean {
    if (!asMember) return /^nsI[A-Z]/.test(name);
    return /^(ns|moz|imgI|amI)I?[A-Z]/.test(name) && !this.iidPattern.test(name);
  }

  // ---- text written into messages and fixes --------------------------------

  /** The QueryInterface method's own name, for messages. */
  get queryInterfaceMethod(): string {
    return this.queryInterfaceNames[0] ?? "QueryInterface";
  }

  /** The Release method's own name (`Release`, or `Dispose` where the binding says so). */
  get releaseMethod(): string {
    return this.naming.releaseMethods[0] ?? "Release";
  }

  /** The text of a call that releases `pointer` when the file shows no form of its own. */
  releaseCallText(pointer: string, mayBeNull: boolean): string {
    return `${pointer}${mayBeNull ? "?." : "."}${this.releaseMethod}()`;
  }

  /** A statement that only releases something, in the method form (part of a Cancel/Release sequence). */
  releaseStatementPattern(): RegExp {
    const names = this.naming.releaseMethods.map(escapeRegExp).join("|") || "Release";
    return new RegExp(`^\\s*[\\w$.[\\]]+\\??\\.(?:${names})\\(\\)\\s*;?\\s*$`);
  }

  /** The method a vtable slot was recognised as, by its COM name, for messages (null: one the code does not name). */
  slotMethodName(method: { role: string; method?: string }): string | null {
    const n = this.naming;
    switch (method.role) {
      case "begin":
        return method.method ? this.beginName(method.method) : null;
      case "finish":
        return method.method ? this.finishName(method.method) : null;
      case "queryInterface":
        return this.queryInterfaceMethod;
      case "addRef":
        return n.addRefMethods[0] ?? "AddRef";
      case "release":
        return this.releaseMethod;
      case "cancel":
        return n.cancelMethods[0] ?? "Cancel";
      case "createCall":
        return n.createCallMethods[0] ?? "CreateCall";
      default:
        return null;
    }
  }

  finishCallText(call: string, method: string, args: string): string {
    return `${call}.${this.finishName(method)}(${args})`;
  }
}
