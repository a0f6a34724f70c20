/**
 * Who this tab is: a display name and a colour, kept per tab (sessionStorage) so a reload keeps
 * them and separate tabs are separate people.
 */

/** Colours for users, chosen to stay readable on light and dark backgrounds. */
export const USER_COLORS: readonly string[] = [
  '#e8384f',
  '#2f7ae5',
  '#2d9d5c',
  '#e8890c',
  '#9b51e0',
  '#0f9aa8',
  '#d6457a',
  '#6d5dfc',
];

const NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Leslie', 'Radia', 'Ken', 'Margaret'];

/** The longest display name accepted (the relay allows 256 UTF-8 bytes). */
export const MAX_NAME_LENGTH = 40;

/** A tab's identity. */
export interface Identity {
  readonly name: string;
  readonly color: string;
}

/** Trim and shorten a display name; empty names become `fallback`. */
export function cleanName(name: string, fallback: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
  return trimmed.length > 0 ? trimmed : fallback;
}

/** This tab's identity: remembered in `storage`, else a new random one (and remembered). */
export function loadIdentity(
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
  random = Math.random,
): Identity {
  const saved = storage?.getItem('accord-demo-identity');
  if (saved) {
    try {
      const parsed: unknown = JSON.parse(saved);
      if (
        parsed &&
        typeof parsed === 'object' &&
        'name' in parsed &&
        'color' in parsed &&
        typeof parsed.name === 'string' &&
        typeof parsed.color === 'string' &&
        USER_COLORS.includes(parsed.color)
      ) {
        return { name: cleanName(parsed.name, 'Guest'), color: parsed.color };
      }
    } catch {
      // A corrupt entry: make a new identity.
    }
  }
  const base = NAMES[Math.floor(random() * NAMES.length)] ?? 'Guest';
  const identity = {
    name: `${base} ${Math.floor(random() * 90) + 10}`,
    color: USER_COLORS[Math.floor(random() * USER_COLORS.length)] ?? '#2f7ae5',
  };
  saveIdentity(storage, identity);
  return identity;
}

/** Remember `identity` in `storage` (ignores storage errors such as a full quota). */
export function saveIdentity(storage: Pick<Storage, 'setItem'> | undefined, identity: Identity): void {
  try {
    storage?.setItem('accord-demo-identity', JSON.stringify(identity));
  } catch {
    // Storage unavailable (private mode, quota): the identity lasts for this page only.
  }
}
