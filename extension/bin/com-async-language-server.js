#!/usr/bin/env node
// The language server for other editors: `com-async-language-server --stdio`.
// Runs the compiled sources when they exist (a clone after `npm ci`), else the packaged bundle through its
// launcher; COM_ASYNC_SERVER_ENTRY names either explicitly.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

// The bundle starts through its launcher, which keeps a V8 code cache (src/server/launch.ts).
const bundle = path.join(__dirname, "..", "dist", "launch.js");
const compiled = path.join(__dirname, "..", "..", "build", "extension", "server", "main.js");
const entry = process.env.COM_ASYNC_SERVER_ENTRY || (fs.existsSync(compiled) ? compiled : bundle);
if (!fs.existsSync(entry)) {
  process.stderr.write(`com-async-language-server: ${entry} is missing; run \`npm run build\` in the repository first.\n`);
  process.exit(1);
}
require(entry);
