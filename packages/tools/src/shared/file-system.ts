// The file tools' text reads and writes (Read, Edit, Write, apply_patch), behind one seam: the
// disk by default; a host can give a session another one, e.g. an editor's buffers over ACP
// (fs/read_text_file, fs/write_text_file), so the editor sees the agent's reads of unsaved
// changes and shows its edits. Stats, deletions and moves stay on the disk.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { ToolContext, ToolDefinition } from '@agent/core'

export interface TextFileSystem {
  /** The file's text (UTF-8). Rejects when it cannot be read. */
  readTextFile(path: string): Promise<string>
  /** Writes the whole text, creating the file (and its parent directories) when needed. */
  writeTextFile(path: string, content: string): Promise<void>
}

export const diskFileSystem: TextFileSystem = {
  readTextFile: (path) => readFile(path, 'utf8'),
  async writeTextFile(path, content) {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, content)
  },
}

const FILE_SYSTEM_KEY = 'tools.fileSystem'

/** The file system of the session a tool call runs in. */
export function fileSystemOf(context: Pick<ToolContext, 'sessionState'> | undefined): TextFileSystem {
  return (context?.sessionState.get(FILE_SYSTEM_KEY) as TextFileSystem | undefined) ?? diskFileSystem
}

/** The same tools, their reads and writes going through `fileSystem` in every session they serve. */
export function withFileSystem(tools: ToolDefinition[], fileSystem: TextFileSystem): ToolDefinition[] {
  return tools.map((tool) => ({
    ...tool,
    handle(args, context) {
      context.sessionState.set(FILE_SYSTEM_KEY, fileSystem)
      return tool.handle(args, context)
    },
  }))
}
