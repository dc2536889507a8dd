/**
 * The engine's public surface for tools beyond ESLint's reports (the language
 * server reads related locations from here; tests read the work counters).
 * Lint a file with any com-async rule enabled, then ask for its analyses.
 */
export { analysesOf } from "./file-analysis";
export { FileAnalysis } from "./file-analysis";
export type { EngineStats } from "./function-analysis";
export type { Violation, ViolationKind, RelatedLocation, Repair } from "./violations";
export { VIOLATION_KINDS } from "./violations";
