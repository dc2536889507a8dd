/**
 * Entry point of the language server process: `--stdio` (other editors),
 * `--node-ipc` (VS Code's client), or `--socket=<port>`.
 */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { SERVER_NAME, SERVER_VERSION, startServer } from "./server";

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-v")) {
  process.stdout.write(`${SERVER_NAME} ${SERVER_VERSION}\n`);
} else if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(
    [
      `Usage: ${SERVER_NAME} --stdio | --node-ipc | --socket=<port>`,
      "",
      "A language server (LSP) that checks TypeScript and JavaScript files for COM",
      "asynchronous-call protocol problems with eslint-plugin-com-async.",
      "Settings are read from the `comAsync` section (workspace/configuration) or",
      "from initializationOptions.settings.",
      "",
    ].join("\n"),
  );
} else {
  if (!args.some((a) => a === "--stdio" || a === "--node-ipc" || a.startsWith("--socket") || a.startsWith("--pipe"))) {
    process.argv.push("--stdio");
  }
  const connection = createConnection(ProposedFeatures.all);
  // A bug in one request must not take the editor's diagnostics down with it.
  process.on("uncaughtException", (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
  process.on("unhandledRejection", (error) => connection.console.error(`unhandled rejection: ${String(error)}`));
  startServer(connection);
}
