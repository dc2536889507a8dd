/**
 * The language server over stdio, as an editor sees it: published diagnostics
 * (ranges, codes, links, related locations), code actions and their edits,
 * settings (good and bad), unparsable and oversized files, trust.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { CodeAction, Diagnostic } from "vscode-languageserver/node";
import { TestClient, fileUri, offsetAt } from "./lsp-client";

const CANCEL = [
  "declare const IID_ICancelMethodCalls: unknown;",
  "export function getPrice(call: any): void {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  '  call.Begin_GetPrice("MSFT");',
  "  cancel.Cancel(0);",
  "  cancel.Release();",
  "}",
  "",
].join("\n");

const LEAK = [
  "export function leak(call: any, early: boolean): number {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  if (early) {",
  "    return 1;",
  "  }",
  "  cancel.Release();",
  "  return 0;",
  "}",
  "",
].join("\n");

const PENDING = [
  "function twice(call) {",
  '  call.Begin_GetPrice("A");',
  '  call.Begin_GetPrice("B");',
  "  call.Finish_GetPrice();",
  "}",
  "",
].join("\n");

function textAt(text: string, range: Diagnostic["range"]): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

function byRule(diagnostics: Diagnostic[], rule: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === `com-async/${rule}`);
}

describe("language server (LSP over stdio)", function () {
  this.timeout(60_000);
  let client: TestClient;

  // Groups that share one server start it in `before`; the others start their own per test.
  afterEach(async function () {
    if (!shared) await client?.shutdown();
  });
  let shared = false;
  const startShared = (options: ConstructorParameters<typeof TestClient>[0]) => {
    before(async () => {
      shared = true;
      client = new TestClient(options);
      await client.initialize();
    });
    after(async () => {
      shared = false;
      await client.shutdown();
    });
  };

  describe("diagnostics", () => {
    startShared({ resolveSupport: true });

    it("reports a cancel without finish at the Cancel call, with code, link and the related exit", async () => {
      const uri = fileUri("cancel.ts");
      const diagnostics = await client.open(uri, CANCEL);
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      const [d] = diagnostics;
      assert.equal(d.source, "com-async");
      assert.equal(d.code, "com-async/cancel-without-finish");
      assert.equal(d.severity, 1);
      assert.equal(textAt(CANCEL, d.range), "cancel.Cancel(0)");
      assert.match(d.codeDescription!.href, /docs\/rules\/cancel-without-finish\.md$/);
      assert.match(String(d.message), /Finish_GetPrice/);
      assert.equal(d.relatedInformation?.length, 1);
      assert.equal(d.relatedInformation![0].location.uri, uri);
      assert.match(d.relatedInformation![0].message, /^The /);
      assert.ok(d.relatedInformation![0].location.range.start.line >= 4, JSON.stringify(d.relatedInformation));
    });

    it("reports a missing release at the QueryInterface, related to the leaking return", async () => {
      const uri = fileUri("leak.ts");
      const [d, ...rest] = await client.open(uri, LEAK);
      assert.equal(rest.length, 0);
      assert.equal(d.code, "com-async/missing-release");
      assert.equal(textAt(LEAK, d.range), "call.QueryInterface(IID_ICancelMethodCalls)");
      const related = d.relatedInformation![0];
      assert.equal(related.location.range.start.line, 3, "the early return");
      assert.match(related.message, /^The return/);
    });

    it("lints plain JavaScript with espree, related to the pending Begin_", async () => {
      const uri = fileUri("pending.js");
      const diagnostics = await client.open(uri, PENDING, "javascript");
      const [d] = byRule(diagnostics, "begin-while-pending");
      assert.ok(d, JSON.stringify(diagnostics));
      assert.equal(d.range.start.line, 2);
      assert.equal(d.relatedInformation![0].location.range.start.line, 1);
    });

    it("re-lints on change (debounced) and clears diagnostics on close", async () => {
      const uri = fileUri("change.ts");
      assert.equal((await client.open(uri, CANCEL)).length, 1);
      const fixed = CANCEL.replace("  cancel.Release();", "  call.Finish_GetPrice();\n  cancel.Release();");
      assert.deepEqual(await client.change(uri, fixed), []);
      assert.equal((await client.change(uri, CANCEL)).length, 1);
      assert.deepEqual(await client.close(uri), []);
    });

    it("after edits re-linted in part, publishes what a fresh open of the same text publishes", async () => {
      const helper = ["function cleanup(p: any): void {", "  p.Release();", "}"];
      const callers = [0, 1, 2].flatMap((i) => [`export function viaHelper${i}(call: any): void {`, "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);", "  cleanup(cancel);", "}"]);
      const text = [...CANCEL.split("\n"), ...helper, ...LEAK.split("\n"), ...callers, ""].join("\n");
      const uri = fileUri("partial.ts");
      await client.open(uri, text);
      const steps = [
        text.replace("  p.Release();", '  log("no Release here");'),
        text.replace("  if (early) {", "  if (early) {\n\n"),
        text.replace("  if (early) {", "  if (early) {\n\n").replace("export function viaHelper1", "function viaHelper1"),
      ];
      for (const [i, step] of steps.entries()) {
        const changed = await client.change(uri, step);
        const fresh = fileUri(`partial-fresh-${i}.ts`);
        const opened = (await client.open(fresh, step)).map((d) => JSON.parse(JSON.stringify(d).split(fresh).join(uri)) as Diagnostic);
        assert.deepEqual(changed, opened, `step ${i}`);
        await client.close(fresh);
      }
    });

    it("keeps quiet on a file that does not parse, and recovers when it does", async () => {
      const uri = fileUri("broken.ts");
      assert.deepEqual(await client.open(uri, CANCEL.replace("cancel.Cancel(0);", "cancel.Cancel(0;")), []);
      assert.ok(client.logs.some((l) => /does not parse/.test(l)), client.logs.join("\n"));
      assert.equal((await client.change(uri, CANCEL)).length, 1);
    });

    it("handles an untitled document by its language", async () => {
      const diagnostics = await client.open("untitled:Untitled-1", PENDING, "javascript");
      assert.equal(byRule(diagnostics, "begin-while-pending").length, 1);
    });
  });

  describe("code actions", () => {
    startShared({ resolveSupport: true });

    async function actionsAt(uri: string, d: Diagnostic, only?: string[]): Promise<CodeAction[]> {
      return client.codeActions(uri, d.range, [d], only);
    }

    it("offers a preferred quick fix per suggestion whose edit re-lints clean of the problem", async () => {
      const uri = fileUri("fix.ts");
      const [d] = await client.open(uri, CANCEL);
      const actions = await actionsAt(uri, d);
      const fixes = actions.filter((a) => a.edit && !a.title.startsWith("Disable") && a.title !== "Fix all com-async problems in this file");
      assert.ok(fixes.length >= 1, JSON.stringify(actions, null, 1));
      assert.equal(fixes[0].isPreferred, true);
      assert.equal(fixes[0].kind, "quickfix");
      assert.match(fixes[0].title, /Finish_GetPrice/);
      assert.deepEqual(fixes[0].diagnostics?.[0].code, d.code);
      const edited = client.applyEdit(uri, fixes[0].edit!);
      assert.equal(edited.split("call.Finish_GetPrice();").length, 2, edited);
      assert.deepEqual(byRule(await client.change(uri, edited), "cancel-without-finish"), []);
    });

    it("offers both missing-release repairs, each leaving code that re-lints clean", async () => {
      const uri = fileUri("leakfix.ts");
      const [d] = await client.open(uri, LEAK);
      const fixes = (await actionsAt(uri, d)).filter((a) => a.edit && /Release/.test(a.title));
      assert.ok(fixes.length >= 1, JSON.stringify(fixes));
      for (const fix of fixes) {
        const edited = client.applyEdit(uri, fix.edit!);
        assert.deepEqual(byRule(await client.change(uri, edited), "missing-release"), [], `${fix.title}:\n${edited}`);
        await client.change(uri, LEAK);
      }
    });

    it("fixes all problems in the file, as a quick fix and as source.fixAll.comAsync (resolved on demand)", async () => {
      const uri = fileUri("fixall.ts");
      const text = `${CANCEL}\n${LEAK}`;
      const diagnostics = await client.open(uri, text);
      assert.equal(diagnostics.length, 2);
      const quick = (await actionsAt(uri, diagnostics[0])).find((a) => a.title === "Fix all com-async problems in this file");
      assert.ok(quick, "quick fix 'Fix all'");
      const [source] = await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ["source.fixAll"]);
      assert.equal(source.kind, "source.fixAll.comAsync");
      assert.equal(source.edit, undefined, "edit computed on resolve");
      const resolved = await client.resolve(source);
      const edited = client.applyEdit(uri, resolved.edit!);
      assert.deepEqual(await client.change(uri, edited), []);
    });

    it("disables a rule for one line with a comment that ESLint honours", async () => {
      const uri = fileUri("disable.ts");
      const [d] = await client.open(uri, CANCEL);
      const disable = (await actionsAt(uri, d)).find((a) => a.title === "Disable com-async/cancel-without-finish for this line");
      assert.ok(disable);
      const edited = client.applyEdit(uri, disable.edit!);
      assert.match(edited, /\n {2}\/\/ eslint-disable-next-line com-async\/cancel-without-finish\n {2}cancel\.Cancel\(0\);/);
      assert.deepEqual(await client.change(uri, edited), []);
    });

    it("adds a second rule to an existing disable comment", async () => {
      const uri = fileUri("disable2.js");
      const text = PENDING.replace('  call.Begin_GetPrice("B");', '  // eslint-disable-next-line no-console\n  call.Begin_GetPrice("B");');
      const [d] = await client.open(uri, text, "javascript");
      assert.equal(d.code, "com-async/begin-while-pending");
      const disable = (await actionsAt(uri, d)).find((a) => a.title.startsWith("Disable"));
      const edited = client.applyEdit(uri, disable!.edit!);
      assert.match(edited, /\/\/ eslint-disable-next-line no-console, com-async\/begin-while-pending\n/);
      assert.deepEqual(await client.change(uri, edited), []);
    });

    it("shows a rule's documentation through window/showDocument", async () => {
      const uri = fileUri("docs.ts");
      const [d] = await client.open(uri, CANCEL);
      const show = (await actionsAt(uri, d)).find((a) => a.title === "Show documentation for com-async/cancel-without-finish");
      assert.ok(show?.command);
      await client.connection.sendRequest("workspace/executeCommand", { command: show.command.command, arguments: show.command.arguments });
      assert.deepEqual(client.shownDocuments, [d.codeDescription!.href]);
    });

    it("ties edits to the document version they were computed for", async () => {
      const uri = fileUri("version.ts");
      const [d] = await client.open(uri, CANCEL);
      const before = await actionsAt(uri, d);
      const edit = before.find((a) => a.isPreferred)!.edit!;
      const change = edit.documentChanges![0] as { textDocument: { version: number } };
      assert.equal(change.textDocument.version, 1);
      await client.change(uri, `// moved\n${CANCEL}`);
      assert.throws(() => client.applyEdit(uri, edit), /version 1/);
      const after = (await client.codeActions(uri, { start: { line: 5, character: 2 }, end: { line: 5, character: 2 } })).find((a) => a.isPreferred)!;
      assert.equal((after.edit!.documentChanges![0] as { textDocument: { version: number } }).textDocument.version, 2);
    });

    it("returns nothing outside problems and for unknown documents", async () => {
      const uri = fileUri("none.ts");
      await client.open(uri, CANCEL);
      assert.deepEqual(await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }), []);
      assert.deepEqual(await client.codeActions(fileUri("unknown.ts"), { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }), []);
    });

    it("computes the fix-all edit eagerly for clients without resolve support", async () => {
      const eager = new TestClient({ resolveSupport: false });
      try {
        await eager.initialize();
        const uri = fileUri("eager.ts");
        await eager.open(uri, CANCEL);
        const [source] = await eager.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ["source.fixAll.comAsync"]);
        assert.ok(source.edit);
        assert.deepEqual(await eager.change(uri, eager.applyEdit(uri, source.edit)), []);
      } finally {
        await eager.shutdown();
      }
    });
  });

  describe("settings", () => {
    it("applies per-rule severities, rule set and naming options", async () => {
      client = new TestClient({
        settings: { rules: { "missing-release": "warn", "cancel-without-finish": "off", "com-async/begin-while-pending": "hint" }, naming: { beginPrefix: "Start_", finishPrefix: "End_" } },
      });
      await client.initialize();
      const leak = await client.open(fileUri("s1.ts"), LEAK);
      assert.equal(leak[0].severity, 2);
      assert.deepEqual(await client.open(fileUri("s2.ts"), CANCEL), []);
      const renamed = await client.open(fileUri("s3.js"), PENDING.replace(/Begin_/g, "Start_").replace(/Finish_/g, "End_"), "javascript");
      assert.equal(byRule(renamed, "begin-while-pending")[0]?.severity, 4);
    });

    it("falls back to defaults on invalid settings, with one clear message each", async () => {
      client = new TestClient({
        settings: { enable: "yes", debounce: "soon", run: "always", maxFileSize: -3, rules: { "missing-release": "loud", "no-such-rule": "off" }, naming: { beginPrefix: 5, iidPattern: "(", bogus: true, finishPrefix: "Done_" } },
      });
      await client.initialize();
      const diagnostics = await client.open(fileUri("bad.ts"), LEAK);
      assert.equal(diagnostics.length, 1, "the defaults still lint");
      assert.equal(diagnostics[0].severity, 1);
      const texts = client.messages.map((m) => m.message).join("\n");
      for (const expected of ["comAsync.enable", "comAsync.debounce", "comAsync.run", "comAsync.maxFileSize", '"missing-release"', "no-such-rule", "naming.beginPrefix", "naming.iidPattern", "naming.bogus"]) {
        assert.ok(texts.includes(expected), `message about ${expected} in:\n${texts}`);
      }
      assert.ok(!texts.includes("finishPrefix"), "valid naming entries are kept");
      await client.open(fileUri("bad2.ts"), LEAK);
      assert.equal(client.messages.length, texts.split("\n").length, "each message is shown once");
    });

    it("survives settings that are not an object", async () => {
      client = new TestClient({ settings: "everything" });
      await client.initialize();
      assert.equal((await client.open(fileUri("str.ts"), LEAK)).length, 1);
      assert.ok(client.messages.some((m) => /must be an object/.test(m.message)));
    });

    it("skips a file larger than maxFileSize with an information diagnostic", async () => {
      client = new TestClient({ settings: { maxFileSize: 100 } });
      await client.initialize();
      const [note, ...rest] = await client.open(fileUri("big.ts"), LEAK);
      assert.equal(rest.length, 0);
      assert.equal(note.severity, 3);
      assert.match(String(note.message), /not checked.*maxFileSize \(100\)/);
    });

    it("publishes nothing when disabled", async () => {
      client = new TestClient({ settings: { enable: false } });
      await client.initialize();
      assert.deepEqual(await client.open(fileUri("off.ts"), LEAK), []);
    });

    it("lints only on save with run = onSave", async () => {
      client = new TestClient({ settings: { run: "onSave", debounce: 0 } });
      await client.initialize();
      const uri = fileUri("save.ts");
      assert.equal((await client.open(uri, LEAK)).length, 1);
      await client.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: "export {};\n" }] });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(client.diagnostics.get(uri)!.version, 1, "no lint on type");
      const saved = client.waitForDiagnostics(uri, (p) => p.version === 2);
      await client.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
      assert.deepEqual((await saved).diagnostics, []);
    });
  });

  describe("workspace ESLint config", () => {
    let folder: string;
    const marker = () => path.join(folder, "config-was-loaded");

    before(() => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-ws-"));
      // Self-contained: declares a stand-in com-async plugin so ESLint accepts the rule entries.
      fs.writeFileSync(
        path.join(folder, "eslint.config.mjs"),
        [
          'import { writeFileSync } from "node:fs";',
          `writeFileSync(${JSON.stringify(path.join(folder, "config-was-loaded"))}, "yes");`,
          "const rule = { meta: { schema: false }, create: () => ({}) };",
          'export default [{ files: ["**/*.ts"], plugins: { "com-async": { rules: { "missing-release": rule, "cancel-without-finish": rule } } },',
          '  rules: { "com-async/missing-release": "warn", "com-async/cancel-without-finish": "off" } }];',
          "",
        ].join("\n"),
      );
      fs.writeFileSync(path.join(folder, "leak.ts"), LEAK);
    });
    after(() => fs.rmSync(folder, { recursive: true, force: true }));

    it("is never loaded in an untrusted workspace", async () => {
      client = new TestClient({ workspaceFolder: folder, trusted: false });
      await client.initialize();
      const [d] = await client.open(pathToFileURL(path.join(folder, "leak.ts")).href, LEAK);
      assert.equal(d.severity, 1, "the bundled recommended severity");
      assert.equal(fs.existsSync(marker()), false, "no workspace code ran");
    });

    it("is not loaded when useWorkspaceConfig is false", async () => {
      client = new TestClient({ workspaceFolder: folder, trusted: true, settings: { useWorkspaceConfig: false } });
      await client.initialize();
      assert.equal((await client.open(pathToFileURL(path.join(folder, "leak.ts")).href, LEAK))[0].severity, 1);
      assert.equal(fs.existsSync(marker()), false);
    });

    it("gives its com-async severities in a trusted workspace", async () => {
      client = new TestClient({ workspaceFolder: folder, trusted: true });
      await client.initialize();
      const leak = await client.open(pathToFileURL(path.join(folder, "leak.ts")).href, LEAK);
      assert.equal(leak[0].severity, 2, "warn from the workspace config");
      assert.equal(fs.existsSync(marker()), true);
      assert.deepEqual(await client.open(pathToFileURL(path.join(folder, "cancel.ts")).href, CANCEL), [], "cancel-without-finish is off there");
    });

    it("falls back to the bundled rules with a message when the config does not load", async () => {
      const broken = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-ws-broken-"));
      fs.writeFileSync(path.join(broken, "eslint.config.mjs"), 'import "no-such-package-anywhere";\nexport default [];\n');
      try {
        client = new TestClient({ workspaceFolder: broken, trusted: true });
        await client.initialize();
        const [d] = await client.open(pathToFileURL(path.join(broken, "leak.ts")).href, LEAK);
        assert.equal(d.severity, 1);
        assert.ok(client.messages.some((m) => /could not load the workspace ESLint configuration/.test(m.message)), JSON.stringify(client.messages));
      } finally {
        fs.rmSync(broken, { recursive: true, force: true });
      }
    });
  });
});
