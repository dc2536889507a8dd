/**
 * What the scope manager knows of an identifier (reference-scopes.ts): the variable a resolved
 * reference names, the scope an unresolved one was made in, found by where the identifier starts.
 */
import * as assert from "node:assert/strict";
import { parseForESLint } from "@typescript-eslint/parser";
import { SourceCode } from "eslint";
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { referenceScopes } from "./internals";

const { ReferenceScopes } = referenceScopes;

function parsed(code: string) {
  const result = parseForESLint(code, { range: true, loc: true, tokens: true, comment: true });
  const sourceCode = new SourceCode({ text: code, ast: result.ast as never, scopeManager: result.scopeManager as never, parserServices: result.services, visitorKeys: result.visitorKeys as never });
  const identifiers: TSESTree.Identifier[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as Record<string, unknown>;
    if (typeof n.type !== "string") return;
    if (n.type === "Identifier") identifiers.push(n as unknown as TSESTree.Identifier);
    for (const key of Object.keys(n)) if (key !== "parent" && key !== "loc" && key !== "range") visit(n[key]);
  };
  visit(result.ast);
  // Every identifier of that name, in source order.
  const named = (name: string) => identifiers.filter((id) => id.name === name).sort((a, b) => a.range[0] - b.range[0]);
  return { scopes: new ReferenceScopes(sourceCode), named };
}

/** An identifier stand-in at `start` (the index only reads the range; the scope walk reads nothing of it here). */
const identifier = (name: string, start: number) => ({ type: "Identifier", name, range: [start, start + name.length] }) as unknown as TSESTree.Identifier;

describe("reference scopes", () => {
  it("names the variable of every resolved reference, the declaration's own write included", () => {
    const { scopes, named } = parsed("const p = make();\nfunction f(q: number) { const r = p; return r + q; }\n");
    const [declared, read] = named("p");
    assert.equal(scopes.knownVariable(declared)?.name, "p");
    assert.equal(scopes.knownVariable(read), scopes.knownVariable(declared));
    const [, qRead] = named("q");
    assert.equal(scopes.knownVariable(qRead)?.name, "q");
    assert.equal(scopes.knownVariable(qRead)?.scope.type, "function");
  });

  it("knows no variable for a name that is no reference (a parameter's declaration) or that nothing declares (a global)", () => {
    const { scopes, named } = parsed("function f(q: number) { return make(q); }\n");
    const [qDeclared] = named("q");
    assert.equal(scopes.knownVariable(qDeclared), undefined);
    const [make] = named("make");
    assert.equal(scopes.knownVariable(make), undefined);
  });

  it("finds an unresolved reference's scope where it was referenced, as getScope would", () => {
    const { scopes, named } = parsed("function f() { { return make(); } }\n");
    const [make] = named("make");
    assert.equal(scopes.scopeOf(make).type, "block");
  });

  it("keeps two referenced identifiers that start at the same offset apart (one resolved, one not)", () => {
    const variable = { name: "a" } as unknown as Scope.Variable;
    const block = { type: "Program", range: [0, 10] };
    const from = { type: "module", block, childScopes: [] } as unknown as Scope.Scope;
    const resolvedId = identifier("a", 2);
    const unresolvedId = identifier("a", 2);
    const fallback = { type: "global" } as unknown as Scope.Scope;
    const sourceCode = {
      text: "0123456789",
      scopeManager: { scopes: [{ references: [{ identifier: resolvedId, resolved: variable, from }, { identifier: unresolvedId, resolved: null, from }] }] },
      getScope: () => fallback,
    };
    const scopes = new ReferenceScopes(sourceCode as never);
    assert.equal(scopes.knownVariable(resolvedId), variable);
    assert.equal(scopes.knownVariable(unresolvedId), undefined);
    assert.equal(scopes.scopeOf(unresolvedId), from);
    assert.equal(scopes.scopeOf(resolvedId), fallback, "a resolved reference's scope comes from the walk");
    assert.equal(scopes.knownVariable(identifier("a", 2)), undefined, "another identifier at that offset is no reference");
  });
});
