import { defineConfig } from 'vitest/config';

/** One vitest run over every package; each package owns its project config. */
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
});
