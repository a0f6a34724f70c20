import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources, so tests run without a build. */
const conditions = ['@accord/source', 'module', 'node', 'import', 'default'];

/**
 * The vitest project config every package starts from: its name, source-first resolution,
 * and tests under `test/`. Pass `overrides` for timeouts or pools.
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
      },
    }),
    overrides,
  );
}
