/**
 * Typed linting in the editor, over LSP: in a trusted workspace whose flat
 * ESLint config gives typescript-eslint's parser `projectService`, the server
 * lints with type information, so a receiver whose type is not COM-shaped is
 * ignored as in CI; untrusted, or outside every project, it lints by names.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "vscode-languageserver/node";
import { ROOT, TestClient } from "./lsp-client";

// `Fake` has Begin_/Finish_ names but no QueryInterface/Release and no matching
// Begin_X/Finish_X pair: not COM by the type rule. `Call` is COM-shaped.
const CODE = [
  "class Fake {",
  "  Begin_Work(): void {}",
  "  Finish_Job(): void {}",
  "}",
  "export function run(fake: Fake): void {",
  "  fake.Begin_Work();",
  "  fake.Begin_Work();",
  "}",
  "interface Call {",
  "  Begin_GetPrice(symbol: string): void;",
  "  Finish_GetPrice(): number;",
  "  Release(): void;",
  "}",
  "export function twice(call: Call): void {",
  '  call.Begin_GetPrice("A");',
  '  call.Begin_GetPrice("B");',
  "  call.Finish_GetPrice();",
  "}",
  "",
].join("\n");
const FAKE_LINE = 6;
const CALL_LINE = 15;

const pendingLines = (diagnostics: Diagnostic[]) =>
  diagnostics
    .filter((d) => d.code === "com-async/begin-while-pending")
    .map((d) => d.range.start.line)
    .sort((a, b) => a - b);

describe("language server: typed linting from the workspace config", function () {
  this.timeout(120_000);
  let folder: string;
  let client: TestClient;

  before(() => {
    // Inside the repository, so the config's `import "typescript-eslint"` resolves.
    fs.mkdirSync(path.join(ROOT, "build"), { recursive: true });
    folder = fs.mkdtempSync(path.join(ROOT, "build", "typed-workspace-"));
    fs.mkdirSync(path.join(folder, "src"));
    fs.writeFileSync(path.join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ["src/**/*.ts"] }));
    fs.writeFileSync(
      path.join(folder, "eslint.config.mjs"),
      [
        'import tseslint from "typescript-eslint";',
        "export default [{",
        '  files: ["**/*.ts"],',
        "  languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },",
        "}];",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(folder, "src/quote.ts"), CODE);
    fs.writeFileSync(path.join(folder, "outside.ts"), CODE);
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));
  afterEach(async () => client?.shutdown());

  const open = async (trusted: boolean, file: string) => {
    client = new TestClient({ workspaceFolder: folder, trusted });
    await client.initialize();
    return client.open(pathToFileURL(path.join(folder, file)).href, CODE);
  };

  it("reports a non-COM receiver by its names in an untrusted workspace", async () => {
    assert.deepEqual(pendingLines(await open(false, "src/quote.ts")), [FAKE_LINE, CALL_LINE]);
  });

  it("ignores the non-COM receiver with type information in a trusted workspace, and still reports the COM one", async () => {
    assert.deepEqual(pendingLines(await open(true, "src/quote.ts")), [CALL_LINE]);
  });

  it("lints by names, with a message, a file outside every project", async () => {
    assert.deepEqual(pendingLines(await open(true, "outside.ts")), [FAKE_LINE, CALL_LINE]);
    assert.ok(
      client.messages.some((m) => /outside\.ts is linted without type information/.test(m.message)),
      JSON.stringify(client.messages),
    );
  });

  it("keeps type information as the file is edited", async () => {
    const uri = pathToFileURL(path.join(folder, "src/quote.ts")).href;
    await open(true, "src/quote.ts");
    const edited = CODE.replace("  fake.Begin_Work();\n}", "  fake.Begin_Work();\n  fake.Finish_Job();\n}");
    assert.deepEqual(pendingLines(await client.change(uri, edited)), [CALL_LINE + 1]);
  });
});
