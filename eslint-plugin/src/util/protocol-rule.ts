/**
 * How a protocol rule is made: a rule file declares its kind of finding, its
 * message, how a finding reads (message data and the label of the related
 * place) and which repairs it offers; this module turns that into an ESLint
 * rule over the shared engine, and keeps each rule's presentation by kind so
 * that other hosts (the language server) show a finding exactly as its rule does.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { FileAnalysis } from "../engine/file-analysis";
import type { Finding, FindingKind, FindingOf, Place } from "../engine/findings";
import type { FinishForm } from "../engine/model";
import { protocolListeners } from "../engine/listeners";
import type { Vocabulary } from "../engine/vocabulary";
import { DEFAULT_NAMING, NamingOptions, namingProblem, namingSchema, resolveNaming } from "../options";
import { createRule } from "./create-rule";
import type { SourceCode } from "./edits";

/** Message of the one report a rule makes when the engine fails on a file. */
export const UNANALYSED_MESSAGE =
  "com-async left {{what}} unchecked: its analysis grew past the budget (thousands of objects that a variable may hold at once, as when one out box is filled again in thousands of branches). {{advice}}";
/** Message of the one report a rule makes on a file when the shared settings are not as documented. */
export const BAD_SETTINGS_MESSAGE = "com-async ignored a setting: {{problem}}; the default holds in its place.";
export const ENGINE_ERROR_MESSAGE = "com-async could not analyse this file ({{error}}); please report it. Other rules are unaffected.";

export type Options = [Partial<NamingOptions>];

/** A related place and what it is, in words ("the pending Begin_GetPrice (line 3)"). */
export interface RelatedLocation extends Place {
  label: string;
}

/** What a repair needs besides the finding: the file's text and what the analysis saw elsewhere in it. */
export interface RepairContext {
  sourceCode: SourceCode;
  vocabulary: Vocabulary;
  /** How the file writes each Finish_ method's call (its first). */
  finishForms: ReadonlyMap<string, FinishForm>;
}

export interface Repair<S extends string> {
  messageId: S;
  data: Record<string, string>;
  fix: (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix | TSESLint.RuleFix[] | null;
}

export interface ProtocolRuleDefinition<K extends FindingKind, M extends string, S extends string> {
  kind: K;
  description: string;
  recommended: boolean;
  messageId: M;
  message: string;
  /** The rule's other messages, for findings `messageIdOf` words with one of them instead of `message`. */
  otherMessages?: Record<string, string>;
  messageIdOf?(finding: FindingOf<K>): string;
  suggestionMessages?: Record<S, string>;
  /** The message data of a finding. */
  data(finding: FindingOf<K>, vocabulary: Vocabulary): Record<string, string>;
  /** The related place a reader should look at, or null. */
  related(finding: FindingOf<K>, vocabulary: Vocabulary): RelatedLocation | null;
  /** The suggestions a careful engineer would offer (never silent autofixes: each changes behaviour). */
  repairs?(finding: FindingOf<K>, context: RepairContext): Repair<S>[];
}

type AnyDefinition = ProtocolRuleDefinition<FindingKind, string, string>;
const presentations = new Map<FindingKind, AnyDefinition>();

/** A finding as its rule presents it: message data and related location (for the language server). */
export function presentFinding(finding: Finding, vocabulary: Vocabulary): { data: Record<string, string>; related: RelatedLocation | null } | null {
  const definition = presentations.get(finding.kind);
  if (!definition) return null;
  return { data: definition.data(finding, vocabulary), related: definition.related(finding, vocabulary) };
}

/** `(line N)` for labels. */
export function lineOf(node: TSESTree.Node | Place): string {
  return String(node.loc.start.line);
}

export function protocolRule<K extends FindingKind, M extends string, S extends string = never>(definition: ProtocolRuleDefinition<K, M, S>) {
  presentations.set(definition.kind, definition as unknown as AnyDefinition);
  const messages = { [definition.messageId]: definition.message, ...(definition.otherMessages ?? {}), engineError: ENGINE_ERROR_MESSAGE, unanalysed: UNANALYSED_MESSAGE, badSettings: BAD_SETTINGS_MESSAGE, ...(definition.suggestionMessages ?? {}) } as Record<M | S | "engineError" | "unanalysed" | "badSettings", string>;
  return createRule<Options, M | S | "engineError" | "unanalysed" | "badSettings">({
    name: definition.kind,
    meta: {
      type: "problem",
      docs: { description: definition.description, recommended: definition.recommended },
      ...(definition.repairs ? { hasSuggestions: true } : {}),
      messages,
      schema: namingSchema(),
      defaultOptions: [DEFAULT_NAMING],
    },
    defaultOptions: [DEFAULT_NAMING],
    create(context, [options]) {
      return protocolListeners(context, resolveNaming(options), definition.kind, {
        onFinding(finding: Finding, analysis: FileAnalysis) {
          const own = finding as FindingOf<K>;
          const repairContext: RepairContext = { sourceCode: context.sourceCode, vocabulary: analysis.vocabulary, finishForms: analysis.finishForms };
          const suggest = (definition.repairs?.(own, repairContext) ?? []).map((repair) => ({
            messageId: repair.messageId,
            data: repair.data,
            fix: (fixer: TSESLint.RuleFixer) => repair.fix(fixer) ?? [],
          }));
          context.report({
            node: finding.node,
            messageId: (definition.messageIdOf?.(own) ?? definition.messageId) as M,
            data: definition.data(own, analysis.vocabulary),
            ...(suggest.length > 0 ? { suggest } : {}),
          });
        },
        onUnanalysed(fn: TSESTree.Node) {
          const topLevel = fn.type === "Program";
          const data = topLevel
            ? { what: "this module's top-level code", advice: "Move parts of it into functions to have them checked." }
            : { what: "this function", advice: "Split the function to have it checked." };
          context.report({ loc: fn.loc.start, messageId: "unanalysed", data });
        },
        onBadSettings(problem: string, program: TSESTree.Node) {
          context.report({ loc: program.loc.start, messageId: "badSettings", data: { problem } });
        },
        onEngineError(error: Error, program: TSESTree.Node) {
          context.report({ loc: program.loc.start, messageId: "engineError", data: { error: error.message.split("\n")[0].slice(0, 200) } });
        },
      }, namingProblem(options));
    },
  });
}
