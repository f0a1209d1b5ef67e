// The floor under "process start → first model request": nothing but the official `openai` SDK
// streaming one response (no config, no plugins, no agent). With BENCH_WITH_CORE=1 it first
// loads @agent/core the way the CLI does (zod and the protocol's schemas come with it).
// bench/cli.ts bundles this file like the CLI (one minified ESM file) and times it.
import OpenAI from 'openai'

if (process.env.BENCH_WITH_CORE === '1') await import('@agent/core')
const client = new OpenAI({ apiKey: 'bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 })
const stream = await client.responses.create({ model: 'bench', input: 'hi', stream: true })
for await (const event of stream) if (event.type === 'response.completed') break
