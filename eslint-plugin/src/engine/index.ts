/**
 * The engine's public surface for tools beyond ESLint's reports (the language
 * server reads related locations from here; tests read the work counters).
 * Lint a file with any com-async rule enabled, then ask for its analyses.
 */
export { FileAnalysis } from "./file-analysis";
export { analysesOf } from "./file-analyses";
export type { EngineStats } from "./model";
export type { Finding, FindingKind, FindingOf, Place, Exit } from "./findings";
export { Vocabulary } from "./vocabulary";
export { formatGraph } from "./debug";
