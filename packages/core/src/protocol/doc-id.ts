/**
 * What a document id must be, wherever one enters (a client's `hello`, a token's `doc` claim, a
 * peer's message, an application's provider): 1 to {@link MAX_DOC_ID_BYTES} UTF-8 bytes of
 * well-formed UTF-16. A lone surrogate has no UTF-8 form (`TextEncoder` writes U+FFFD for it),
 * so `"a\uD800"` and `"a\uDC00"` would both reach the relay as `"a\uFFFD"` and share one room:
 * such ids are refused instead (a relay closes the connection with 1007, bad data).
 */
import { loneSurrogateAt, utf8Length } from '../encoding/utf16.js';

/** Longest document id accepted, in UTF-8 bytes. */
export const MAX_DOC_ID_BYTES = 512;

/** Why a string is not a valid document id. */
export type DocIdProblem = 'empty' | 'too-long' | 'lone-surrogate';

/** What is wrong with `docId` as a document id, or `null` when it is valid. Never throws. */
export function docIdProblem(docId: string): DocIdProblem | null {
  if (docId.length === 0) return 'empty';
  if (loneSurrogateAt(docId) !== -1) return 'lone-surrogate';
  // A UTF-16 unit is at most 3 UTF-8 bytes: short ids need no count.
  if (docId.length * 3 > MAX_DOC_ID_BYTES && utf8Length(docId) > MAX_DOC_ID_BYTES) return 'too-long';
  return null;
}

/** Whether `docId` is a valid document id (see {@link docIdProblem}). */
export function isValidDocId(docId: string): boolean {
  return docIdProblem(docId) === null;
}

/** A sentence saying why `docId` is refused, for error messages (`problem` from {@link docIdProblem}). */
export function describeDocIdProblem(problem: DocIdProblem): string {
  switch (problem) {
    case 'empty':
      return 'document id is empty';
    case 'too-long':
      return `document id is longer than ${MAX_DOC_ID_BYTES} UTF-8 bytes`;
    case 'lone-surrogate':
      return 'document id is not well-formed UTF-16 (it holds a lone surrogate)';
  }
}
