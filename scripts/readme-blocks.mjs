// The runnable examples of a README, for scripts/pack-check.mjs: a ```ts or ```js block right
// after a `<!-- run -->` line, and optionally its expected output: a ```text block right after an
// `<!-- output -->` line that follows the code block. Blank lines between them are allowed.

/** The runnable blocks of a README: code after `<!-- run -->`, expected output after `<!-- output -->`. */
export function runnableBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  const fenced = (start) => {
    let i = start;
    while (i < lines.length && lines[i].trim() === '') i++;
    const open = /^```(\w+)\s*$/.exec(lines[i] ?? '');
    if (!open) return null;
    const body = [];
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].startsWith('```')) return { lang: open[1], code: body.join('\n'), end: j + 1 };
      body.push(lines[j]);
    }
    return null;
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '<!-- run -->') continue;
    const code = fenced(i + 1);
    if (!code || !['ts', 'js'].includes(code.lang)) {
      blocks.push({ line: i + 1, error: '<!-- run --> is not followed by a ```ts or ```js block' });
      continue;
    }
    let expected = null;
    let k = code.end;
    while (k < lines.length && lines[k].trim() === '') k++;
    if (lines[k]?.trim() === '<!-- output -->') {
      const out = fenced(k + 1);
      if (out) expected = out.code;
    }
    blocks.push({ line: i + 1, code: code.code, expected });
  }
  return blocks;
}
