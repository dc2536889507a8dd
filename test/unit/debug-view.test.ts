/**
 * The debug view: with COM_ASYNC_DEBUG set, every solved code path is printed
 * to stderr (segments, forks, converged entry states, events). Tested in
 * process (stderr captured, the variable restored whatever happens) and in a
 * child node process, the way a user turns it on.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lint } from "./lint";

const ROOT = path.resolve(__dirname, "../../..");

const CODE = `function quote(call, ready) {
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  if (ready) return;
  cancel.Cancel(0);
  cancel.Release();
}
`;

/** Lints `code` with COM_ASYNC_DEBUG set to `flag` (unset for undefined) and returns what went to stderr. */
function stderrOf(flag: string | undefined, code = CODE): string {
  const saved = process.env.COM_ASYNC_DEBUG;
  const write = process.stderr.write;
  let out = "";
  try {
    if (flag === undefined) delete process.env.COM_ASYNC_DEBUG;
    else process.env.COM_ASYNC_DEBUG = flag;
    process.stderr.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stderr.write;
    lint(code);
  } finally {
    process.stderr.write = write;
    if (saved === undefined) delete process.env.COM_ASYNC_DEBUG;
    else process.env.COM_ASYNC_DEBUG = saved;
  }
  return out;
}

describe("debug view (COM_ASYNC_DEBUG)", () => {
  it("prints nothing when unset, 0 or false", () => {
    for (const flag of [undefined, "", "0", "false"]) assert.equal(stderrOf(flag), "", String(flag));
  });

  it("prints each code path with its segments, forks, entry states and events", () => {
    const out = stderrOf("1");
    const lines = out.split("\n");
    assert.equal(lines[0], "file.ts");
    assert.match(out, /^com-async: function code path at 1:1 \(3 segments\)$/m);
    assert.match(out, /^com-async: program code path at 1:1 \(1 segments\)$/m);
    assert.match(out, /^ {2}s0 \(initial\) {2}fork on `ready`$/m);
    assert.match(out, /^ {4}acquire cancel @2:18$/m);
    assert.match(out, /^ {2}s1 <- s0 {2}ends in ReturnStatement$/m);
    assert.match(out, /^ {4}in: cancel=\{owned\}$/m, "the pointer is owned on the early return: the leak the rule reports");
    assert.match(out, /^ {4}release v1 @5:3$/m);
  });

  it("shows the phase of a call object with the Begin_ it is pending on", () => {
    const out = stderrOf("1", `function f(call, x) {\n  call.Begin_GetPrice();\n  if (x) return;\n  call.Finish_GetPrice();\n}\n`);
    assert.match(out, /^ {4}begin GetPrice on v0 @2:3$/m);
    assert.match(out, /^ {4}in: call#call=\{pending\(Begin_GetPrice\)\}$/m);
    assert.match(out, /^ {4}finish GetPrice on v0 @4:3$/m);
  });

  it("limits the output to files whose path contains the value", () => {
    assert.match(stderrOf("file.ts"), /com-async: function code path/);
    assert.equal(stderrOf("some/other/file"), "");
  });

  it("prints a graph to stderr for a file linted in a child process", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-debug-"));
    try {
      const file = path.join(dir, "quote.js");
      fs.writeFileSync(file, CODE);
      const script = `
        const { ESLint } = require("eslint");
        const plugin = require("eslint-plugin-com-async");
        const eslint = new ESLint({ cwd: ${JSON.stringify(dir)}, overrideConfigFile: true, overrideConfig: [{ files: ["**/*.js"], plugins: { "com-async": plugin }, rules: { "com-async/missing-release": "error" } }] });
        eslint.lintFiles(["quote.js"]).then((results) => { process.stdout.write(JSON.stringify(results[0].messages.map((m) => m.ruleId))); });
      `;
      const child = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, COM_ASYNC_DEBUG: "1" } });
      assert.equal(child.status, 0, child.stderr);
      assert.equal(child.stdout, JSON.stringify(["com-async/missing-release"]));
      assert.ok(child.stderr.startsWith(`${file}\ncom-async: function code path at 1:1`), child.stderr);
      assert.match(child.stderr, /in: cancel=\{owned\}/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
