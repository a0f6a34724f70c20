import { describe, expect, it } from 'vitest';
import { runnableBlocks } from '../../../scripts/readme-blocks.mjs';

const fence = '```';

describe('runnableBlocks', () => {
  it('takes the ts/js block after <!-- run --> and the text block after <!-- output -->', () => {
    const md = [
      '# x',
      `${fence}ts`,
      'not marked',
      fence,
      '<!-- run -->',
      '',
      `${fence}ts`,
      "console.log('a');",
      "console.log('b');",
      fence,
      '',
      '<!-- output -->',
      `${fence}text`,
      'a',
      'b',
      fence,
      '<!-- run -->',
      `${fence}js`,
      'process.exit(0);',
      fence,
    ].join('\n');
    expect(runnableBlocks(md)).toEqual([
      { line: 5, code: "console.log('a');\nconsole.log('b');", expected: 'a\nb' },
      { line: 17, code: 'process.exit(0);', expected: null },
    ]);
  });

  it('reports a marker not followed by a runnable block', () => {
    const md = ['<!-- run -->', `${fence}sh`, 'ls', fence, '<!-- run -->', 'text'].join('\n');
    expect(runnableBlocks(md).map((b) => b.line)).toEqual([1, 5]);
    expect(runnableBlocks(md).every((b) => b.error !== undefined)).toBe(true);
  });

  it('finds nothing in a README without markers', () => {
    expect(runnableBlocks(`# x\n${fence}ts\nlet a = 1;\n${fence}\n`)).toEqual([]);
  });
});
