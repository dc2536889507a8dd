/**
 * eslint-plugin-com-async: the plugin object ESLint loads.
 * Configs are derived from each rule's `meta.docs.recommended`, so a rule
 * cannot be added without deciding where it belongs.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import beginWhilePending from "./rules/begin-while-pending";
import cancelWithoutFinish from "./rules/cancel-without-finish";
import finishWithoutBegin from "./rules/finish-without-begin";
import mismatchedFinish from "./rules/mismatched-finish";
import missingRelease from "./rules/missing-release";
import uncheckedCancelResult from "./rules/unchecked-cancel-result";
import uncheckedQueryInterface from "./rules/unchecked-query-interface";
import useAfterRelease from "./rules/use-after-release";
import type { FindingKind } from "./engine/findings";
import { presentFinding } from "./util/protocol-rule";
export { presentFinding };
export type { RelatedLocation } from "./util/protocol-rule";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require("../package.json") as { name: string; version: string };

/** The rule registry: one rule per kind of finding; `satisfies` makes a kind without its rule a compile error. */
export const rules = {
  "cancel-without-finish": cancelWithoutFinish,
  "missing-release": missingRelease,
  "begin-while-pending": beginWhilePending,
  "finish-without-begin": finishWithoutBegin,
  "mismatched-finish": mismatchedFinish,
  "use-after-release": useAfterRelease,
  "unchecked-query-interface": uncheckedQueryInterface,
  "unchecked-cancel-result": uncheckedCancelResult,
} satisfies Record<FindingKind, unknown>;

/** The kinds of finding, in the registry's order. */
export const RULE_KINDS = Object.keys(rules) as FindingKind[];

export type RuleName = keyof typeof rules;

const namespace = "com-async";

type FlatConfig = TSESLint.FlatConfig.Config;

function configOf(configName: string, include: (rule: RuleName) => boolean): FlatConfig {
  const entries = (Object.keys(rules) as RuleName[]).filter(include).map((rule) => [`${namespace}/${rule}`, "error"] as const);
  return {
    name: `${namespace}/${configName}`,
    plugins: { [namespace]: plugin as unknown as TSESLint.FlatConfig.Plugin },
    rules: Object.fromEntries(entries),
  };
}

const plugin = {
  meta: { name, version, namespace },
  rules,
  configs: {} as Record<"recommended" | "strict", FlatConfig>,
};

plugin.configs.recommended = configOf("recommended", (rule) => rules[rule].meta.docs?.recommended === true);
plugin.configs.strict = configOf("strict", () => true);

export const configs = plugin.configs;
export const meta = plugin.meta;
export default plugin;
// CommonJS consumers (`require("eslint-plugin-com-async")`) get the plugin itself.
module.exports = Object.assign(plugin, { default: plugin, rules, configs: plugin.configs, meta: plugin.meta, presentFinding, RULE_KINDS });
