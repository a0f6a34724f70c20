/**
 * The document a tab edits comes from the URL fragment, `#doc=name`, so a link shares a document
 * and two groups can work on different ones.
 */

/** The document opened when the URL names none. */
export const DEFAULT_DOC = 'welcome';

const VALID = /^[A-Za-z0-9._~-]{1,64}$/;

/**
 * The document name in a URL fragment such as `#doc=notes` (other `&key=value` pairs allowed).
 * Names are 1–64 characters of letters, digits and `. _ ~ -`; anything else yields `DEFAULT_DOC`.
 */
export function docNameFromHash(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const name = params.get('doc')?.trim() ?? '';
  return VALID.test(name) ? name : DEFAULT_DOC;
}

/** The fragment for a document name, keeping other fragment parameters. */
export function hashForDoc(currentHash: string, name: string): string {
  const params = new URLSearchParams(currentHash.replace(/^#/, ''));
  params.set('doc', name);
  return `#${params.toString()}`;
}
