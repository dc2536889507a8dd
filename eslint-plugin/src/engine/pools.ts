/**
 * Collections of COM objects the file keeps itself: a pointer the code stores, owned, into a Map, Set or
 * array of its own (`stagingPool.set(size, staging)`, `liveObjects.push(p)`) is the collection's from then on
 * (an escape, spec 2a shape 9). Emptying that collection (`pool.clear()`, `list.length = 0`, `list.splice(0)`,
 * assigning the variable again) drops every object in it, unless the code first went over its elements
 * (`for (const s of pool.values()) comRelease(s)`) or handed them on (`releaseAll(pool)`, `const old = pool`)
 * earlier in the same function. Judged on the text of that function: no path is enumerated.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Scope } from "eslint";
import { enclosingStatement, memberName, mentionsName, rootOf, unwrapExpression, walk } from "./ast";
import { enclosingFunction } from "./ast-functions";
import type { MissingRelease } from "./findings";
import type { Resource } from "./model";

type Node = TSESTree.Node;

/** The calls that store into a collection, and which of their arguments are stored. */
const STORES = new Map<string, "value" | "all">([
  ["set", "value"],
  ["push", "all"],
  ["add", "all"],
  ["unshift", "all"],
]);

/** `pool.set(k, v)`, `list.push(p)`: the collection variable (its declared name) and the stored arguments. */
export function poolStore(call: TSESTree.CallExpression, variableOf: (id: TSESTree.Identifier) => Scope.Variable | null): { declared: TSESTree.Identifier; stored: Node[] } | null {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return null;
  const store = STORES.get(callee.property.name);
  const object = unwrapExpression(callee.object);
  if (!store || object.type !== "Identifier") return null;
  const declared = variableOf(object)?.identifiers[0] as TSESTree.Identifier | undefined;
  if (declared?.parent?.type !== "VariableDeclarator" || !isCollection(declared.parent.init)) return null;
  const stored = store === "value" ? call.arguments.slice(1, 2) : call.arguments;
  return { declared, stored: stored as Node[] };
}

/** The value a store puts into its collection: `v` of `pool.set(k, v)`, `p` of `list.push(p)`. */
function storedValue(store: TSESTree.CallExpression): Node | null {
  const callee = unwrapExpression(store.callee);
  const method = callee.type === "MemberExpression" ? memberName(callee) : null;
  const value = store.arguments[method === "set" ? 1 : 0];
  return value && value.type !== "SpreadElement" ? value : null;
}

/** `new Map()`, `new Set()`, `[]`. */
function isCollection(init: Node | null | undefined): boolean {
  const value = init ? unwrapExpression(init) : null;
  return value?.type === "ArrayExpression" || isMap(value) || (value?.type === "NewExpression" && value.callee.type === "Identifier" && value.callee.name === "Set");
}

function isMap(init: Node | null | undefined): boolean {
  const value = init ? unwrapExpression(init) : null;
  return value?.type === "NewExpression" && value.callee.type === "Identifier" && value.callee.name === "Map";
}

/** What the check asks the file's scopes: variables, the local function a callee names, calls that end the process. */
export interface PoolLookups {
  variableOf(id: TSESTree.Identifier): Scope.Variable | null;
  text(node: Node): string;
  localFunction(callee: Node): Node | null;
  endsProcess(call: TSESTree.CallExpression): boolean;
}

export class Pools {
  /** By collection (its declared name): the first owned pointer stored into it, and where. */
  private readonly pooled = new Map<TSESTree.Identifier, { res: Resource; store: Node }>();

  note(declared: TSESTree.Identifier, res: Resource, store: Node): void {
    if (!this.pooled.has(declared)) this.pooled.set(declared, { res, store });
  }

  /**
   * Each place a collection of COM objects is emptied without its elements having been released or handed on
   * before in that function, as a finding in the function (`scope`). `releaseTextOf`: the file's release of one element.
   */
  findings(lookups: PoolLookups, releaseTextOf: (res: Resource, element: string) => { releaseText: string; releaseIsGuess?: boolean }): MissingRelease[] {
    const out: MissingRelease[] = [];
    for (const [declared, { res, store }] of this.pooled) {
      const variable = lookups.variableOf(declared);
      if (!variable) continue;
      const references = variable.references.map((ref) => ref.identifier as TSESTree.Identifier);
      const handling = new HandlingPoints(references, lookups);
      for (const ref of references) {
        const drop = dropAt(ref);
        if (!drop || handling.before(drop) || processEndsAfter(drop, lookups)) continue;
        const keyed = isMap((declared.parent as TSESTree.VariableDeclarator).init);
        // A pointer stored as it was read (`live.push(box.readBigUInt64LE(0))`) has no name of its own: the code's text names it.
        const named = /^[A-Za-z_$][\w$]*$/.test(res.name);
        const element = named ? res.name : "object";
        const stored = store.type === "CallExpression" ? storedValue(store) : null;
        const pointer = named || !stored ? res.name : lookups.text(stored);
        const release = releaseTextOf(res, element);
        out.push({
          kind: "missing-release",
          node: drop,
          pointer,
          acquirer: res.acquirer,
          reached: { dropped: { collection: declared.name, node: drop, store } },
          owner: null,
          exits: [],
          mayBeNull: false,
          releasedOnSomePath: true,
          ...release,
          // An arrow whose body is the expression emptying it has no statement to put the loop before.
          ...(sitsInStatementList(drop) ? { releaseEach: `for (const ${element} of ${declared.name}${keyed ? ".values()" : ""}) ${release.releaseText};` } : {}),
          scope: functionOf(drop),
        });
      }
    }
    return out;
  }
}

/** The expression that empties the collection at this reference: `pool.clear()`, `list.length = 0`, `list.splice(0)`, `list = []`. */
function dropAt(ref: TSESTree.Identifier): Node | null {
  const parent = ref.parent;
  // `list = list.filter(...)`, `list = [...list, p]`: what it held goes on into the new value.
  if (parent?.type === "AssignmentExpression" && parent.left === ref && parent.operator === "=") return mentionsName(parent.right, ref.name) ? null : parent;
  if (parent?.type !== "MemberExpression" || parent.object !== ref || parent.computed || parent.property.type !== "Identifier") return null;
  const name = parent.property.name;
  const use = parent.parent;
  if (name === "length" && use?.type === "AssignmentExpression" && use.left === parent && use.right.type === "Literal" && use.right.value === 0) return use;
  if (use?.type !== "CallExpression" || use.callee !== parent) return null;
  if (name === "clear") return use;
  const [first, count] = use.arguments;
  if (name !== "splice" || first?.type !== "Literal" || first.value !== 0) return null;
  // `splice(0)`, `splice(0, list.length)`: everything.
  const whole = count === undefined || (count.type === "MemberExpression" && count.object.type === "Identifier" && count.object.name === ref.name && memberName(count) === "length");
  return whole && use.arguments.length <= 2 ? use : null;
}

/**
 * Where, in each function, the collection's elements are first gone over or handed on: a loop over it (`of pool`,
 * `of pool.values()`, `of list.splice(0)`) that uses its element, `forEach` with a callback that uses its
 * parameter, an element taken out (`list[i]`, `list.pop()`, `pool.get(k)` given to a call), the collection
 * given to a call or a constructor (`new Set(list)`), bound, returned or spread, or a call of a function of the
 * file that reads it (`releasePool()`). An emptying at or after that point is handled (a loop whose iterable
 * empties the collection, `for (const p of list.splice(0))`, is judged the same way). Any such use counts: a
 * loop that only logs its elements is taken for a release (quiet rather than wrong). One pass over the
 * references and over each function's calls, whatever the number of emptyings.
 */
class HandlingPoints {
  private readonly first = new Map<Node, number>();
  private readonly readers = new Set<Node>();
  private readonly readerCalls = new Map<Node, number>();

  constructor(
    references: readonly TSESTree.Identifier[],
    private readonly lookups: PoolLookups,
  ) {
    for (const ref of references) {
      const fn = functionOf(ref);
      this.readers.add(fn);
      if (isHandlingReference(ref, lookups.variableOf)) this.first.set(fn, Math.min(this.first.get(fn) ?? Infinity, ref.range[0]));
    }
  }

  before(drop: Node): boolean {
    const fn = functionOf(drop);
    return (this.first.get(fn) ?? Infinity) <= drop.range[0] || this.firstReaderCall(fn) < drop.range[0];
  }

  /** Where `fn` first calls another function of the file that reads the collection. */
  private firstReaderCall(fn: Node): number {
    let at = this.readerCalls.get(fn);
    if (at === undefined) {
      at = Infinity;
      const others = new Set([...this.readers].filter((reader) => reader !== fn));
      if (others.size > 0) {
        walk(fn, (child) => {
          if (child.type === "CallExpression" && child.range[0] < at! && others.has(this.lookups.localFunction(child.callee) ?? child) && functionOf(child) === fn) at = child.range[0];
        });
      }
      this.readerCalls.set(fn, at);
    }
    return at;
  }
}

function isHandlingReference(ref: TSESTree.Identifier, variableOf: PoolLookups["variableOf"]): boolean {
  // Up the member calls on the collection: `pool.values()`, `list.slice().reverse()`, `list.splice(0)`.
  let read: Node = ref;
  while (read.parent?.type === "MemberExpression" && read.parent.object === read && read.parent.parent?.type === "CallExpression" && read.parent.parent.callee === read.parent) {
    const method = memberName(read.parent) ?? "";
    if (method === "forEach") return callbackUsesElement(read.parent.parent.arguments[0], variableOf);
    if (method === "pop" || method === "shift") return true;
    if (method === "get") return isHandedOn(read.parent.parent);
    if (!/^(values|entries|slice|reverse|splice|concat|filter)$/.test(method)) return false;
    read = read.parent.parent;
  }
  const parent = read.parent;
  if (parent?.type === "ForOfStatement" && parent.right === read) return loopUsesElement(parent, variableOf, new Set());
  // `list[i]`, read (an element taken out), not written.
  if (read === ref && parent?.type === "MemberExpression" && parent.object === ref) return parent.computed && !(parent.parent?.type === "AssignmentExpression" && parent.parent.left === parent);
  return isHandedOn(read);
}

/** Is the statement holding this expression in a statement list (a block, a switch case, the program)? */
function sitsInStatementList(node: Node): boolean {
  let current: Node = node;
  while (current.parent && !/Statement$|Declaration$/.test(current.type)) {
    if (current.parent.type === "ArrowFunctionExpression") return false;
    current = current.parent;
  }
  const list = current.parent;
  return list?.type === "BlockStatement" || list?.type === "Program" || list?.type === "SwitchCase" || list?.type === "StaticBlock";
}

/** Given to a call or a constructor, bound, returned, spread or assigned. */
function isHandedOn(value: Node): boolean {
  const parent = value.parent;
  return (
    parent?.type === "CallExpression" ||
    parent?.type === "NewExpression" ||
    parent?.type === "VariableDeclarator" ||
    parent?.type === "ReturnStatement" ||
    parent?.type === "SpreadElement" ||
    (parent?.type === "AssignmentExpression" && parent.right === value) ||
    (parent?.type === "TSNonNullExpression" && isHandedOn(parent))
  );
}

/** Is the statement emptying the collection followed, in its block, by a call that ends the process? Nothing is owed there. */
function processEndsAfter(drop: Node, lookups: PoolLookups): boolean {
  const statement = enclosingStatement(drop);
  const block = statement?.parent;
  const body = block?.type === "SwitchCase" ? block.consequent : block && "body" in block && Array.isArray(block.body) ? (block.body as Node[]) : [];
  return statement === null ? false : body.slice(body.indexOf(statement) + 1).some((next) => next.type === "ExpressionStatement" && next.expression.type === "CallExpression" && lookups.endsProcess(next.expression));
}

function loopUsesElement(loop: TSESTree.ForOfStatement, variableOf: PoolLookups["variableOf"], seen: Set<Scope.Variable>): boolean {
  const left = loop.left.type === "VariableDeclaration" ? loop.left.declarations[0]?.id : loop.left;
  if (!left) return false;
  if (left.type !== "Identifier") return true; // destructured: its parts are used somewhere
  return usesElement(left, variableOf, seen);
}

function callbackUsesElement(callback: Node | undefined, variableOf: PoolLookups["variableOf"]): boolean {
  if (!callback || (callback.type !== "ArrowFunctionExpression" && callback.type !== "FunctionExpression")) return callback !== undefined;
  const param = callback.params[0];
  return param === undefined ? false : param.type !== "Identifier" || usesElement(param, variableOf, new Set());
}

/**
 * Is the element used, other than as the collection of an inner loop that does not use its own element? (`seen`: the
 * variables asked already: `for (var o of list) for (var o of o)` declares one variable twice.)
 */
function usesElement(element: TSESTree.Identifier, variableOf: PoolLookups["variableOf"], seen: Set<Scope.Variable>): boolean {
  const variable = variableOf(element);
  if (!variable) return true;
  if (seen.has(variable)) return false;
  seen.add(variable);
  return variable.references.some((reference) => {
    const id = reference.identifier as TSESTree.Identifier;
    if (id === element || reference.init) return false;
    const parent = id.parent;
    return parent?.type === "ForOfStatement" && parent.right === id ? loopUsesElement(parent, variableOf, seen) : true;
  });
}

/** The function a node is in, or the program at the top level: whose code path its findings belong to. */
function functionOf(node: Node): Node {
  return enclosingFunction(node) ?? rootOf(node);
}
