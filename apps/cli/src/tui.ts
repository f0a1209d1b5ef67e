// The interactive UI (Ink, React) as its own ES module bundle, dist/tui.js: Ink and its layout
// engine use top-level await, which a CommonJS bundle cannot hold, so the CLI's bundle imports
// this file at run time instead of containing it (see tsup.config.ts).
export * from '@agent/tui'
