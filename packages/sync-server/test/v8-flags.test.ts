import { describe, expect, it } from 'vitest';
import { applyRelayV8Flags, RELAY_V8_FLAGS } from '../src/v8-flags.js';

// V8's own default for the budget: applying it changes nothing in the test process.
const DEFAULT_BUDGET = '--max-inlined-bytecode-size-cumulative=920';

describe('applyRelayV8Flags', () => {
  it('applies each flag the command line does not set', () => {
    expect(applyRelayV8Flags([DEFAULT_BUDGET], ['--expose-gc'])).toEqual([DEFAULT_BUDGET]);
  });

  it('leaves a flag the process was started with to the command line, dashes or underscores', () => {
    expect(applyRelayV8Flags([DEFAULT_BUDGET], ['--max-inlined-bytecode-size-cumulative=500'])).toEqual([]);
    expect(applyRelayV8Flags([DEFAULT_BUDGET], ['--max_inlined_bytecode_size_cumulative=500'])).toEqual([]);
  });

  it('does not take a flag for one whose name it only starts with', () => {
    expect(applyRelayV8Flags([DEFAULT_BUDGET], ['--max-inlined-bytecode-size=460'])).toEqual([
      DEFAULT_BUDGET,
    ]);
  });

  it('gives the relay a smaller inlining budget than V8 default', () => {
    const budget = RELAY_V8_FLAGS.find((f) => f.startsWith('--max-inlined-bytecode-size-cumulative='));
    expect(Number(budget?.split('=')[1])).toBeLessThan(920);
  });
});
