/**
 * A second, independent LSP client: Debian's neovim (0.7, headless, no
 * plugins) starts `com-async-language-server --stdio` from node_modules/.bin,
 * opens a file with a cancel-without-finish, receives the pushed diagnostic,
 * asks for code actions and applies the preferred one with its own
 * workspace-edit code.
 *
 *   node test/e2e/neovim.mjs      (exit 0: passed or skipped, 1: failed)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNeovim, Skip } from "./setup.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER = path.join(ROOT, "node_modules", ".bin", "com-async-language-server");

const MISUSE = `declare const IID_ICancelMethodCalls: unknown;
export function getPrice(call: any): void {
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  call.Begin_GetPrice("MSFT");
  cancel.Cancel(0);
  cancel.Release();
}
`;

const LUA = String.raw`
local server, file, result_path = _G.COM_ASYNC_SERVER, _G.COM_ASYNC_FILE, _G.COM_ASYNC_RESULT
local result = { diagnostics = {}, actions = {}, log = {} }
local function finish(err)
  result.error = err
  local f = io.open(result_path, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qall!")
end
local ok, err = pcall(function()
  local published = nil
  local client_id = vim.lsp.start_client({
    name = "com-async",
    cmd = { server, "--stdio" },
    root_dir = vim.fn.fnamemodify(file, ":h"),
    settings = { comAsync = { run = "onType" } },
    handlers = {
      ["textDocument/publishDiagnostics"] = function(e, params, ctx, config)
        vim.lsp.diagnostic.on_publish_diagnostics(e, params, ctx, config)
        if #params.diagnostics > 0 then published = params end
      end,
      ["window/logMessage"] = function(_, params) table.insert(result.log, params.message) end,
    },
  })
  assert(client_id, "start_client failed")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  assert(vim.wait(30000, function() return published ~= nil end, 50), "no diagnostics published within 30 s")
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, source = d.source, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code })
  end
  local d = published.diagnostics[1]
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, range = d.range, context = { diagnostics = { d } } }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 20000)
  assert(responses, "no code action response")
  local preferred = nil
  for _, response in pairs(responses) do
    assert(not response.err, vim.inspect(response.err))
    for _, action in ipairs(response.result or {}) do
      table.insert(result.actions, action.title)
      if action.isPreferred and not preferred then preferred = action end
    end
  end
  assert(preferred, "no preferred code action")
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding or "utf-16")
  result.applied = preferred.title
  result.text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
  -- The server re-lints the edited buffer: the problem is gone.
  published = nil
  local cleared = vim.wait(30000, function() return #vim.diagnostic.get(bufnr) == 0 end, 50)
  result.cleared = cleared
  client.stop()
end)
finish(not ok and tostring(err) or nil)
`;

/** Runs the test; returns { status: "passed" | "failed" | "skipped", detail }. */
export function runNeovimTest() {
  let nvim;
  try {
    nvim = ensureNeovim();
  } catch (error) {
    if (error instanceof Skip) return { status: "skipped", detail: error.message };
    throw error;
  }
  if (!fs.existsSync(SERVER)) return { status: "failed", detail: `${SERVER} is missing: run npm install at the repository root` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-nvim-"));
  try {
    const file = path.join(dir, "quote.ts");
    const resultPath = path.join(dir, "result.json");
    const script = path.join(dir, "test.lua");
    fs.writeFileSync(file, MISUSE);
    fs.writeFileSync(script, `_G.COM_ASYNC_SERVER = ${JSON.stringify(SERVER)}\n_G.COM_ASYNC_FILE = ${JSON.stringify(file)}\n_G.COM_ASYNC_RESULT = ${JSON.stringify(resultPath)}\n${LUA}`);
    const started = Date.now();
    const run = spawnSync(nvim, ["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", `luafile ${script}`], {
      encoding: "utf8",
      timeout: 90_000,
      env: { ...process.env, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir, XDG_DATA_HOME: dir },
    });
    if (!fs.existsSync(resultPath)) return { status: "failed", detail: `neovim wrote no result (exit ${run.status}, ${run.error?.message ?? ""}):\n${run.stderr}${run.stdout}` };
    const result = JSON.parse(fs.readFileSync(resultPath, "utf8"));
    const problems = [];
    if (result.error) problems.push(`error in the Lua script: ${result.error}`);
    const diagnostic = result.diagnostics.find((d) => d.code === "com-async/cancel-without-finish");
    if (!diagnostic) problems.push(`no cancel-without-finish diagnostic in ${JSON.stringify(result.diagnostics)}`);
    else if (diagnostic.lnum !== 4 || diagnostic.source !== "com-async") problems.push(`diagnostic at the wrong place: ${JSON.stringify(diagnostic)}`);
    if (!result.actions?.some((t) => t.startsWith("Disable com-async/"))) problems.push(`code actions: ${JSON.stringify(result.actions)}`);
    if (!/Finish_GetPrice\(\)/.test(result.text ?? "")) problems.push(`the preferred fix (${result.applied}) did not insert Finish_GetPrice():\n${result.text}`);
    if (!result.cleared) problems.push("the diagnostic was not cleared after the fix");
    const detail = `${(Date.now() - started) / 1000} s; diagnostic: ${diagnostic?.message ?? "-"}; actions: ${result.actions?.join(" | ")}; applied: ${result.applied}`;
    return problems.length === 0 ? { status: "passed", detail } : { status: "failed", detail: `${problems.join("\n")}\nserver log:\n${(result.log ?? []).join("\n")}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { status, detail } = runNeovimTest();
  console.log(`neovim: ${status}: ${detail}`);
  process.exit(status === "failed" ? 1 : 0);
}
