/**
 * neovim as a second LSP client (test/e2e/neovim.mjs), when `nvim` is
 * installed. `npm run test:e2e` installs it; `npm test` only uses it if present.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./lsp-client";

describe("neovim as an LSP client", function () {
  this.timeout(120_000);

  it("gets a pushed diagnostic and applies the preferred code action", function () {
    if (spawnSync("sh", ["-c", "command -v nvim"]).status !== 0) {
      console.log("    (skipped: nvim is not installed; `npm run test:e2e` installs it)");
      this.skip();
    }
    const run = spawnSync(process.execPath, [path.join(ROOT, "test/e2e/neovim.mjs")], { encoding: "utf8", timeout: 110_000 });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /neovim: passed/);
  });
});
