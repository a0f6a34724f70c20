/**
 * The part of `@accord/core`'s document API the benches use (the API agreed in the brief). It is
 * checked against the real module at compile time (`CoreMatchesBenchApi`) and again member by
 * member when loaded, so a stale or partial `dist` is reported as "Accord unavailable" instead
 * of failing mid-run.
 */

/** Accord's `Text`, as the benches use it. */
export interface AccordText {
  insert(index: number, text: string): void;
  delete(index: number, length: number): void;
  /** Set attributes over a range (`null` removes one): formatting marks. */
  format(index: number, length: number, attributes: Record<string, unknown>): void;
  toString(): string;
  readonly length: number;
}

/** Accord's `Doc`, as the benches use it. */
export interface AccordDoc {
  readonly clientId: number;
  getText(name: string): AccordText;
  transact(fn: () => void, origin?: unknown): void;
  toJSON(): unknown;
  on(event: 'update', fn: (update: Uint8Array, origin: unknown) => void): void;
  off(event: 'update', fn: (update: Uint8Array, origin: unknown) => void): void;
}

/** The `@accord/core` exports the benches use. */
export interface AccordCoreApi {
  Doc: new (opts?: { clientId?: number }) => AccordDoc;
  encodeStateAsUpdate(doc: AccordDoc, stateVector?: Uint8Array): Uint8Array;
  encodeStateVector(doc: AccordDoc): Uint8Array;
  applyUpdate(doc: AccordDoc, update: Uint8Array, origin?: unknown): void;
  decodeStateVector(bytes: Uint8Array): Map<number, number>;
}

/** Thrown when `@accord/core` does not (yet) export the document API. */
export class AccordUnavailableError extends Error {
  constructor(missing: string[]) {
    super(`@accord/core does not export ${missing.join(', ')} yet`);
    this.name = 'AccordUnavailableError';
  }
}

/**
 * Imports `@accord/core` and checks that it offers the document API.
 * @throws AccordUnavailableError when a member is missing.
 */
export async function loadAccordCore(): Promise<AccordCoreApi> {
  const mod = (await import('@accord/core')) as Record<string, unknown>;
  const needed = ['Doc', 'encodeStateAsUpdate', 'encodeStateVector', 'applyUpdate', 'decodeStateVector'];
  const missing = needed.filter((k) => typeof mod[k] !== 'function');
  if (missing.length > 0) throw new AccordUnavailableError(missing);
  return mod as unknown as AccordCoreApi;
}

/**
 * Compile-time check that the real `@accord/core` offers this API (the runtime check above
 * stays for partially built trees): a drift in the document API fails the bench's build.
 */
type CoreModule = typeof import('@accord/core');
export type CoreMatchesBenchApi = CoreModule extends AccordCoreApi ? true : never;
const coreMatches: CoreMatchesBenchApi = true;
void coreMatches;
