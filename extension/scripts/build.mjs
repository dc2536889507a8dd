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

const builds = [
  { ...common, entryPoints: { client: path.join(root, "src/client/extension.ts") }, outdir: path.join(root, "dist"), external: ["vscode"] },
  {
    ...common,
    entryPoints: { server: path.join(root, "src/server/main.ts") },
    outdir: path.join(root, "dist"),
    // Optional peers ESLint and typescript-eslint only load for features the server does not use.
    external: ["jiti"],
    metafile: true,
  },
];

fs.rmSync(path.join(root, "dist"), { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log("watching src/ ...");
} else {
  for (const options of builds) {
    const result = await esbuild.build(options);
    if (result.metafile) {
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
      console.log(`server bundle: ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    }
  }
  console.log(`built ${path.relative(process.cwd(), path.join(root, "dist"))} (${minify ? "minified" : "with source maps"})`);
}
