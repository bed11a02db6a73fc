/**
 * The value a plain object holds under `key` as its own property, never one inherited from
 * `Object.prototype`: `ownValue(byCategory, '__proto__')` is `undefined`, not the prototype.
 * Use it (or a `Map`) wherever a request names the key.
 *
 * @example ownValue(trending.byCategory, request.category) ?? []
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
