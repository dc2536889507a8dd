/**
 * SARIF 2.1.0 formatter for ESLint (9 and 10), for GitHub code scanning.
 *
 *   npx eslint -f ./node_modules/eslint-plugin-com-async/formatters/sarif.js . > eslint.sarif
 *
 * Why not @microsoft/eslint-formatter-sarif: it works on ESLint 10, but it
 * depends on eslint@^8 (a second, end-of-life ESLint in the tree) and on
 * `jschardet@latest`, and it writes absolute file:// URIs.
 *
 * Results carry the rule, the level (severity 2: error, 1: warning), the
 * message and the location, with the file's URI relative to the current
 * directory (`%SRCROOT%`, which GitHub resolves against the checkout).
 * Messages without a rule (parse errors) become tool execution
 * notifications. Problems silenced with `eslint-disable` comments (ESLint's
 * `suppressedMessages`) are left out, as every other formatter leaves them
 * out: code scanning does not reliably treat SARIF `suppressions` as dismissed.
 */
"use strict";

const path = require("node:path");
const { pathToFileURL } = require("node:url");

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function eslintVersion() {
  try {
    return require("eslint/package.json").version;
  } catch {
    return undefined;
  }
}

/** The artifact location of a linted file: relative to `cwd` when inside it, else an absolute file URI. */
function artifactLocation(filePath, cwd) {
  const relative = path.relative(cwd, filePath);
  if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
  }
  return { uri: pathToFileURL(filePath).href };
}

function region(message) {
  const out = { startLine: Math.max(message.line || 1, 1), startColumn: Math.max(message.column || 1, 1) };
  if (message.endLine) out.endLine = message.endLine;
  if (message.endColumn) out.endColumn = message.endColumn;
  return out;
}

function level(message) {
  return message.fatal || message.severity === 2 ? "error" : "warning";
}

/**
 * @param {import("eslint").ESLint.LintResult[]} results
 * @param {{ cwd?: string, rulesMeta?: Record<string, import("eslint").Rule.RuleMetaData> }} [context]
 * @returns {string} the SARIF log, as JSON
 */
module.exports = function sarif(results, context = {}) {
  const cwd = context.cwd || process.cwd();
  const rulesMeta = context.rulesMeta || {};
  const rules = [];
  const ruleIndex = new Map();
  const sarifResults = [];
  const notifications = [];

  const indexOf = (ruleId, message) => {
    if (!ruleIndex.has(ruleId)) {
      const meta = rulesMeta[ruleId] || {};
      const docs = meta.docs || {};
      const rule = { id: ruleId };
      if (docs.description) rule.shortDescription = { text: docs.description };
      if (docs.url) rule.helpUri = docs.url;
      rule.defaultConfiguration = { level: level(message) };
      rule.properties = { tags: meta.type ? [meta.type] : [] };
      if (docs.recommended !== undefined) rule.properties.recommended = Boolean(docs.recommended);
      ruleIndex.set(ruleId, rules.length);
      rules.push(rule);
    }
    return ruleIndex.get(ruleId);
  };

  for (const result of results) {
    const artifact = artifactLocation(result.filePath, cwd);
    for (const message of result.messages || []) {
      const location = { physicalLocation: { artifactLocation: artifact, region: region(message) } };
      if (!message.ruleId) {
        notifications.push({ level: level(message), message: { text: message.message }, locations: [location] });
        continue;
      }
      sarifResults.push({
        ruleId: message.ruleId,
        ruleIndex: indexOf(message.ruleId, message),
        level: level(message),
        message: { text: message.message },
        locations: [location],
      });
    }
  }

  const driver = { name: "ESLint", informationUri: "https://eslint.org", rules };
  const version = eslintVersion();
  if (version) driver.version = version;
  const run = {
    tool: { driver },
    originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
    results: sarifResults,
    // A file that does not parse is reported, not a failed run: ESLint linted everything else.
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
  };
  return JSON.stringify({ $schema: SCHEMA, version: "2.1.0", runs: [run] }, null, 2);
};
