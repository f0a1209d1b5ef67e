// The version is inlined at build time by tsup; under tests (unbundled) it is read from package.json.
declare const __AGENT_VERSION__: string | undefined

export const VERSION: string = typeof __AGENT_VERSION__ === 'string' ? __AGENT_VERSION__ : '0.0.0-dev'
