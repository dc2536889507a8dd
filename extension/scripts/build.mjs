#!/usr/bin/env node
// Bundles the extension client and the language server with esbuild into dist/.
// The server bundle carries ESLint, the plugin, typescript-eslint's parser and
// TypeScript, so the .vsix needs no node_modules.
//   node scripts/build.mjs [--minify] [--watch]
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const minify = process.argv.includes("--minify");
const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify,
  sourcemap: minify ? false : "linked",
  logLevel: "warning",
  // ESLint reads its own package.json at run time; keep JSON imports inline.
  loader: { ".json": "json" },
  legalComments: "none",
};

/**
 * The launcher runs the server bundle from a V8 code cache (src/server/launch.ts), and on Node 20 code loaded from a
 * cache has lost its dynamic import callback: ESLint's `import(configFile)` of a workspace's `eslint.config.mjs` fails
 * ("A dynamic import callback was not specified") from the second start on. The bundle imports config files through
 * the function the launcher, a module Node loaded itself, puts on `globalThis` (`OUTSIDE_IMPORT`), else through
 * its own `import()` (the compiled sources, tests). The build fails if ESLint's loader no longer reads as expected.
 */
const OUTSIDE_IMPORT = 'Symbol.for("com-async-lint.import")';
const CONFIG_IMPORT = "await import(fileURL.href)";
const importConfigsFromOutside = {
  name: "import-configs-from-outside",
  setup(build) {
    build.onLoad({ filter: /[\\/]eslint[\\/]lib[\\/]config[\\/]config-loader\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      if (text.split(CONFIG_IMPORT).length !== 2) throw new Error(`${args.path}: expected one \`${CONFIG_IMPORT}\` to route through the launcher`);
      return { contents: text.replace(CONFIG_IMPORT, `await (globalThis[${OUTSIDE_IMPORT}] ?? ((url) => import(url)))(fileURL.href)`), loader: "js" };
    });
  },
};

const builds = [
  { ...common, entryPoints: { client: path.join(root, "src/client/extension.ts") }, outdir: path.join(root, "dist"), external: ["vscode"] },
  {
    ...common,
    entryPoints: { server: path.join(root, "src/server/main.ts") },
    outdir: path.join(root, "dist"),
    // Optional peers ESLint and typescript-eslint only load for features the server does not use.
    // oxc-parser loads a native binary through createRequire(import.meta.url), which a bundle
    // cannot carry: it ships beside the bundle instead (shipOxcParser below).
    external: ["jiti", "oxc-parser"],
    metafile: true,
    plugins: [importConfigsFromOutside],
  },
  // Starts dist/server.js with a V8 code cache (src/server/launch.ts); Node's built-ins only.
  { ...common, entryPoints: { launch: path.join(root, "src/server/launch.ts") }, outdir: path.join(root, "dist") },
];

/**
 * Copies oxc-parser and the native bindings installed for this machine into
 * dist/node_modules, where the server bundle's `require("oxc-parser")` finds
 * them. A .vsix packaged here therefore has the fast parser on this platform
 * only; elsewhere the require fails and the server uses typescript-eslint's
 * parser (it logs why). Returns the bindings shipped.
 */
function shipOxcParser() {
  const modules = path.resolve(root, "..", "node_modules");
  const target = path.join(root, "dist", "node_modules");
  const copy = (name, files) => {
    const from = path.join(modules, name);
    for (const file of files) fs.cpSync(path.join(from, file), path.join(target, name, file), { recursive: true });
  };
  const oxc = JSON.parse(fs.readFileSync(path.join(modules, "oxc-parser/package.json"), "utf8"));
  copy("oxc-parser", ["package.json", "LICENSE", ...oxc.files.filter((f) => f.startsWith("src-js/"))]);
  const scope = path.join(modules, "@oxc-parser");
  const bindings = fs.existsSync(scope) ? fs.readdirSync(scope).filter((name) => name.startsWith("binding-")) : [];
  for (const binding of bindings) copy(`@oxc-parser/${binding}`, fs.readdirSync(path.join(scope, binding)));
  return bindings;
}

fs.rmSync(path.join(root, "dist"), { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  shipOxcParser();
  console.log("watching src/ ...");
} else {
  for (const options of builds) {
    const result = await esbuild.build(options);
    if (result.metafile) {
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
      console.log(`server bundle: ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    }
  }
  const bindings = shipOxcParser();
  console.log(`oxc-parser shipped with ${bindings.length > 0 ? bindings.join(", ") : "no native binding (the fast parser will be off)"}`);
  console.log(`built ${path.relative(process.cwd(), path.join(root, "dist"))} (${minify ? "minified" : "with source maps"})`);
}
