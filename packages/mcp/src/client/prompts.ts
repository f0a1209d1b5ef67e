// MCP prompts as slash commands: `/mcp__<server>__<prompt> word word`. The words map onto the
// prompt's declared arguments in order; the messages `prompts/get` returns become the text the
// user sends. Roots: the session's directory as a `file://` URI.
import { basename } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { PromptMessage } from '@modelcontextprotocol/sdk/types.js'
import type { McpRoot } from './connection.js'

/** What the user types after `/` for a server's prompt (Claude Code's spelling). */
export function promptCommand(server: string, prompt: string): string {
  return `mcp__${server}__${prompt}`
}

/**
 * Positional words onto declared arguments, in order; the last declared argument takes every
 * remaining word (so `/mcp__s__greet Bob Smith` with one argument `name` gets "Bob Smith").
 * Throws, naming what is missing and the usage, when a required argument has no word.
 */
export function promptArguments(
  prompt: { command: string; arguments: { name: string; required?: boolean }[] },
  words: readonly string[],
): Record<string, string> {
  const declared = prompt.arguments
  const out: Record<string, string> = {}
  for (const [index, arg] of declared.entries()) {
    const last = index === declared.length - 1
    const value = last ? words.slice(index).join(' ') : words[index]
    if (value !== undefined && value !== '') out[arg.name] = value
  }
  const missing = declared.filter((a) => a.required && out[a.name] === undefined).map((a) => a.name)
  if (missing.length > 0) {
    const usage = declared.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ')
    throw new Error(
      `/${prompt.command}: missing required argument ${missing.join(', ')} (usage: /${prompt.command} ${usage})`,
    )
  }
  if (declared.length === 0 && words.length > 0) {
    throw new Error(`/${prompt.command} takes no arguments (got: ${words.join(' ')})`)
  }
  return out
}

/**
 * The messages as one user text: each message's text, embedded text resources as their text,
 * blank lines between. Assistant messages are kept, labelled, since one user input cannot
 * carry a model turn. Images and audio are named, not sent (absent, see README).
 */
export function promptMessagesText(messages: readonly PromptMessage[]): string {
  const parts: string[] = []
  for (const message of messages) {
    const content = message.content
    let text: string
    if (content.type === 'text') text = content.text
    else if (content.type === 'resource' && 'text' in content.resource) text = String(content.resource.text)
    else if (content.type === 'resource_link') text = `[resource: ${content.uri}]`
    else if (content.type === 'resource') text = `[resource: ${content.resource.uri}]`
    else text = `[${content.type} content from the prompt, not sent]`
    parts.push(message.role === 'assistant' ? `(assistant) ${text}` : text)
  }
  return parts.join('\n\n')
}

/** The root for a directory: `{uri: "file:///path", name: "<basename>"}`. */
export function rootForDirectory(dir: string): McpRoot {
  return { uri: pathToFileURL(dir).href, name: basename(dir) || dir }
}
