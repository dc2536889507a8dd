/**
 * The naming options: how malformed options fall back to the defaults (the
 * language server and tests drive the engine without ESLint's validation),
 * and that the schema every rule shares is a valid JSON schema that accepts
 * the defaults and refuses what the engine could not use.
 */
import * as assert from "node:assert/strict";
import Ajv from "ajv";
import { DEFAULT_NAMING, NAMING_SCHEMA_PROPERTIES, namingProblem, namingSchema, resolveNaming } from "eslint-plugin-com-async/options";
import { Linter } from "eslint";
import plugin from "eslint-plugin-com-async";
import type { NamingOptions } from "eslint-plugin-com-async/options";

const resolve = (raw: unknown) => resolveNaming(raw as Partial<NamingOptions>);

describe("naming options", () => {
  describe("resolveNaming", () => {
    it("gives the defaults for no options", () => {
      assert.deepEqual(resolveNaming(undefined), DEFAULT_NAMING);
      assert.deepEqual(resolve({}), DEFAULT_NAMING);
    });

    it("falls back to the defaults, without throwing, for options that are not an object", () => {
      for (const raw of [null, 0, 42, "Begin_", true, [], Symbol("x"), () => 1]) assert.deepEqual(resolve(raw), DEFAULT_NAMING, String(raw?.toString()));
    });

    it("keeps a valid option and completes the rest", () => {
      const naming = resolve({ beginPrefix: "Start_", releaseMethods: ["Dispose"] });
      assert.equal(naming.beginPrefix, "Start_");
      assert.deepEqual(naming.releaseMethods, ["Dispose"]);
      assert.equal(naming.finishPrefix, DEFAULT_NAMING.finishPrefix);
      assert.deepEqual(naming.queryInterfaceMethods, DEFAULT_NAMING.queryInterfaceMethods);
    });

    it("keeps the default prefixes where the options give Begin_ and Finish_ one prefix (every Begin_ would be a Finish_ too), and says so", () => {
      assert.deepEqual([resolve({ beginPrefix: "Begin_", finishPrefix: "Begin_" }).beginPrefix, resolve({ beginPrefix: "Begin_", finishPrefix: "Begin_" }).finishPrefix], ["Begin_", "Finish_"]);
      assert.deepEqual([resolve({ finishPrefix: "Begin_" }).beginPrefix, resolve({ finishPrefix: "Begin_" }).finishPrefix], ["Begin_", "Finish_"]);
      assert.equal(namingProblem({ finishPrefix: "Begin_" }), 'the rule options give beginPrefix and finishPrefix one value ("Begin_")');
      assert.equal(namingProblem({ beginPrefix: "Start_", finishPrefix: "End_" }), null);
      assert.equal(namingProblem(undefined), null);
    });

    it("reports one prefix for Begin_ and Finish_ under the rule given it, once per file, at its start, and checks the file with the defaults", () => {
      const naming = { beginPrefix: "Begin_", finishPrefix: "Begin_" };
      // Only begin-while-pending is misconfigured; cancel-without-finish, created first, drives the file's analysis.
      const rules = { ...Object.fromEntries(Object.keys(plugin.rules).map((name) => [`com-async/${name}`, "error"])), "com-async/begin-while-pending": ["error", naming] };
      const code = "function f(call) {\n  call.Begin_GetPrice();\n  call.Begin_GetPrice();\n}\n";
      const messages = new Linter().verify(code, [{ plugins: { "com-async": plugin }, rules }] as unknown as Linter.Config[], "a.js");
      assert.deepEqual(
        messages.map((m) => `${m.line}:${m.column} ${m.ruleId}${m.line === 1 ? ` ${m.message}` : ""}`),
        ['1:1 com-async/begin-while-pending com-async ignored a setting: the rule options give beginPrefix and finishPrefix one value ("Begin_"); the default holds in its place.', "3:3 com-async/begin-while-pending"],
      );
      const everyRule = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`com-async/${name}`, ["error", naming]]));
      const said = new Linter().verify(code, [{ plugins: { "com-async": plugin }, rules: everyRule }] as unknown as Linter.Config[], "a.js").filter((m) => m.line === 1);
      assert.deepEqual(said.map((m) => m.ruleId).sort(), Object.keys(plugin.rules).map((name) => `com-async/${name}`).sort(), "each misconfigured rule says so, once");
    });

    it("replaces a list instead of merging it with the default", () => {
      assert.deepEqual(resolve({ releaseFunctions: ["dispose"] }).releaseFunctions, ["dispose"]);
    });

    it("drops each malformed option on its own", () => {
      const naming = resolve({
        beginPrefix: "",
        finishPrefix: 7,
        releaseMethods: ["Release", 3],
        cancelMethods: "Cancel",
        iidPattern: "(unclosed",
        addRefMethods: ["Ref"],
        unknownOption: ["x"],
      });
      assert.equal(naming.beginPrefix, DEFAULT_NAMING.beginPrefix);
      assert.equal(naming.finishPrefix, DEFAULT_NAMING.finishPrefix);
      assert.deepEqual(naming.releaseMethods, DEFAULT_NAMING.releaseMethods);
      assert.deepEqual(naming.cancelMethods, DEFAULT_NAMING.cancelMethods);
      assert.equal(naming.iidPattern, DEFAULT_NAMING.iidPattern);
      assert.deepEqual(naming.addRefMethods, ["Ref"]);
      assert.ok(!("unknownOption" in naming));
    });

    it("keeps well-formed acquire functions, fills in their defaults, and drops the rest", () => {
      const naming = resolve({
        acquireFunctions: [
          { name: "queryInterface" },
          { name: "make", sourceArgument: -1, iidArgument: 0, failureValue: "0n" },
          { sourceArgument: 1 },
          "createThing",
          null,
          { name: "odd", sourceArgument: 1.5, failureValue: "false", outArgument: -7 },
          { name: "ns.create", outArgument: 2, failureValue: "throws" },
          { name: "" },
        ],
      });
      assert.deepEqual(naming.acquireFunctions, [
        { name: "queryInterface", sourceArgument: 0, iidArgument: 1, outArgument: -1, failureValue: "null" },
        { name: "make", sourceArgument: -1, iidArgument: 0, outArgument: -1, failureValue: "0n" },
        { name: "odd", sourceArgument: 0, iidArgument: 1, outArgument: -1, failureValue: "null" },
        { name: "ns.create", sourceArgument: 0, iidArgument: 1, outArgument: 2, failureValue: "throws" },
      ]);
    });

    it("keeps well-formed queryInterfaceArguments, fills in their defaults, and drops the rest", () => {
      const naming = resolve({
        queryInterfaceArguments: [{ method: "queryInterface", iidArgument: 1, outArgument: 0 }, { method: "QI", objectArgument: 0, iidArgument: -1 }, { iidArgument: 1 }, "QueryInterface", null],
      });
      assert.deepEqual(naming.queryInterfaceArguments, [
        { method: "queryInterface", objectArgument: -1, iidArgument: 1, outArgument: 0 },
        { method: "QI", objectArgument: 0, iidArgument: 0, outArgument: -1 },
      ]);
    });

    it("ignores acquireFunctions that is not a list", () => {
      assert.deepEqual(resolve({ acquireFunctions: { name: "queryInterface" } }).acquireFunctions, []);
    });

    it("never throws on hostile values of every option", () => {
      const odd = [null, undefined, NaN, -1, "", "x", [], [null], [[]], {}, Object.create(null), () => 0, Symbol("s"), 10n];
      for (const key of Object.keys(DEFAULT_NAMING)) {
        for (const value of odd) {
          const naming = resolve({ [key]: value });
          assert.equal(typeof naming.beginPrefix, "string");
          assert.doesNotThrow(() => new RegExp(naming.iidPattern));
        }
      }
    });
  });

  describe("namingSchema", () => {
    // ESLint validates rule options with ajv 6 against draft-04 schemas.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const draft04 = require("ajv/lib/refs/json-schema-draft-04.json");
    // (`logger: false`: with `meta: false` ajv 6 warns "meta-schema not available" on stdout before the draft-04 one is added.)
    const ajv = new Ajv({ schemaId: "auto", meta: false, allErrors: true, logger: false });
    ajv.addMetaSchema(draft04);
    const [schema] = namingSchema();
    const validate = ajv.compile(schema as object);

    it("is a valid JSON schema (draft-04, as ESLint checks it)", () => {
      // Validated as data against the meta-schema: ajv.validateSchema without a default
      // meta-schema only warns and says yes.
      const isSchema = ajv.compile(draft04);
      assert.equal(isSchema(schema), true, ajv.errorsText(isSchema.errors));
      assert.equal(isSchema({ type: "object", properties: { beginPrefix: { type: "text" } } }), false, "the meta-schema check can fail");
    });

    it("describes exactly the naming options", () => {
      assert.deepEqual(Object.keys(NAMING_SCHEMA_PROPERTIES).sort(), Object.keys(DEFAULT_NAMING).sort());
      assert.deepEqual(Object.keys((schema as { properties: object }).properties).sort(), Object.keys(DEFAULT_NAMING).sort());
    });

    it("accepts the defaults and a typical binding's options", () => {
      assert.equal(validate(DEFAULT_NAMING), true, ajv.errorsText(validate.errors));
      assert.equal(validate({ beginPrefix: "Start_", releaseFunctions: ["dispose"], acquireFunctions: [{ name: "queryInterface", failureValue: "0n" }, { name: "ns.create", outArgument: 2, failureValue: "throws" }], queryInterfaceArguments: [{ method: "queryInterface", iidArgument: 1, outArgument: 0 }] }), true, ajv.errorsText(validate.errors));
    });

    it("refuses what resolveNaming would drop", () => {
      for (const bad of [{ beginPrefix: "" }, { releaseMethods: ["Release", 3] }, { cancelMethods: "Cancel" }, { unknownOption: 1 }, { acquireFunctions: [{ sourceArgument: 1 }] }, { acquireFunctions: [{ name: "f", failureValue: "false" }] }, { acquireFunctions: [{ name: "f", outArgument: -2 }] }, { queryInterfaceArguments: [{ iidArgument: 1 }] }, { queryInterfaceArguments: [{ method: "q", extra: 1 }] }, { iidPattern: "(" }]) {
        assert.equal(validate(bad), false, JSON.stringify(bad));
      }
    });

    it("adds a rule's extra properties next to the shared ones", () => {
      const [withExtra] = namingSchema({ strictness: { type: "boolean", description: "x" } });
      assert.ok("strictness" in (withExtra as { properties: object }).properties);
      assert.ok("beginPrefix" in (withExtra as { properties: object }).properties);
    });
  });
});
