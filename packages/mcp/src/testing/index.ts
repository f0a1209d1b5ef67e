// @agent/mcp/testing: helpers for testing MCP servers and clients against the official suite.
export {
  type ConformanceRun,
  type ConformanceSuite,
  findConformanceSuite,
  runConformance,
} from './conformance.js'
