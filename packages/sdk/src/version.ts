// The version is inlined at build time by tsup (the CLI's bundle inlines its own); under tests
// (unbundled) it is a development marker.
declare const __AGENT_VERSION__: string | undefined

export const VERSION: string = typeof __AGENT_VERSION__ === 'string' ? __AGENT_VERSION__ : '0.0.0-dev'
