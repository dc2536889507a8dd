/**
 * The text a message or a repair releases a pointer with, in the file's own words (spec section 4):
 * one of its release calls with the pointer swapped in (`comRelease(p)`, `vcall(p, IUNKNOWN_RELEASE, [], [])`,
 * `p.Dispose()`): its first one for a pointer from the same acquirer (`AVIFileRelease(f)` for what `AVIFileOpenW`
 * gave, `AVIStreamRelease(s)` for a stream), else its first one for a pointer under the same property
 * (`gpu.blobRelease(code.blob)` for a `.blob`), else its first one. Those calls are the file's facts a partial re-lint must keep (factSites).
 * In a file that releases nothing yet, a raw pointer (from a box or a
 * vtable call) is released through the file's own dispatcher and Release slot (`vcall(p, IUNKNOWN_RELEASE,
 * [], [])`), never by a `p.Release()` a bigint does not have; the vocabulary's method form otherwise.
 */
import type { SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import type { VtableCall } from "./ffi";
import type { HelperRole } from "./model";
import { calleeName, cDeclaration, declaredFunctionName, namesInCode, sameExpression, unwrapExpression } from "./ast";
import { callOf, enclosingFunction } from "./ast-functions";
import { escapeRegExp, type Vocabulary } from "./vocabulary";
import { tableCallOf } from "./function-tables";

type Node = TSESTree.Node;

export class ReleaseForms {
  /**
   * The file's release calls (a vtable table's own Release excepted), in source order once a text is first asked for.
   * A call's form, property and acquirer are worked out when first read: most files never ask for a release text
   * (only a report or a repair does), and a form costs a pattern built from the pointer's text.
   */
  private readonly templates: ReleaseTemplate[] = [];
  private readonly chosen = new Map<string, string>();
  /** Some release call has given a form (it stays so: the list only grows). */
  private someForm = false;
  /**
   * The calls of helpers whose summaries release an argument (`comReleaseSafe(g.device)`, `releaseObject(p)`), and
   * the argument: forms too, read when a text is first asked for (summaries are made after the walk).
   */
  helperReleases: (() => { node: Node; target: Node }[]) | null = null;
  /** The acquirer of a released pointer, where the code shows it (`acquirerOfPointer`); set by the file analysis. */
  acquirerOf: ((target: Node) => string | null) | null = null;
  /** The file's first call through a dispatcher (`vcall(ctx, CTX_DRAW, [...], [...])`), as a Release of a placeholder. */
  /**
   * `calls`: the dispatcher returns the method, which the file then calls, with the object again (`comMethod(p, 6,
   * proto)(p)`: "self") or without (`method(p, SLOT.run, [])()`, the object bound: "bare").
   */
  /** `declaration`: the method's prototype as a string the dispatcher's first call gives (`"int32_t __stdcall GetCount(void *self)"`). */
  private dispatcher: { callee: string; rest: string[]; node: Node; prototype: boolean; declaration?: { quote: string; text: string }; calls: "self" | "bare" | "dotCall" | null } | null = null;
  private releaseSlot: string | undefined;

  constructor(
    private readonly sourceCode: SourceCode,
    private readonly vocabulary: Vocabulary,
  ) {}

  /** The file's first call through a dispatcher is noted: later ones change nothing. */
  get hasDispatcher(): boolean {
    return this.dispatcher !== null;
  }

  /** Some release call of the file gives a form (asked at every dispatcher call: kept once true, as the list only grows). */
  get hasRelease(): boolean {
    this.someForm ||= this.templates.some((t) => this.formOf(t) !== null);
    return this.someForm;
  }

  /**
   * A call that releases `target`, as the file writes it: a Release looked up and called at once (`comMethod(p, 2, proto)(p)`)
   * whole, and one bound to its object by a lookup (`release()` after `const release = method(p, SLOT.release, [])`) as
   * that lookup called at once.
   */
  /** `pointer`: what `target` converts (`p` of `koffi.as(p, 'void *')`), when the call names it elsewhere too. */
  /**
   * `boundLookup`: the callee is a function's own constant holding the lookup (`const Release = vtableSlot(p, 2, proto);
   * Release(p)`), out of scope elsewhere: the form calls the lookup at once with the same arguments.
   */
  noteReleaseCall(node: TSESTree.CallExpression, target: Node, pointer: Node = target, boundLookup: Node | null = null, byHelper = false): void {
    if (byHelper) {
      this.noteRelease(node, target, "", pointer, true);
      return;
    }
    if (boundLookup) {
      this.noteRelease(boundLookup, target, `(${node.arguments.map((a) => this.sourceText(a)).join(", ")})`, pointer);
      return;
    }
    const lookup = node.arguments.length === 0 && target.parent?.type === "CallExpression" && target.parent !== node ? target.parent : null;
    if (lookup) this.noteRelease(lookup, target, "()");
    // `comMethod(p, 2, proto)(p)`, Deno's `lookup(p, 2, def).call(p)`: the lookup with the call of what it returned.
    else this.noteRelease(callOf(node) ?? node, target, "", pointer);
  }

  noteRelease(node: Node, target: Node, called = "", pointer: Node = target, byHelper = false): void {
    this.templates.push({ node, target, pointer, called, byHelper, form: undefined, property: undefined, acquirer: undefined });
  }

  /**
   * `const bridge = createBridge()` at the top level, where the imported factory's table (`roleOfInit`) has a function that
   * releases its one parameter: `bridge.release(p)` is a form of the file, though the file may never call it.
   */
  private tableConstant: ReleaseTemplate | null = null;

  noteTableConstant(declarator: TSESTree.VariableDeclarator, roleOfInit: () => HelperRole | null): void {
    const declaration = declarator.parent as TSESTree.VariableDeclaration;
    const statement = declaration.parent?.type === "ExportNamedDeclaration" ? declaration.parent : declaration;
    if (this.tableConstant || declaration.kind !== "const" || statement.parent?.type !== "Program" || declarator.id.type !== "Identifier") return;
    // The import asked about only for such a constant: most declarators are a function's locals.
    for (const [member, memberRole] of roleOfInit()?.table ?? []) {
      const params = memberRole.summary?.params;
      if (params?.length !== 1 || params[0].kind !== "release") continue;
      const form = `${declarator.id.name}.${member}(${PLACE})`;
      // Written only where the file has no release form of its own (`comRelease(p)` stays the file's words).
      this.tableConstant ??= { node: declarator, target: declarator, pointer: declarator, called: "", byHelper: true, form, property: undefined, acquirer: undefined };
      return;
    }
  }

  /** The call's text with the pointer's place marked, or null when the pointer's text is not found there as a whole (`f(...p)`). */
  private formOf(template: ReleaseTemplate): string | null {
    if (template.form === undefined) {
      // A method looked up bound to its object and called later (`release()`): the lookup, called at once.
      const text = this.sourceText(template.node) + template.called;
      const occurrences = (of: Node) => new RegExp(`(^|[^\\w$.])${escapeRegExp(this.sourceText(of))}(?![\\w$])`, "g");
      let form = text.replace(occurrences(template.target), (_, before: string) => `${before}${PLACE}`);
      // The pointer cast where it is passed and named bare elsewhere (`koffi.call(slot(p, 2), proto, koffi.as(p, 'void *'))`):
      // every place of the pointer itself, the cast kept.
      const pointer = template.pointer !== template.target ? occurrences(template.pointer) : null;
      if (pointer?.test(form)) form = text.replace(pointer, (_, before: string) => `${before}${PLACE}`);
      template.form = form === text ? null : form;
    }
    return template.form;
  }

  private propertyOf(template: ReleaseTemplate): string | null {
    if (template.property === undefined) template.property = propertyOf(this.sourceText(template.target));
    return template.property;
  }

  private acquirerOfTemplate(template: ReleaseTemplate): string | null {
    if (template.acquirer === undefined) {
      // Asked after the walk (a message's text, the editor's fact sites), outside the listeners' guard: a failure
      // leaves the acquirer unknown rather than escaping into the caller.
      try {
        template.acquirer = this.acquirerOf?.(template.target) ?? null;
      } catch {
        template.acquirer = null;
      }
    }
    return template.acquirer;
  }

  /**
   * `f(p, SLOT, [types], [args])`: the dispatcher shape, whose Release is `f(p, RELEASE, [], [])`: the arguments up to
   * the last array kept in place (arrays emptied, a return type as written: `vtblCall(p, 2, 'int32', [])`), the call's
   * own values after it dropped.
   */
  noteVtableCall(node: TSESTree.CallExpression, call: VtableCall, called: TSESTree.CallExpression | null): void {
    // `calls.symbols.GetCount(p)` is a method of one object's table, not a dispatcher taking a slot.
    if (this.dispatcher !== null || node.arguments[0] !== call.object || node.callee.type === "CallExpression" || node.arguments[1] === call.rest[0]) return;
    // Deno's `lookup(p, 0, QI).call(p, ...)`: the lookup takes the method's definition; a Release takes the file's own
    // (`const RELEASE = { parameters: ["pointer"], result: "u32" }`), or none where the lookup takes none.
    if (called !== null && called.callee.type === "MemberExpression") {
      const definition = call.rest.length === 0 ? [] : call.rest.length === 1 ? this.releaseDefinition() : null;
      if (definition === null) return;
      this.dispatcher = { callee: this.sourceText(node.callee), rest: definition, node, prototype: false, calls: "dotCall" };
      return;
    }
    let lastArray = -1;
    call.rest.forEach((a, i) => {
      if (a.type === "ArrayExpression") lastArray = i;
    });
    // koffi's `vcall(iface, idx, P_GetFocusedElement, e)`: the method's prototype follows the slot; a Release needs its own.
    const first = call.rest[0] ? unwrapExpression(call.rest[0]) : null;
    const prototype = first !== null && ((first.type === "Identifier" && this.isPrototype(this.topLevelConstants().get(first.name))) || this.isPrototype(first));
    const rest = call.rest.slice(prototype ? 1 : 0, lastArray + 1).map((a) => (a.type === "ArrayExpression" ? "[]" : this.sourceText(a)));
    // What the looked-up method is called with: the object again ("self"), nothing (bound to it, "bare"); given another
    // object (`Release(x)` of `vtableSlot(proto, 2, P)`) the call is no shape to write a Release in.
    if (called && called.arguments.length > 0 && !sameExpression(called.arguments[0], call.object)) return;
    const calls = called ? (called.arguments.length > 0 ? "self" : "bare") : null;
    const declaration = prototype && first?.type === "Literal" && typeof first.value === "string" ? { quote: this.sourceText(first)[0], text: first.value } : undefined;
    this.dispatcher = { callee: this.sourceText(node.callee), rest, node, prototype, declaration, calls };
  }

  releaseText(pointer: string, mayBeNull: boolean, raw: boolean, acquirer: string | null = null): string {
    const form = this.formFor(propertyOf(pointer), acquirer);
    if (form === null) {
      if (raw && this.dispatcher) {
        const prototype = this.dispatcher.prototype ? this.releasePrototype() ?? this.releaseDeclaration() : null;
        const called = this.dispatcher.calls === "self" ? `(${pointer})` : this.dispatcher.calls === "bare" ? "()" : this.dispatcher.calls === "dotCall" ? `.call(${pointer})` : "";
        return `${this.dispatcher.callee}(${[pointer, this.slotText(), ...(prototype ? [prototype] : []), ...this.dispatcher.rest].join(", ")})${called}`;
      }
      return this.vocabulary.releaseCallText(pointer, mayBeNull);
    }
    const text = form.split(PLACE).join(pointer);
    // `p.Release()` on a pointer that may be null: `p?.Release()`; a release function takes care of null itself.
    return mayBeNull && text.startsWith(`${pointer}.`) ? `${pointer}?.${text.slice(pointer.length + 1)}` : text;
  }

  /**
   * No form of the file's own fits a raw pointer (no release call, no dispatcher): the text is the vocabulary's
   * method form, which a bigint does not have. A message may show it; a repair must not write it.
   */
  isGuess(pointer: string, raw: boolean): boolean {
    return raw && this.formFor(propertyOf(pointer), null) === null && (this.dispatcher === null || (this.dispatcher.prototype && this.releasePrototype() === null && this.releaseDeclaration() === null));
  }

  /**
   * The calls whose text a release text is made from: the first release of each acquirer and of each property
   * and the first of all, and the dispatcher. A re-lint of part of the file must find them unchanged (extension/src/server/incremental-lint.ts).
   */
  factSites(): { fact: string; node: Node }[] {
    this.loadHelperReleases();
    const out: { fact: string; node: Node }[] = [];
    const seen = new Set<string>();
    for (const template of this.templates) {
      if (this.formOf(template) === null) continue;
      const property = this.propertyOf(template);
      const acquirer = this.acquirerOfTemplate(template);
      if (out.length === 0) out.push({ fact: "release", node: template.node });
      if (property !== null && !seen.has(`.${property}`)) out.push({ fact: `release .${property}`, node: template.node });
      if (acquirer !== null && !seen.has(`<${acquirer}`)) out.push({ fact: `release <${acquirer}`, node: template.node });
      seen.add(`.${property}`).add(`<${acquirer}`);
    }
    if (this.dispatcher) out.push({ fact: "dispatcher", node: this.dispatcher.node });
    return out;
  }

  /** The file's first form for pointers from this acquirer, else for pointers under this property, else its first form. */
  private formFor(property: string | null, acquirer: string | null): string | null {
    this.loadHelperReleases();
    const key = `${acquirer ?? ""}\u0000${property ?? ""}`;
    let form = this.chosen.get(key);
    if (form === undefined) {
      const usable = (t: ReleaseTemplate) => this.formOf(t) !== null && this.isPortable(t);
      // The file's own words: a call of its release helper (`release(p)`) before the Release inside that helper's body.
      // (And where every release is some function's parameter, a helper's call, `release(p)` in `drop(p)`, before the body's.)
      const first = this.templates.find((t) => usable(t) && !releasesOwnParameter(t)) ?? this.templates.find((t) => usable(t) && t.byHelper) ?? this.templates.find(usable);
      const template =
        (acquirer !== null ? this.templates.find((t) => this.acquirerOfTemplate(t) === acquirer && usable(t)) : undefined) ??
        this.templates.find((t) => property !== null && this.propertyOf(t) === property && usable(t)) ??
        first ??
        this.tableConstant;
      if (!template) return null;
      form = this.formOf(template)!;
      this.chosen.set(key, form);
    }
    return form;
  }

  /**
   * Can the form of a helper's body that releases its parameter be written where the helper is called? Not where it
   * names a variable of a function around the helper (`koffi.call(slot(p, 2), REL, p)` in a table's `release(p)`
   * inside a factory that declares `slot`).
   */
  private isPortable(template: ReleaseTemplate): boolean {
    const form = this.formOf(template);
    if (form === null) return false;
    const helper = releasesOwnParameter(template) ? enclosingFunction(template.node) : null;
    if (helper === null) return true;
    const names = namesInCode(form.split(PLACE).join(" "));
    // `this.slot(p, 2)` in a method: another function's `this`.
    if (names.includes("this")) return false;
    for (let fn = enclosingFunction(helper); fn !== null; fn = enclosingFunction(fn)) {
      const declared = this.sourceCode.scopeManager?.acquire(fn as never)?.set;
      if (declared && names.some((name) => declared.has(name))) return false;
    }
    return true;
  }

  private loadHelperReleases(): void {
    if (!this.helperReleases) return;
    const calls = this.helperReleases();
    this.helperReleases = null;
    for (const { node, target } of calls) this.noteRelease(node, target, "", target, true);
    // A table's function releasing its parameter (`release(p) { ... }` of `const com = createComRuntime()`) is written
    // as a call of it, `com.release(p)`: its body names what only the table sees.
    for (const template of [...this.templates]) {
      const helper = releasesOwnParameter(template) ? enclosingFunction(template.node) : null;
      // Only a function of the one parameter it releases: `com.release(p)` written for `release(p, label)` would not compile.
      const call = helper?.params.length === 1 ? tableCallOf(helper, this.topLevelConstants()) : null;
      if (call !== null) this.templates.push({ ...template, byHelper: true, form: `${call}(${PLACE})` });
    }
    this.templates.sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  /** A Deno definition of Release kept in a constant named for it (`const RELEASE = { parameters: [...], result }`), as a list of its name; null when none. */
  private releaseDefinition(): string[] | null {
    for (const [name, init] of this.topLevelConstants()) {
      const expr = init ? unwrapExpression(init) : null;
      const definition = expr?.type === "ObjectExpression" && expr.properties.some((p) => p.type === "Property" && !p.computed && p.key.type === "Identifier" && p.key.name === "parameters");
      if (definition && this.vocabulary.slotMethod(name)?.role === "release") return [name];
    }
    return null;
  }

  /** The file's constant for the Release slot (`IUNKNOWN_RELEASE`), declared at its top level, else the slot's number. */
  private slotText(): string {
    if (this.releaseSlot === undefined) {
      this.releaseSlot = String([0, 1, 2].find((slot) => this.vocabulary.iunknownSlot(slot) === "release"));
      for (const [name, init] of this.topLevelConstants()) {
        const found = this.releaseSlotIn(name, init);
        if (found) {
          this.releaseSlot = found;
          break;
        }
      }
    }
    return this.releaseSlot;
  }

  private constants: Map<string, Node | null> | undefined;

  /** The module's top-level constants by name, with their initialisers. */
  private topLevelConstants(): Map<string, Node | null> {
    if (this.constants === undefined) {
      this.constants = new Map();
      for (const statement of (this.sourceCode.ast as unknown as TSESTree.Program).body) {
        const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
        if (declaration?.type !== "VariableDeclaration" || declaration.kind !== "const") continue;
        for (const d of declaration.declarations) if (d.id.type === "Identifier") this.constants.set(d.id.name, d.init);
      }
    }
    return this.constants;
  }

  /** `koffi.proto('long Release(void *self)')`, or such a declaration's string: a method's prototype. */
  private isPrototype(node: Node | null | undefined): boolean {
    const expr = node ? unwrapExpression(node) : null;
    if (expr?.type === "Literal") return typeof expr.value === "string" && /\w\s*\(/.test(expr.value);
    return expr?.type === "CallExpression" && calleeName(expr.callee) === "proto";
  }

  /**
   * Release's declaration written like the one the file's dispatcher is given (`"int32_t __stdcall GetCount(void *self)"`:
   * `"uint32_t __stdcall Release(void *self)"`, its quotes and calling convention kept); null when it is given none.
   */
  private releaseDeclaration(): string | null {
    const declaration = this.dispatcher?.declaration;
    const parts = declaration ? cDeclaration(declaration.text) : null;
    if (!declaration || !parts) return null;
    return `${declaration.quote}uint32_t ${parts.convention ? `${parts.convention} ` : ""}${this.vocabulary.releaseMethod}(void *self)${declaration.quote}`;
  }

  /**
   * The file's prototype of Release (`const P_Release = koffi.proto('long Release(void *self)')`), by name; null when
   * none. The method a declaration string declares is the word before its parameters; without one, the constant's name
   * says it (`P_Release`), as a slot constant's does.
   */
  private releasePrototype(): string | null {
    for (const [name, init] of this.topLevelConstants()) {
      const expr = init ? unwrapExpression(init) : null;
      // `koffi.proto('long Release(void *self)')`, or the declaration's string itself (`'uint32 Release(void *self)'`).
      if (!expr || !this.isPrototype(expr)) continue;
      const method = declaredFunctionName(expr);
      // A name that ends in Release (`RelayPageRelease`) declares one too: a public koffi client names its prototypes so.
      if (method !== null ? this.namesRelease(method) : this.vocabulary.slotMethod(name)?.role === "release") return name;
    }
    return null;
  }

  /** `Release`, `RelayPageRelease`, or Release with a prototype's affix (`ReleaseFn` of `koffi.proto("__stdcall", "ReleaseFn", ...)`, `ReleaseProto`). */
  private namesRelease(name: string): boolean {
    const bare = name.replace(/_?(?:Fn|Func|Function|Proto|Prototype|Type|Sig|Signature)$/, "");
    return this.vocabulary.isRelease(bare) || this.vocabulary.endsInRelease(bare);
  }

  /**
   * `const IUNKNOWN_RELEASE = 2`, or `const V = { Release: 2, ... }` (`V.Release`): a number named for the Release slot.
   * A prototype named for the method (`const P_Release = koffi.proto(...)`) is no slot.
   */
  private releaseSlotIn(name: string, value: Node | null): string | null {
    const init = value ? unwrapExpression(value) : null;
    if (!init) return null;
    const isNumber = (node: Node) => node.type === "Literal" && typeof node.value === "number";
    if (isNumber(init)) return this.vocabulary.slotMethod(name)?.role === "release" ? name : null;
    if (init.type !== "ObjectExpression") return null;
    for (const property of init.properties) {
      if (property.type === "Property" && !property.computed && property.key.type === "Identifier" && isNumber(property.value) && this.vocabulary.slotMethod(property.key.name)?.role === "release") return `${name}.${property.key.name}`;
    }
    return null;
  }

  private sourceText(node: Node): string {
    return this.sourceCode.getText(node as never);
  }
}

/** A release of its enclosing function's own parameter: the body of a release helper (`function release(p) { vcall(p, 2) }`). */
function releasesOwnParameter(template: ReleaseTemplate): boolean {
  const target = unwrapExpression(template.target);
  if (target.type !== "Identifier") return false;
  const fn = enclosingFunction(template.node);
  return fn !== null && fn.params.some((param) => param.type === "Identifier" && param.name === target.name);
}

/** A release call of the file and the pointer it releases; the rest is worked out on first need (undefined until then). */
interface ReleaseTemplate {
  readonly node: Node;
  readonly target: Node;
  /** The pointer `target` converts, or `target` itself. */
  readonly pointer: Node;
  /**
   * What the form adds to `node`'s text: `node` is a lookup of the Release bound to its object (`method(p, SLOT.release,
   * [])`: `()`), or one a constant held (`vtableSlot(p, 2, proto)`: `(p)`), which the form calls at once; else empty.
   */
  readonly called: string;
  /** A call of a release helper of the file (`release(p)`), found through its summary. */
  readonly byHelper: boolean;
  form: string | null | undefined;
  property: string | null | undefined;
  acquirer: string | null | undefined;
}

/** Where the pointer goes in a form: a character no source text has. */
const PLACE = "\u0000";

/** `srv` of `t.srv` or `t.srv!`; null for a plain name. */
function propertyOf(pointer: string): string | null {
  const match = /\.([\w$]+)!*(?:\s*\?\?.*)?$/.exec(pointer);
  return match ? match[1] : null;
}
