/** One runnable block of a README, or the reason a `<!-- run -->` marker has none. */
export type RunnableBlock =
  | {
      readonly line: number;
      readonly code: string;
      readonly expected: string | null;
      readonly error?: undefined;
    }
  | { readonly line: number; readonly error: string };

/** The runnable examples of a README (see readme-blocks.mjs). */
export function runnableBlocks(markdown: string): RunnableBlock[];
