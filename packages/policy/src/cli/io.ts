// The streams the CLI talks through, so `agent policy ...` can mount it and tests can drive it.

export interface CliIo {
  stdin: AsyncIterable<string | Uint8Array>
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

export async function readAll(stdin: CliIo['stdin']): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of stdin)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}
