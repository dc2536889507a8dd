/**
 * The text edits repairs are made of (util/edits.ts): each leaves code that
 * parses, on the same path as the place it repairs. Every edit is applied as
 * an autofix of a throwaway rule at the call `mark()` (or the statement that
 * holds it), and the output is compared and re-parsed.
 */
import * as assert from "node:assert/strict";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { edits } from "./internals";

type Edit = (fixer: TSESLint.RuleFixer, sourceCode: Readonly<TSESLint.SourceCode>, mark: TSESTree.CallExpression, statement: TSESTree.Node) => TSESLint.RuleFix | null;

/** The statement holding `node` whose parent is a block (the "owner" of the repairs). */
function statementInBlock(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent && !edits.isBlockLike(current.parent)) current = current.parent;
  return current;
}

/** Applies `edit` at the first `mark()` call; returns the fixed text (unchanged when the edit gave null). */
function apply(code: string, edit: Edit): string {
  const rule = {
    meta: { type: "problem" as const, fixable: "code" as const, schema: [], messages: { m: "m" } },
    create(context: TSESLint.RuleContext<"m", []>) {
      let done = false;
      return {
        'CallExpression[callee.name="mark"]'(node: TSESTree.CallExpression) {
          if (done) return;
          done = true;
          context.report({ node, messageId: "m", fix: (fixer) => edit(fixer, context.sourceCode, node, statementInBlock(node)) });
        },
      };
    },
  };
  const linter = new Linter({ configType: "flat" });
  const config = [{ files: ["**/*.ts"], plugins: { t: { rules: { edit: rule as never } } }, rules: { "t/edit": "error" as const }, languageOptions: { parser: tsParser as never } }];
  // One pass (verifyAndFix would apply the edit again and again).
  const messages = linter.verify(code, config, "file.ts");
  assert.equal(messages.length, 1, JSON.stringify(messages));
  const fix = messages[0].fix;
  const output = fix ? code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]) : code;
  assert.doesNotThrow(() => tsParser.parse(output, { range: true }), `the edit left code that does not parse:\n${output}`);
  return output;
}

const insertBefore: Edit = (fixer, sourceCode, mark) => edits.insertBefore(fixer, sourceCode, mark, "p.Release();");

describe("edits", () => {
  describe("insertBefore", () => {
    it("inserts a statement on its own line, indented like the one it precedes", () => {
      assert.equal(apply("function f(p) {\n  use(p);\n  return mark();\n}\n", insertBefore), "function f(p) {\n  use(p);\n  p.Release();\n  return mark();\n}\n");
    });

    it("adds braces around the unbraced body of an if, so the statement stays on that path", () => {
      const output = apply("function f(p, x) {\n  if (x) return mark();\n  use(p);\n}\n", insertBefore);
      assert.equal(output, "function f(p, x) {\n  if (x) { p.Release(); return mark(); }\n  use(p);\n}\n");
    });

    it("adds braces around the unbraced body of else and of loops", () => {
      assert.equal(apply("if (a) b(); else mark();", insertBefore), "if (a) b(); else { p.Release(); mark(); }");
      assert.equal(apply("while (a) mark();", insertBefore), "while (a) { p.Release(); mark(); }");
      assert.equal(apply("for (const x of xs) if (x) throw mark();", insertBefore), "for (const x of xs) if (x) { p.Release(); throw mark(); }");
    });

    it("inserts directly into a switch case", () => {
      assert.equal(apply("switch (k) {\n  case 1:\n    mark();\n    break;\n}", insertBefore), "switch (k) {\n  case 1:\n    p.Release();\n    mark();\n    break;\n}");
    });
  });

  describe("insertAfter", () => {
    const finish = /^\s*[\w$.]+\.Release\(\)\s*;?\s*$/;
    it("goes after the statement and after the Release statements that directly follow it", () => {
      const code = "function f(call, cancel) {\n  mark();\n  cancel.Release();\n  log(1);\n}\n";
      assert.equal(apply(code, (fixer, sc, mark) => edits.insertAfter(fixer, sc, mark, "call.Finish_GetPrice();", finish)), "function f(call, cancel) {\n  mark();\n  cancel.Release();\n  call.Finish_GetPrice();\n  log(1);\n}\n");
      assert.equal(apply(code, (fixer, sc, mark) => edits.insertAfter(fixer, sc, mark, "call.Finish_GetPrice();", null)), "function f(call, cancel) {\n  mark();\n  call.Finish_GetPrice();\n  cancel.Release();\n  log(1);\n}\n");
    });

    it("adds braces around an unbraced body", () => {
      assert.equal(apply("if (x) mark();", (fixer, sc, mark) => edits.insertAfter(fixer, sc, mark, "done();", null)), "if (x) { mark(); done(); }");
    });
  });

  describe("wrapRestInFinally", () => {
    const wrap: Edit = (fixer, sc, _mark, owner) => edits.wrapRestInFinally(fixer, sc, owner, "p.Release();", "p");

    it("wraps the statements after the owner in try/finally, re-indented", () => {
      const code = "function f(c) {\n  const p = mark();\n  use(p);\n  if (x) {\n    return 1;\n  }\n}\n";
      assert.equal(apply(code, wrap), "function f(c) {\n  const p = mark();\n  try {\n    use(p);\n    if (x) {\n      return 1;\n    }\n  } finally {\n    p.Release();\n  }\n}\n");
    });

    it("works at the top level of a module", () => {
      assert.equal(apply("const p = mark();\nuse(p);\n", wrap), "const p = mark();\ntry {\n  use(p);\n} finally {\n  p.Release();\n}\n");
    });

    it("refuses when nothing follows, or when what follows cannot move into a block", () => {
      for (const code of ["function f() {\n  const p = mark();\n}\n", "const p = mark();\nfunction g() {}\n", "const p = mark();\nexport const q = p;\n"]) {
        assert.equal(apply(code, wrap), code, code);
      }
    });

    it("leaves the exits on a null pointer right after the owner before the try: a finally would release nothing", () => {
      const code = "function f(c) {\n  const p = mark();\n  if (!p) return 0;\n  if (p === null) {\n    log();\n    throw new Error();\n  }\n  use(p);\n}\n";
      assert.equal(apply(code, wrap), "function f(c) {\n  const p = mark();\n  if (!p) return 0;\n  if (p === null) {\n    log();\n    throw new Error();\n  }\n  try {\n    use(p);\n  } finally {\n    p.Release();\n  }\n}\n");
    });

    it("leaves a null test of the object a field pointer belongs to before the try (target for target.item)", () => {
      const code = "function f() {\n  const target = mark();\n  if (!target) return -1;\n  use(target.item);\n}\n";
      const field: Edit = (fixer, sc, _mark, owner) => edits.wrapRestInFinally(fixer, sc, owner, "release(target.item);", "target.item");
      assert.equal(apply(code, field), "function f() {\n  const target = mark();\n  if (!target) return -1;\n  try {\n    use(target.item);\n  } finally {\n    release(target.item);\n  }\n}\n");
    });

    it("wraps a test of another name, a test that does not leave, and a null test after other statements", () => {
      const code = "function f(q) {\n  const p = mark();\n  if (!q) return 0;\n  if (!p) log();\n  use(p);\n  if (!p) return 1;\n}\n";
      assert.equal(apply(code, wrap), "function f(q) {\n  const p = mark();\n  try {\n    if (!q) return 0;\n    if (!p) log();\n    use(p);\n    if (!p) return 1;\n  } finally {\n    p.Release();\n  }\n}\n");
    });

    it("agrees with wrappableRest", () => {
      const seen: boolean[] = [];
      for (const code of ["function f() {\n  const p = mark();\n  use(p);\n}\n", "function f() {\n  const p = mark();\n}\n", "function f() {\n  const p = mark();\n  if (!p) return;\n}\n"]) {
        apply(code, (_fixer, sc, _mark, owner) => (seen.push(edits.wrappableRest(owner, sc, "p") !== null), null));
      }
      apply("if (x) mark();", (_fixer, sc, mark) => (seen.push(edits.wrappableRest(mark.parent, sc, "p") !== null), null));
      assert.deepEqual(seen, [true, false, false, false]);
    });
  });

  describe("insertAtBlockEnd", () => {
    const atEnd: Edit = (fixer, sc, _mark, owner) => edits.insertAtBlockEnd(fixer, sc, owner, "p.Release();");

    it("inserts before a final return, where it still runs", () => {
      assert.equal(apply("function f() {\n  const p = mark();\n  use(p);\n  return 1;\n}\n", atEnd), "function f() {\n  const p = mark();\n  use(p);\n  p.Release();\n  return 1;\n}\n");
    });

    it("inserts before a final throw, break or continue", () => {
      assert.equal(apply("for (;;) {\n  const p = mark();\n  break;\n}\n", atEnd), "for (;;) {\n  const p = mark();\n  p.Release();\n  break;\n}\n");
      assert.equal(apply("function f() {\n  const p = mark();\n  throw e;\n}\n", atEnd), "function f() {\n  const p = mark();\n  p.Release();\n  throw e;\n}\n");
    });

    it("appends after the last statement otherwise", () => {
      assert.equal(apply("function f() {\n  const p = mark();\n  use(p);\n}\n", atEnd), "function f() {\n  const p = mark();\n  use(p);\n  p.Release();\n}\n");
    });

    it("refuses an owner that is not in a block", () => {
      assert.equal(apply("if (x) mark();", (fixer, sc, mark) => edits.insertAtBlockEnd(fixer, sc, mark.parent, "p.Release();")), "if (x) mark();");
    });
  });
});
