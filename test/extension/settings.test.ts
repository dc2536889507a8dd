/**
 * The server's settings validator (extension/src/server/settings.ts): what a
 * client sends is never trusted; every odd value falls back to its default
 * with one message naming it, good values next to it are kept, and nothing throws.
 */
import * as assert from "node:assert/strict";
import { settingsModule } from "./server-modules";

const { DEFAULT_SETTINGS, RULE_NAMES, validateSettings } = settingsModule;

describe("server settings", () => {
  it("are the defaults, without messages, when the client sends nothing", () => {
    for (const raw of [undefined, null, {}]) {
      const { settings, problems } = validateSettings(raw);
      assert.deepEqual(settings, DEFAULT_SETTINGS);
      assert.deepEqual(problems, []);
    }
  });

  it("are the defaults, with one message, when the section is not an object", () => {
    for (const raw of ["strict", 42, true, ["enable"]]) {
      const { settings, problems } = validateSettings(raw);
      assert.deepEqual(settings, DEFAULT_SETTINGS, JSON.stringify(raw));
      assert.equal(problems.length, 1);
      assert.match(problems[0], /must be an object/);
    }
  });

  it("keep every valid value", () => {
    const { settings, problems } = validateSettings({
      enable: false,
      run: "onSave",
      debounce: 0,
      ruleset: "strict",
      rules: { "missing-release": "warn" },
      naming: { beginPrefix: "Start_" },
      maxFileSize: 0,
      useWorkspaceConfig: false,
      fastParser: false,
      incremental: false,
      verbose: true,
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      enable: false,
      run: "onSave",
      debounce: 0,
      ruleset: "strict",
      rules: { "missing-release": "warn" },
      naming: { beginPrefix: "Start_" },
      maxFileSize: 0,
      useWorkspaceConfig: false,
      fastParser: false,
      incremental: false,
      verbose: true,
    });
  });

  const odd: [string, unknown][] = [
    ["enable", "yes"],
    ["enable", 1],
    ["fastParser", "false"],
    ["incremental", 0],
    ["useWorkspaceConfig", null],
    ["verbose", {}],
    ["run", "always"],
    ["run", 0],
    ["ruleset", "all"],
    ["debounce", "soon"],
    ["debounce", -1],
    ["debounce", 10_001],
    ["debounce", Number.NaN],
    ["debounce", Number.POSITIVE_INFINITY],
    ["maxFileSize", -3],
    ["maxFileSize", "1MB"],
  ];
  for (const [key, value] of odd) {
    it(`replace ${key}: ${typeof value === "number" ? String(value) : JSON.stringify(value)} by its default, naming the setting`, () => {
      const { settings, problems } = validateSettings({ [key]: value, verbose: key === "verbose" ? value : true });
      assert.equal(settings[key as keyof typeof settings], DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS]);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.ok(problems[0].startsWith(`comAsync.${key}: `), problems[0]);
      if (key !== "verbose") assert.equal(settings.verbose, true, "the valid setting next to it is kept");
    });
  }

  it("round a fractional debounce and floor a fractional size", () => {
    const { settings } = validateSettings({ debounce: 99.6, maxFileSize: 10.9 });
    assert.equal(settings.debounce, 100);
    assert.equal(settings.maxFileSize, 10);
  });

  it("accept ESLint's and LSP's severity words and the com-async/ prefix", () => {
    const { settings, problems } = validateSettings({
      rules: { "com-async/missing-release": 1, "cancel-without-finish": "warning", "begin-while-pending": "information", "use-after-release": 0, "mismatched-finish": 2, "finish-without-begin": "hint" },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.rules, { "missing-release": "warn", "cancel-without-finish": "warn", "begin-while-pending": "info", "use-after-release": "off", "mismatched-finish": "error", "finish-without-begin": "hint" });
  });

  it("drop unknown rules and bad severities one by one, keeping the rest", () => {
    const { settings, problems } = validateSettings({ rules: { "no-such-rule": "off", "missing-release": "loud", "use-after-release": "warn" } });
    assert.deepEqual(settings.rules, { "use-after-release": "warn" });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /unknown rule "no-such-rule" \(known: /);
    for (const name of RULE_NAMES) assert.ok(problems[0].includes(name), "the message lists the known rules");
    assert.match(problems[1], /"missing-release".*"loud" is not one of off, hint, info, warn, error/);
  });

  it("ignore rules and naming that are not objects", () => {
    const { settings, problems } = validateSettings({ rules: ["missing-release"], naming: "Start_" });
    assert.deepEqual(settings.rules, {});
    assert.deepEqual(settings.naming, {});
    assert.equal(problems.length, 2);
  });

  it("check each naming option against the plugin's schema on its own", () => {
    const { settings, problems } = validateSettings({ naming: { beginPrefix: 5, iidPattern: "(", bogus: true, finishPrefix: "Done_", releaseMethods: ["Free"] } });
    assert.deepEqual(settings.naming, { finishPrefix: "Done_", releaseMethods: ["Free"] });
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems.find((p) => p.includes("naming.beginPrefix"))!, /invalid value/);
    assert.match(problems.find((p) => p.includes("naming.iidPattern"))!, /not a valid regular expression/);
    assert.match(problems.find((p) => p.includes("naming.bogus"))!, /unknown option/);
  });

  it("never throw, whatever JSON arrives", () => {
    const values: unknown[] = [undefined, null, 0, -1, 1e308, "", "x", true, false, [], [1, "a"], {}, { a: { b: [] } }];
    const keys = Object.keys(DEFAULT_SETTINGS);
    for (const key of keys) {
      for (const value of values) {
        const { settings } = validateSettings({ [key]: value });
        assert.equal(typeof settings.enable, "boolean");
        assert.ok(Number.isFinite(settings.debounce) && Number.isFinite(settings.maxFileSize));
      }
    }
  });

  it("are a fresh object each time: one document's settings cannot leak into another's", () => {
    const first = validateSettings({ rules: { "missing-release": "warn" } }).settings;
    const second = validateSettings({}).settings;
    assert.deepEqual(second.rules, {});
    assert.notEqual(first.rules, second.rules);
  });
});
