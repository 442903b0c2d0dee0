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
}

export type SectionRunner = (options: SectionOptions) => Promise<SectionOutput>;
