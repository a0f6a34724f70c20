import { describe, expect, it } from 'vitest';
import { DEFAULT_DOC, docNameFromHash, hashForDoc } from '../../src/config/doc-name.js';

describe('docNameFromHash', () => {
  it('reads the document from #doc=name', () => {
    expect(docNameFromHash('#doc=notes')).toBe('notes');
    expect(docNameFromHash('#x=1&doc=team-2.draft')).toBe('team-2.draft');
  });

  it('falls back to the default document for a missing or unsafe name', () => {
    expect(docNameFromHash('')).toBe(DEFAULT_DOC);
    expect(docNameFromHash('#doc=')).toBe(DEFAULT_DOC);
    expect(docNameFromHash('#doc=a/b')).toBe(DEFAULT_DOC);
    expect(docNameFromHash(`#doc=${'x'.repeat(65)}`)).toBe(DEFAULT_DOC);
  });

  it('round-trips through hashForDoc, keeping other parameters', () => {
    const hash = hashForDoc('#theme=dark&doc=old', 'new');
    expect(docNameFromHash(hash)).toBe('new');
    expect(hash).toContain('theme=dark');
  });
});
