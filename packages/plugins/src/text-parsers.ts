// The YAML and JSON-with-positions parsers, loaded on first need. Most sessions find no plugin,
// settings or skill file at all, and these two libraries are a large part of this package's
// start-up cost; every function that reads such a file awaits `loadTextParsers()` first, and the
// synchronous parsing helpers in located.ts then take them from here.
type Yaml = typeof import('yaml')
type Jsonc = typeof import('jsonc-parser')

export interface TextParsers {
  yaml: Yaml
  jsonc: Jsonc
}

let loaded: TextParsers | undefined
let loading: Promise<TextParsers> | undefined

/** Loads both parsers once; later calls return the same promise (or resolve at once). */
export function loadTextParsers(): Promise<TextParsers> {
  if (loaded) return Promise.resolve(loaded)
  loading ??= Promise.all([import('yaml'), import('jsonc-parser')]).then(([yaml, jsonc]) => {
    loaded = { yaml: namedExports(yaml, 'parseDocument'), jsonc: namedExports(jsonc, 'parseTree') }
    return loaded
  })
  return loading
}

/**
 * `yaml` is CommonJS. Node gives a dynamic import of it named exports, but a bundler that turns
 * the import into a chunk of its own (the `agent` CLI's esbuild) may hand back only
 * `{ default: module.exports }`; both shapes work here.
 */
function namedExports<T extends object>(module: T, probe: keyof T): T {
  if (probe in module) return module
  const fallback = (module as { default?: T }).default
  return fallback && probe in fallback ? fallback : module
}

/** The parsers, for synchronous code that runs after a `loadTextParsers()` of its caller. */
export function textParsers(): TextParsers {
  if (!loaded)
    throw new Error(
      'internal error: YAML/JSON parsers used before loadTextParsers() was awaited (a file reader of @agent/plugins skipped it)',
    )
  return loaded
}
