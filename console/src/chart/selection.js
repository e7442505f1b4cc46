// Which nodes are selected: a click selects one; Shift+click adds a second (or takes one away).
// At most two, since "Show path" asks between two: a third drops the older.

export function select(selected, id, additive) {
  if (!additive) return [id];
  if (selected.includes(id)) return selected.filter((s) => s !== id);
  return [...selected, id].slice(-2);
}
