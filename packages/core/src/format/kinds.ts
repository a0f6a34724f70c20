/**
 * The kinds of shared types (map, list, text, counter) and their numeric codes in the binary
 * format. The wire format names kinds without knowing the classes that implement them; the
 * document (`doc/`) takes its `ContainerKind` from here.
 */

/** The four kinds of shared types. */
export type ContainerKind = 'map' | 'list' | 'text' | 'counter';

/** Numeric codes of {@link ContainerKind} in the binary format. */
export const KIND_CODES: Record<ContainerKind, number> = { map: 0, list: 1, text: 2, counter: 3 };
/** {@link ContainerKind} by numeric code. */
export const KINDS: readonly ContainerKind[] = ['map', 'list', 'text', 'counter'];
