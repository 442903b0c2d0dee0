// The contract of a benchmark section: `tools/bench/<name>.ts` exports `run`, and main.ts lists it.

export interface SectionOptions {
  /** Short CI smoke run. */
  quick: boolean;
}

export type Row = Record<string, string | number | boolean | undefined>;

export interface SectionOutput {
  /** Key in bench-results.json. */
  name: string;
  /** Written to bench-results.json under `name`. */
  result: unknown;
  /** Printed as a table. */
  rows: Row[];
  /** The section's targets, printed as met or MISSED after the table (a full run judges them). */
  targets?: Target[];
}

export interface Target {
  /** What is promised, e.g. "requestsToPrimary <= 20 under Retry-After: 0". */
  name: string;
  met: boolean;
  /** The measured value, as printed. */
  value: string;
}

export type SectionRunner = (options: SectionOptions) => Promise<SectionOutput>;
