/**
 * Installs what the end-to-end tests need, offline from the npm registry and
 * Debian: neovim, chromium, and code-server 4.100.3 (VS Code 1.100.3) in a
 * cache folder outside the repository. Each `ensure*` returns a path, or
 * throws a `Skip` with the reason when it cannot be installed here.
 *
 * Recipe: ../shared/notes/VSCODE-E2E.md (code-server's postinstall refuses
 * root and downloads ripgrep; its steps are redone here by hand).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const CODE_SERVER_VERSION = "4.100.3";
export const CACHE = process.env.COM_ASYNC_E2E_CACHE || path.join(os.homedir(), ".cache", "com-async-lint-e2e");

/** Not a failure: the environment cannot run this test. */
export class Skip extends Error {}

const log = (message) => console.log(`  [setup] ${message}`);

function run(command, args, options = {}) {
  // npm_config_yes: node-pty's install script runs `npx node-gyp`, which would otherwise ask.
  const env = { ...process.env, npm_config_yes: "true", ...options.env };
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options, env });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return result.stdout;
}

function which(command) {
  const result = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

let aptUpdated = false;
/** Installs Debian packages that are missing; throws Skip when apt cannot. */
export function ensureApt(packages, check = (p) => spawnSync("dpkg", ["-s", p], { stdio: "ignore" }).status === 0) {
  const missing = packages.filter((p) => !check(p));
  if (missing.length === 0) return;
  if (!which("apt-get")) throw new Skip(`needs Debian packages ${missing.join(", ")} and there is no apt-get here`);
  const aptGet = process.getuid?.() === 0 ? ["apt-get"] : which("sudo") ? ["sudo", "-n", "apt-get"] : null;
  if (aptGet === null) throw new Skip(`needs Debian packages ${missing.join(", ")}: run as root or install them first`);
  try {
    log(`apt-get install ${missing.join(" ")}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (!aptUpdated) {
      run(aptGet[0], [...aptGet.slice(1), "update"], { env });
      aptUpdated = true;
    }
    run(aptGet[0], [...aptGet.slice(1), "install", "-y", "--no-install-recommends", ...missing], { env });
  } catch (error) {
    throw new Skip(`could not install ${missing.join(", ")} with apt-get: ${error.message.split("\n")[0]}`);
  }
}

export function ensureNeovim() {
  ensureApt(["neovim"], () => which("nvim") !== null);
  return which("nvim");
}

export function ensureChromium() {
  ensureApt(["chromium"], () => fs.existsSync("/usr/bin/chromium"));
  return "/usr/bin/chromium";
}

/** code-server 4.100.3 ready to run: returns the path of its `out/node/entry.js`. */
export function ensureCodeServer() {
  const prefix = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
  const pkg = path.join(prefix, "node_modules", "code-server");
  const entry = path.join(pkg, "out", "node", "entry.js");
  const stamp = path.join(prefix, ".ready");
  if (fs.existsSync(stamp) && fs.existsSync(entry)) return entry;

  ensureApt(["libkrb5-dev", "libx11-dev", "libxkbfile-dev", "libsecret-1-dev", "ripgrep", "python3", "make", "g++"]);
  fs.mkdirSync(prefix, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const quiet = ["--no-audit", "--no-fund", "--loglevel=error"];
  try {
    log(`npm install code-server@${CODE_SERVER_VERSION} into ${prefix} (a few minutes, about 300 MB)`);
    if (!fs.existsSync(path.join(prefix, "package.json"))) fs.writeFileSync(path.join(prefix, "package.json"), '{ "private": true }\n');
    run(npm, ["install", "--ignore-scripts", ...quiet, `code-server@${CODE_SERVER_VERSION}`], { cwd: prefix });

    // argon2 is imported even with --auth none and has no prebuilt binary here.
    log("building argon2");
    const argon2 = path.join(prefix, "node_modules", "argon2");
    if (fs.existsSync(argon2)) run(npm, ["rebuild", "argon2", "--build-from-source", ...quiet], { cwd: prefix });

    const vscodeDir = path.join(pkg, "lib", "vscode");
    log("installing VS Code's server dependencies");
    run(npm, ["install", "--omit=dev", "--ignore-scripts", ...quiet], { cwd: vscodeDir });
    const rgDir = path.join(vscodeDir, "node_modules", "@vscode", "ripgrep", "bin");
    fs.mkdirSync(rgDir, { recursive: true });
    fs.copyFileSync(which("rg") ?? "/usr/bin/rg", path.join(rgDir, "rg"));
    fs.chmodSync(path.join(rgDir, "rg"), 0o755);
    log("building VS Code's native modules");
    run(npm, ["rebuild", ...quiet], { cwd: vscodeDir });
    log("installing the built-in extensions' dependencies");
    run(npm, ["install", "--omit=dev", "--ignore-scripts", ...quiet], { cwd: path.join(vscodeDir, "extensions") });
    const asar = path.join(vscodeDir, "node_modules.asar");
    if (!fs.existsSync(asar)) fs.symlinkSync("node_modules", asar);
  } catch (error) {
    throw new Skip(`could not install code-server ${CODE_SERVER_VERSION}: ${error.message}`);
  }
  // Always --config: without it code-server writes one into the home directory.
  const version = execFileSync(process.execPath, [entry, "--config", path.join(prefix, "config.yaml"), "--version"], { encoding: "utf8" });
  if (!version.includes(CODE_SERVER_VERSION)) throw new Skip(`code-server reports an unexpected version: ${version.trim()}`);
  fs.writeFileSync(stamp, version);
  log(`ready: ${version.split("\n")[0]}`);
  return entry;
}

// `node test/e2e/setup.mjs` installs everything (useful to warm a CI cache).
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureNeovim(), ensureChromium(), ensureCodeServer());
  } catch (error) {
    console.error(error instanceof Skip ? `skipped: ${error.message}` : error);
    process.exit(error instanceof Skip ? 0 : 1);
  }
}
