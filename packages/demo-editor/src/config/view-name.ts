/**
 * Which editor a tab shows comes from the URL fragment too, `#doc=name&view=rich`: the plain-text
 * editor (the default) or the rich-text one. Both edit the same document, each its own part.
 */

/** The editors the demo has. */
export type EditorKind = 'plain' | 'rich';

/** The editor named by a URL fragment (`view=rich`); anything else is the plain one. */
export function viewFromHash(hash: string): EditorKind {
  return new URLSearchParams(hash.replace(/^#/, '')).get('view') === 'rich' ? 'rich' : 'plain';
}

/** The fragment showing `view`, keeping the other fragment parameters. */
export function hashForView(currentHash: string, view: EditorKind): string {
  const params = new URLSearchParams(currentHash.replace(/^#/, ''));
  if (view === 'rich') params.set('view', 'rich');
  else params.delete('view');
  return `#${params.toString()}`;
}
