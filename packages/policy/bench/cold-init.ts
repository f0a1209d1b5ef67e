// Run in a fresh process by classify.ts: prints how long the first createCommandPolicy() takes,
// and how long loading tree-sitter and the grammar and parsing `ls` takes (the baseline): wall and CPU ms.
import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'
import { createCommandPolicy } from '../src/index.js'

const mode = process.argv[2]
const start = performance.now()
const cpuStart = process.cpuUsage()
if (mode === 'baseline') {
  await Parser.init()
  const require = createRequire(import.meta.url)
  const language = await Language.load(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm'))
  const parser = new Parser()
  parser.setLanguage(language)
  parser.parse('ls')?.delete()
} else {
  const policy = await createCommandPolicy()
  policy.evaluateScript('ls', { approvalPolicy: 'on-request', sandboxPolicy: { type: 'danger-full-access' } })
}
const cpu = process.cpuUsage(cpuStart)
process.stdout.write(`${performance.now() - start} ${(cpu.user + cpu.system) / 1000}\n`)
