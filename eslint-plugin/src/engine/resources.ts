/**
 * The things one file's analysis tracks, interned once per file: resources
 * (pointers and call objects), the values slots may hold, the call objects a
 * function did not create (one per function and slot), and what each Begin_
 * and Finish_ call was. Recording creates them; the solver and the
 * transitions look them up by id.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Resource, Sym, Value } from "./model";
import type { FunctionGraph } from "./segment-graph";
import { unwrapExpression } from "./ast";

type Node = TSESTree.Node;

/** What a call is made on, for its name: `call` in `call.Begin_X()` and in `vcall(call, BEGIN_X, [], [])`. */
function receiverOf(site: Node): Node {
  if (site.type !== "CallExpression") return site;
  if (site.callee.type === "MemberExpression" && site.arguments.length === 0) return site.callee.object;
  if (site.callee.type === "MemberExpression" && !/(^|\.)(call|vcall|symbols|lpVtbl|vtbl|vt)$/i.test(site.callee.property.type === "Identifier" ? site.callee.property.name : "")) return site.callee.object;
  return site.arguments[0] ?? site;
}

export interface BeginInfo {
  recv: Sym;
  recvKey: string | null;
  method: string;
  /** `Begin_GetPrice`, or the helper's callee text for a helper that begins. */
  name: string;
  /** Begun through the object's vtable (`vcall(call, ..._BEGIN_X)`): its object has no Finish_ method to call. */
  viaVtable?: boolean;
}

export class ResourceTable {
  private readonly values: Value[] = [];
  private readonly valueIds = new Map<string, number>();
  private readonly resources: Resource[] = [];
  private readonly externals = new Map<FunctionGraph, Map<string, Resource>>();
  /** The resource each acquiring call (or summarised helper call) creates. */
  readonly acquireSites = new Map<Node, Resource>();
  /** The pointers of a call's other boxes (`D3DCompile`'s code blob besides its error blob): its HRESULT decides them all. */
  readonly extraAcquires = new Map<Node, Resource[]>();
  /** A call whose value is a callback's acquiring call's (`withBuffer(iid, (a) => vcall(obj, QI, [a, ptr(out)]))`): that call, by the outer one. */
  readonly callbackResults = new Map<Node, Node>();
  /** Every Begin_ (and helper call that begins): its receiver and method. */
  readonly begins = new Map<Node, BeginInfo>();
  /** The method each Finish_ call finishes (summaries read it from the exit facts). */
  readonly finishes = new Map<Node, string>();

  constructor(private readonly text: (node: Node) => string) {}

  value(id: number): Value {
    return this.values[id];
  }

  valueId(value: Value): number {
    const key =
      value.kind === "hrBegin" ? `b${value.begin.range[0]}:${value.begin.range[1]}` : value.kind === "hrTest" ? `t${value.failed ? 1 : 0}:${value.of}` : `${value.kind}${value.res.id}`;
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.valueIds.set(key, id);
    }
    return id;
  }

  resource(id: number): Resource {
    return this.resources[id];
  }

  /**
   * A site's text as a message names it: whole up to 60 characters; a longer call by its callee, its arguments elided
   * (`com.createInstance(…)`), a long callee by its last names (`….activeSelection.QueryInterface(…)`); else cut, marked `…`.
   */
  private shortText(site: Node): string {
    const text = this.text(site);
    if (text.length <= 60) return text;
    if (site.type !== "CallExpression" && site.type !== "NewExpression") return `${text.slice(0, 59)}…`;
    let callee = this.text(site.callee);
    // Leading names dropped while it is too long and has a dot left to cut at (`…` then stands for them).
    const names = callee.split(".");
    for (let from = 1; callee.length > 54 && from < names.length; from++) callee = `….${names.slice(from).join(".")}`;
    return `${site.type === "NewExpression" ? "new " : ""}${callee.length > 56 ? `${callee.slice(0, 55)}…` : callee}(…)`;
  }

  create(site: Node, owned: boolean, isCall: boolean, isCancel: boolean, ownerSlot: string | null, acquirer: string): Resource {
    const id = this.resources.length;
    const name = this.shortText(site);
    const res: Resource = {
      id,
      site,
      siteName: name,
      ownKey: owned ? 2 * id : -1,
      protoKey: isCall ? 2 * id + 1 : -1,
      isCancel,
      ownerSlot,
      name,
      ownerStatement: null,
      mayFail: false,
      ffi: false,
      fromBox: false,
      shared: false,
      acquirer,
    };
    this.resources.push(res);
    return res;
  }

  /**
   * The object an acquisition made on the loop's previous pass, while a variable still holds it (`next = parent(element);
   * release(element); element = next`): one more resource per site, like it in all but its id.
   */
  previousOf(res: Resource): Resource {
    let previous = this.previous.get(res);
    if (!previous) {
      const id = this.resources.length;
      previous = { ...res, id, ownKey: 2 * id, protoKey: -1, previousInstance: true };
      this.resources.push(previous);
      this.previous.set(res, previous);
    }
    return previous;
  }

  private readonly previous = new Map<Resource, Resource>();

  externalIfAny(owner: FunctionGraph, key: string): Resource | undefined {
    return this.externals.get(owner.home)?.get(key);
  }

  /** The call object a function did not create, for a slot: one per function (an IIFE shares its caller's). */
  externalCall(owner: FunctionGraph, key: string, site: Node): Resource {
    const home = owner.home;
    let byKey = this.externals.get(home);
    if (!byKey) this.externals.set(home, (byKey = new Map()));
    let res = byKey.get(key);
    if (!res) {
      res = this.create(site, false, true, false, null, "");
      res.name = this.shortText(receiverOf(site));
      byKey.set(key, res);
    }
    return res;
  }

  /**
   * The pointer a slot holds that this function did not acquire (a parameter, a field), once the function releases it
   * (`p.Release(); p.Release()` on a parameter is a double Release all the same): one per function and slot.
   */
  externalPointer(owner: FunctionGraph, key: string, released: Node, ffi: boolean): Resource {
    const home = owner.home;
    let byKey = this.externalPointers.get(home);
    if (!byKey) this.externalPointers.set(home, (byKey = new Map()));
    let res = byKey.get(key);
    if (!res) {
      res = this.create(unwrapExpression(released), true, false, false, null, "");
      res.ffi = ffi;
      res.external = true;
      byKey.set(key, res);
    }
    return res;
  }

  private readonly externalPointers = new Map<FunctionGraph, Map<string, Resource>>();

  registerBegin(node: Node, info: BeginInfo): void {
    if (!this.begins.has(node)) this.begins.set(node, info);
  }
}
