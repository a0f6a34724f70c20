/**
 * Objects built from names a replica does not choose (object keys of decoded values, map keys,
 * mark keys, root names): a name such as `__proto__` must become an own property like any other,
 * never set the object's prototype (which would hide the entry and hand the object properties
 * nobody wrote).
 */

/**
 * Set `key` of `out` to `value` as an own, enumerable data property, also for names that
 * `Object.prototype` has (`__proto__`, or any name a frozen prototype would refuse to shadow).
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key in Object.prototype)
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
