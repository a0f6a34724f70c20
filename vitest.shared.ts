import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources, so tests run without a build. */
const conditions = ['@accord/source', 'module', 'node', 'import', 'default'];

/**
 * A test's time limit unless it sets its own. CI runs every package's tests in one vitest run on
 * two cores, where a property test that takes 2–3 s alone took over vitest's 5 s default (one in
 * several runs each: the order-check property of `load-order.prop.test.ts`, the remote-marks
 * property of `mark-index-remote.prop.test.ts`), which alone turns CI red. Every test bounds its
 * own runs and waits; this limit only catches a hang.
 */
const TEST_TIMEOUT_MS = 60_000;

/**
 * The vitest project config every package starts from: its name, source-first resolution,
 * tests under `test/` and {@link TEST_TIMEOUT_MS}. Pass `overrides` for timeouts or pools.
 */
export function accordProject(name: string, overrides: UserWorkspaceConfig = {}): UserWorkspaceConfig {
  return mergeConfig(
    defineProject({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: ['@accord/source'] } },
      test: {
        name,
        include: ['test/**/*.test.ts'],
        environment: 'node',
        testTimeout: TEST_TIMEOUT_MS,
      },
    }),
    overrides,
  );
}
