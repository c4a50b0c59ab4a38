/** A record as JSON with its keys sorted and empty parts left out: equal text, equal record. */
export function canonicalJson(value: unknown): string {
  const normalize = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, normalize(inner)] as const)
        .filter(
          ([, inner]) =>
            !(inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length === 0),
        )
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries);
    }
    return v;
  };
  return JSON.stringify(normalize(value));
}
