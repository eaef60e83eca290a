/**
 * The fields of `next` whose values differ from `before` (compared as JSON: tags are lists). A
 * sheet writes only what the person changed: merge is per field, so an edit of the amount here and
 * of the note on another device both stand, and an undo reverts just this edit's fields.
 */
export function changedFields<T extends Record<string, unknown>>(before: object, next: T): Partial<T> {
  const was = before as Readonly<Record<string, unknown>>;
  const patch: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T & string>) {
    if (JSON.stringify(next[key]) !== JSON.stringify(was[key] ?? null)) patch[key] = next[key];
  }
  return patch;
}
