// @agent/core/testing — in-memory and scripted implementations of every port, for core's own
// tests and for people who embed the agent and want to test their tools without a model.
export { MemorySessionStore } from '../store/memory-store.js'
export { collectUntil, type EventLog } from './collect.js'
export { FakePolicy, FakeSandbox, ManualClock, RecordingHookRunner, StaticToolProvider } from './fakes.js'
export { type JournalEntry, MemoryApprovalGate, MemoryJournal, SimulatedCrash } from './memory-journal.js'
export { MemoryWorkspaceTracker } from './memory-workspace.js'
export { PipeProcessSessions } from './pipe-processes.js'
export { ProcessRunner, ScriptedRunner } from './process-runner.js'
export type { ScriptedResponse, ScriptStep } from './scripted-model.js'
export { reply, ScriptedModel } from './scripted-model.js'
