/**
 * Starts the bundled language server (dist/server.js) with a V8 code cache, the way
 * VS Code and Node's compile cache start their own code: the first run compiles the
 * 6 MB bundle's functions lazily as the first lint calls them; after that lint, the
 * compiled code is written to a cache file, and later runs load it instead of
 * compiling again (BENCHMARKS.md, "the editor's first open"). Node 20 has no
 * `module.enableCompileCache`, hence `vm.Script` and `cachedData`.
 *
 * The cache lives in COM_ASYNC_CACHE_DIR (the VS Code client passes its global storage)
 * or the user's cache directory (`$XDG_CACHE_HOME` or `~/.cache`, `com-async-lint/`), keyed by
 * the bundle's size and mtime and by Node's version: a new build or a new Node makes a new
 * file, and replaces the others. V8 checks little of a cache it is given, so a cache is only
 * read from a directory of the user's own that nobody else may write (never a shared
 * temporary directory). A cache V8 rejects, or one that cannot be read or written, only
 * costs the compile it would have saved.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import Module, { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { FIRST_LINT_EVENT } from "../shared/protocol";

const bundle = path.join(__dirname, "server.js");
const source = fs.readFileSync(bundle, "utf8");
const cacheFile = cachePath();
let cachedData: Buffer | undefined;
try {
  cachedData = cacheFile ? fs.readFileSync(cacheFile) : undefined;
} catch {
  cachedData = undefined; // no cache yet
}

const script = new vm.Script(Module.wrap(source), {
  filename: bundle,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  (process as NodeJS.EventEmitter).once(FIRST_LINT_EVENT, () => setImmediate(() => writeCache(cacheFile)));
}
// Code V8 takes from a cache has lost the script's dynamic import callback (Node 20): the bundle imports workspace
// config files through this function instead, whose own `import()` Node set up (scripts/build.mjs, importConfigsFromOutside).
(globalThis as Record<symbol, unknown>)[Symbol.for("com-async-lint.import")] = (url: string) => import(url);
const bundleModule = { exports: {}, filename: bundle, id: bundle, loaded: false };
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
run.call(bundleModule.exports, bundleModule.exports, createRequire(bundle), bundleModule, bundle, path.dirname(bundle));

function cachePath(): string | null {
  try {
    const stat = fs.statSync(bundle);
    const key = createHash("sha256").update(`${stat.size}:${stat.mtimeMs}:${process.version}:${process.arch}`).digest("hex").slice(0, 16);
    const dir = process.env.COM_ASYNC_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "com-async-lint", "code-cache");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return ownPrivate(dir) ? path.join(dir, `server-${key}.cache`) : null;
  } catch {
    return null;
  }
}

/** Is this directory the user's and writable by nobody else? (Windows: no owner ids to compare; the profile is the user's.) */
function ownPrivate(dir: string): boolean {
  if (typeof process.getuid !== "function") return true;
  const stat = fs.statSync(dir);
  return stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

/** The compiled code of the functions run so far, written whole or not at all (a half-written cache is rejected anyway). */
function writeCache(file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temporary, file);
    // The caches of earlier builds (or Nodes) are of no use any more.
    const dir = path.dirname(file);
    for (const name of fs.readdirSync(dir)) if (/^server-\w+\.cache$/.test(name) && name !== path.basename(file)) fs.rmSync(path.join(dir, name), { force: true });
  } catch {
    // A read-only or full disk: the next start compiles again, as this one did.
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do.
    }
  }
}
