// Test helpers for durable sessions: a real restate-server on free ports, killable and restartable.
export type { RestateServer, RestateServerOptions } from './restate-server.js'
export { freePort, restateServerBinary, startRestateServer } from './restate-server.js'
