// @agent/models/testing: model clients and servers for tests — a scripted client, record/replay
// over JSONL, and a mock provider HTTP server speaking the real wire formats.
export {
  encodeTurn,
  type MockProviderServer,
  type MockProviderServerOptions,
  type RecordedRequest,
  startMockProviderServer,
} from './mock-server.js'
export {
  type MockErrorTurn,
  type MockRawTurn,
  type MockResponseTurn,
  type MockStreamOptions,
  type MockToolCall,
  type MockTurn,
  type MockWebSearch,
  sseEvent,
} from './mock-turn.js'
export {
  parseRecording,
  RECORDING_FORMAT_VERSION,
  RecordedExchange,
  RecordingModelClient,
  ReplayFileError,
  ReplayModelClient,
} from './recording.js'
export {
  ScriptedModelClient,
  type ScriptedResponse,
  type ScriptedToolCall,
  type ScriptStep,
  scriptedEvents,
} from './scripted-client.js'
