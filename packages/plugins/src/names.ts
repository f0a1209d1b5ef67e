// Finding a command, skill or subagent by the name a user or model gives: the exact name, or
// for a plugin component its bare name when no other component has that bare name.

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string }

export function resolveByName<T extends { name: string }>(items: readonly T[], name: string): Resolved<T> {
  const wanted = name.trim().replace(/^\//, '')
  const exact = items.find((item) => item.name === wanted)
  if (exact) return { ok: true, value: exact }
  const bare = items.filter((item) => item.name.slice(item.name.lastIndexOf(':') + 1) === wanted)
  if (bare.length === 1 && bare[0]) return { ok: true, value: bare[0] }
  if (bare.length > 1) {
    return { ok: false, error: `"${wanted}" is ambiguous: use one of ${bare.map((b) => b.name).join(', ')}.` }
  }
  return { ok: false, error: `No "${wanted}" is defined.` }
}
