// `-c key.path=value` overrides. The value is parsed as TOML (so `-c sandbox_workspace_write.network_access=true`
// is a boolean and `-c 'rules=["a.rules"]'` an array); when it is not valid TOML it is taken as
// a plain string, so `-c model=gpt-5` works without quotes.
import { parse } from 'smol-toml'
import { ConfigError } from './errors.js'

export type ConfigTable = Record<string, unknown>

export function parseOverride(spec: string): { path: string[]; value: unknown } {
  const eq = spec.indexOf('=')
  if (eq <= 0) {
    throw new ConfigError(
      `-c ${spec}: expected key.path=value (e.g. -c model=gpt-5 or -c approval_policy="never")`,
    )
  }
  const rawKey = spec.slice(0, eq).trim()
  const rawValue = spec.slice(eq + 1).trim()
  const path = rawKey.split('.').map((part) => part.trim())
  if (path.some((part) => part === '' || !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw new ConfigError(
      `-c ${spec}: "${rawKey}" is not a key path (letters, digits, _ and - separated by dots)`,
    )
  }
  let value: unknown = rawValue
  try {
    value = parse(`value = ${rawValue}`).value
  } catch {
    // Not TOML: a bare word such as `gpt-5` or `never` is meant as a string.
  }
  return { path, value }
}

/** Returns a copy of `table` with `value` set at `path`, creating tables on the way. */
export function setPath(table: ConfigTable, path: string[], value: unknown): ConfigTable {
  const [head, ...rest] = path
  if (head === undefined) return table
  if (rest.length === 0) return { ...table, [head]: value }
  const child = table[head]
  const childTable =
    child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as ConfigTable) : {}
  return { ...table, [head]: setPath(childTable, rest, value) }
}

/** Deep-merges tables: `over` wins; arrays and scalars are replaced, tables merged key by key. */
export function mergeTables(base: ConfigTable, over: ConfigTable): ConfigTable {
  const out: ConfigTable = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    const bothTables =
      prev !== null &&
      typeof prev === 'object' &&
      !Array.isArray(prev) &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    out[key] = bothTables ? mergeTables(prev as ConfigTable, value as ConfigTable) : value
  }
  return out
}
