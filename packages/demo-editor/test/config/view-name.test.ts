/** The editor a tab shows, from the URL fragment. */
import { describe, expect, it } from 'vitest';
import { hashForView, viewFromHash } from '../../src/config/view-name.js';

describe('view from the URL fragment', () => {
  it('is rich only for view=rich, and keeps the other parameters when switching', () => {
    expect(viewFromHash('')).toBe('plain');
    expect(viewFromHash('#doc=notes')).toBe('plain');
    expect(viewFromHash('#doc=notes&view=rich')).toBe('rich');
    expect(viewFromHash('#view=other')).toBe('plain');
    expect(hashForView('#doc=notes', 'rich')).toBe('#doc=notes&view=rich');
    expect(hashForView('#doc=notes&view=rich', 'plain')).toBe('#doc=notes');
  });
});
