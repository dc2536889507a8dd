/**
 * Objects that own pointers: the state side. Helper libraries hand their pointers out in
 * objects: `compile()` returns `{ blob, ptr, size }`, `makeTexture()` builds `const result =
 * { tex }`, adds `result.srv`, and returns it; the caller releases `t.srv` and `t.tex` (spec 2a,
 * shape 8). A summary says which properties of the returned object own a pointer; a call of the
 * helper acquires one pointer per property, bound to `t.srv` when the object is bound to `t`.
 *
 * What keeps this sound: members follow their object. Whatever hands the object on (an escape,
 * a return, a store, a copy, a helper given it, a call of one of its methods that releases)
 * hands on every pointer bound under it, so a pointer is only owed while the code can still name
 * it as `t.srv`.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { memberName } from "./ast";
import { fromList, Phase } from "./facts";
import type { Draft, FactTable, IdSet, State } from "./facts";
import type { EngineContext, Resource, ReturnedObject, Sym } from "./model";
import type { ResourceTable } from "./resources";
import { BOX_SLOTS } from "./slot-keys";

type Node = TSESTree.Node;

export class ObjectFields {
  /** Keys whose members are ever bound as an object's fields: only their escapes look for members. */
  readonly objectKeys = new Set<string>();
  /** Members of a local object stored under a condition (`if (srv) result.srv = p`): not on every return. */
  readonly conditionalMembers = new Set<string>();
  private readonly fields = new Map<Resource, Map<string, Resource>>();
  /** Of a call's field pointers, the property of the object holding the box each was read from (`ppContext`). */
  private readonly boxes = new Map<Resource, string>();
  private readonly methods = new Map<Resource, ReadonlySet<string>>();
  private readonly fieldPointers = new Set<Resource>();
  private readonly owners = new Map<Resource, Resource>();
  private readonly named = new Set<Resource>();
  /** Results of helpers that may return null instead of their object (ReturnedObject.nullable). */
  private readonly nullable = new Set<Resource>();

  constructor(private readonly resources: ResourceTable) {}

  /**
   * The pointers the object a summarised call returns owns, one per call and property, named
   * after the variable the call's result is bound to (`t.srv`). An optional field (set on some of
   * the helper's returns only: `result.srv` under `if (srv)`) is owed from the caller's first use
   * of it on, like an out box's pointer from its read.
   */
  fieldsOfCall(owner: Resource, object: ReturnedObject): Resource[] {
    let byName = this.fields.get(owner);
    if (!byName) {
      this.fields.set(owner, (byName = new Map()));
      if (object.releasingMethods.length > 0) this.methods.set(owner, new Set(object.releasingMethods));
      if (object.nullable) this.nullable.add(owner);
    }
    const out: Resource[] = [];
    for (const field of object.fields) {
      let res = byName.get(field.name);
      if (!res) {
        res = this.resources.create(owner.site, true, false, false, null, owner.acquirer);
        // Unnamed (`new GpuArray(makeBuffer(...))`): named after the call, for messages.
        res.name = owner.ownerStatement !== null ? `${owner.name}.${field.name}` : `${owner.acquirer}(…).${field.name}`;
        res.ownerStatement = owner.ownerStatement;
        res.ffi = field.ffi;
        res.fromBox = field.optional;
        res.shared = field.shared === true;
        byName.set(field.name, res);
        if (field.box !== undefined) this.boxes.set(res, field.box);
        this.fieldPointers.add(res);
        this.owners.set(res, owner);
      }
      out.push(res);
    }
    return out;
  }

  /** A pointer held by a property of a returned object (its first use marks an optional one as there). */
  isField(res: Resource): boolean {
    return this.fieldPointers.has(res);
  }

  /** The field pointers a null test of `owner` says are there or not (`if (created === null) throw`). */
  nullableFields(owner: Resource): Resource[] {
    return this.nullable.has(owner) ? [...(this.fields.get(owner)?.values() ?? [])] : [];
  }

  /** For a field pointer, the methods of its object that may release what it holds (none: `gpu.present()` hands nothing on); null for other pointers. */
  releasingMethodsOf(field: Resource): ReadonlySet<string> | null {
    const owner = this.owners.get(field);
    return owner ? (this.methods.get(owner) ?? new Set()) : null;
  }

  /**
   * A field still held on a path that released another field of its object for certain (`comRelease(gpu.context)`
   * with `gpu.swapChain` left): the code tears the object down by hand and forgot this one.
   */
  leftOverFromTeardown(facts: FactTable, state: State, field: Resource): boolean {
    const owner = this.owners.get(field);
    // Held, and there: an optional field (`t.rtv` of a texture made without one) is only from its first use on.
    const held = (id: number) => (isCertainlyIn(facts, id, Phase.PtrOwned) || isCertainlyIn(facts, id, Phase.PtrUnchecked)) && !(field.fromBox && facts.get(id).site !== null);
    if (!owner || !(state.tracks.get(field.ownKey) ?? []).some(held)) return false;
    for (const sibling of this.fields.get(owner)?.values() ?? []) {
      if (sibling !== field && (state.tracks.get(sibling.ownKey) ?? []).some((id) => isCertainlyIn(facts, id, Phase.PtrReleased))) return true;
    }
    return false;
  }

  fieldsOf(owner: Resource): ReadonlyMap<string, Resource> | undefined {
    return this.fields.get(owner);
  }

  /** Binding `key` to a summarised call's result binds `key.srv` to its field pointers. */
  bindMembers(ctx: EngineContext, draft: Draft, key: string, values: IdSet): void {
    // Of several objects (`createDevice(1) ?? createDevice(5)`), `key.device` may be either's.
    let members: Map<string, number[]> | undefined;
    for (const id of values) {
      const value = ctx.value(id);
      const fields = value.kind === "ref" ? this.fields.get(value.res) : undefined;
      if (!fields) continue;
      this.objectKeys.add(key);
      members ??= new Map();
      for (const [name, res] of fields) {
        const field = ctx.valueId({ kind: "ref", res });
        // `{ context, ppContext }`: the box's slot holds the same pointer (`releaseHeld(d.ppContext)` releases it).
        const box = this.boxes.get(res);
        for (const member of box === undefined ? [name] : [name, ...BOX_SLOTS.map((slot) => box + slot)]) {
          const list = members.get(member);
          if (list) list.push(field);
          else members.set(member, [field]);
        }
      }
    }
    if (members) for (const [name, ids] of members) draft.setBinding(`${key}.${name}`, fromList(ids));
  }

  /** `const { srv } = makeTexture()`: the field pointers of an object no variable names are named after theirs. */
  nameFields(ctx: EngineContext, values: IdSet, name: string): void {
    for (const id of values) {
      const value = ctx.value(id);
      if (value.kind === "ref" && this.fieldPointers.has(value.res) && !this.named.has(value.res)) {
        this.named.add(value.res);
        value.res.name = name;
      }
    }
  }

  /** The values bound under `key` (`key.srv`, `key.tex`), for the keys that may have members. */
  memberValues(bindings: ReadonlyMap<string, IdSet>, key: string): number[] {
    if (!this.objectKeys.has(key)) return [];
    const dot = key + ".";
    const out: number[] = [];
    for (const [k, ids] of bindings) if (k.startsWith(dot)) out.push(...ids);
    return out;
  }

  /** The members of `key`, by property name (a summary reads the returned object from them). `optional` collects those stored under a condition. */
  membersByName(bindings: ReadonlyMap<string, IdSet>, key: string, optional?: Set<string>): Map<string, IdSet> {
    const out = new Map<string, IdSet>();
    if (!this.objectKeys.has(key)) return out;
    const dot = key + ".";
    for (const [k, ids] of bindings) {
      const name = k.slice(dot.length);
      if (!k.startsWith(dot) || !/^[\w$]+$/.test(name)) continue;
      out.set(name, ids);
      if (this.conditionalMembers.has(k)) optional?.add(name);
    }
    return out;
  }

  /** The pointers of the objects among `values` (their field pointers), as values. */
  fieldValues(ctx: EngineContext, values: IdSet): number[] {
    const out: number[] = [];
    for (const id of values) {
      const value = ctx.value(id);
      const fields = value.kind === "ref" ? this.fields.get(value.res) : undefined;
      if (fields) for (const res of fields.values()) out.push(ctx.valueId({ kind: "ref", res }));
    }
    return out;
  }

  /** Does calling `method` on one of these objects hand on what it holds? (A summarised object's method that releases.) */
  callReleases(ctx: EngineContext, values: IdSet, method: string): boolean {
    return values.some((id) => {
      const value = ctx.value(id);
      return value.kind === "ref" && this.methods.get(value.res)?.has(method) === true;
    });
  }
}

/** The slot keys a symbolic value reads (`a`, and `b` of `a ?? b`). */
export function slotKeysOf(sym: Sym, out: string[] = []): string[] {
  if (!sym) return out;
  if (sym.t === "slot") out.push(sym.key);
  else if (sym.t === "union") for (const part of sym.parts) slotKeysOf(part, out);
  return out;
}

/** The method a call event calls on its receiver (`dispose` of `buf.dispose()`), if it is a method call. */
export function calledMethod(node: Node): string | null {
  return node.type === "CallExpression" && node.callee.type === "MemberExpression" ? memberName(node.callee) : null;
}

function isCertainlyIn(facts: FactTable, id: number, phase: Phase): boolean {
  const fact = facts.get(id);
  return fact.phase === phase && !fact.uncertain;
}

/**
 * The object a function returns, from what each `return` hands out: a property is a field when
 * it holds a pointer the function acquired and still holds; optional when some return lacks it
 * (`return null` on failure, `result.srv` set only when asked for). Null when no return has one.
 */
export interface ReturnedFields {
  fields: Map<string, Resource>;
  optional: Set<string>;
  shared: Set<string>;
  /** Fields returned beside the box they were read from, by the box's property (`context` -> `ppContext`). */
  boxes?: Map<string, string>;
  methods: readonly string[];
  /** Properties the object's methods set to a pointer: owned once set, so optional (owed from the caller's first use). */
  setByMethods: readonly string[];
}

export function returnedObject(returns: ReturnedFields[], nullable: boolean): ReturnedObject | null {
  const names = new Set(returns.flatMap((r) => [...r.fields.keys(), ...r.setByMethods]));
  if (names.size === 0) return null;
  const fields = [...names].map((name) => {
    const holders = returns.filter((r) => r.fields.has(name));
    // Set by a method only: the object also filed away (`activeGpu = gpu`) shares it like its other fields.
    if (holders.length === 0) return { name, ffi: true, optional: true, ...(returns.some((r) => r.shared.size > 0) ? { shared: true } : {}) };
    const optional = holders.length < returns.length || holders.some((r) => r.optional.has(name));
    const shared = holders.some((r) => r.shared.has(name));
    const boxes = new Set(holders.map((r) => r.boxes?.get(name)));
    const box = boxes.size === 1 ? [...boxes][0] : undefined;
    return { name, ffi: holders.every((r) => r.fields.get(name)!.ffi), optional, ...(shared ? { shared } : {}), ...(box !== undefined ? { box } : {}) };
  });
  return { fields, releasingMethods: [...new Set(returns.flatMap((r) => r.methods))], ...(nullable ? { nullable } : {}) };
}
