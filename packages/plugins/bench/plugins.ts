// Benchmarks: loading many plugins, the hook runner's overhead over a bare process run, and
// selecting hooks among many registrations. Each is compared with a baseline measured in the
// same run, as a ratio. Run with `pnpm --filter @agent/plugins bench`.
import { readFile } from 'node:fs/promises'
import { runCommand } from '@agent/exec'
import { createHookRunner, type HookRegistration, loadPlugins } from '../src/index.js'
import { json, tempTree } from '../src/test-support/fixtures.js'

async function time(repeat: number, fn: () => Promise<unknown>): Promise<number> {
  await fn() // warm up
  const samples: number[] = []
  for (let i = 0; i < repeat; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)] ?? 0
}

const tree = tempTree()
const files: string[] = []
for (let p = 0; p < 50; p++) {
  const dir = `plugins/p${p}`
  const add = (path: string, text: string) => {
    tree.write({ [`${dir}/${path}`]: text })
    files.push(tree.path(dir, path))
  }
  add('.claude-plugin/plugin.json', json({ name: `p${p}`, version: '1.0.0' }))
  for (let c = 0; c < 5; c++)
    add(`commands/c${c}.md`, `---\ndescription: command ${c}\nargument-hint: [x]\n---\nDo $ARGUMENTS\n`)
  for (let a = 0; a < 2; a++)
    add(`agents/a${a}.md`, `---\nname: a${a}\ndescription: agent ${a}\ntools: Read, Grep\n---\nYou help.\n`)
  for (let s = 0; s < 2; s++)
    add(`skills/s${s}/SKILL.md`, `---\nname: s${s}\ndescription: skill ${s}\n---\nSteps.\n`)
  add(
    'hooks/hooks.json',
    json({
      hooks: { PreToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'true' }] }] },
    }),
  )
}

const rows: [string, string, string, string][] = []
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`)

const loadMs = await time(10, () =>
  loadPlugins({ cwd: tree.path('cwd'), home: null, pluginDirs: [tree.path('plugins')] }),
)
const readMs = await time(10, () => Promise.all(files.map((f) => readFile(f, 'utf8'))))
rows.push([
  'loadPlugins: 50 plugins, 550 files',
  fmt(loadMs),
  `readFile of the same files: ${fmt(readMs)}`,
  `${(loadMs / readMs).toFixed(1)}x`,
])

const hook: HookRegistration = {
  event: 'Stop',
  matcher: '',
  command: 'true',
  origin: { scope: 'project', file: '/b' },
}
const runner = createHookRunner({ hooks: [hook] })
const input = { session_id: 's', cwd: tree.root, hook_event_name: 'Stop' }
const hookMs = await time(30, () => runner.run(input, {}))
const bareMs = await time(30, () =>
  runCommand({ argv: ['bash', '-c', 'true'], cwd: tree.root, stdin: JSON.stringify(input) }),
)
rows.push([
  'one hook (bash -c true)',
  fmt(hookMs),
  `runCommand bash -c true: ${fmt(bareMs)}`,
  `${(hookMs / bareMs).toFixed(2)}x`,
])

const many: HookRegistration[] = Array.from({ length: 1000 }, (_, i) => ({
  ...hook,
  event: 'PreToolUse',
  matcher: i % 2 === 0 ? `Tool${i}|Other${i}` : `mcp__srv${i}__.*`,
}))
const big = createHookRunner({ hooks: many })
const pre = { ...input, hook_event_name: 'PreToolUse', tool_name: 'Bash' }
const selectMs = await time(200, () => big.matching(pre))
rows.push([
  'select among 1000 hooks (none match)',
  fmt(selectMs),
  `one hook run: ${fmt(hookMs)}`,
  `${(selectMs / hookMs).toFixed(3)}x`,
])

// Reload-on-change costs a stat of each watched file before a run.
const watched = files.filter((f) => f.endsWith('hooks.json')).slice(0, 10)
const reloading = createHookRunner({
  hooks: [hook],
  reload: { files: watched, load: async () => ({ hooks: [hook] }) },
})
const reloadMs = await time(30, () => reloading.run(input, {}))
rows.push([
  'one hook, reload check of 10 files',
  fmt(reloadMs),
  `one hook: ${fmt(hookMs)}`,
  `${(reloadMs / hookMs).toFixed(2)}x`,
])

tree.remove()
const header: [string, string, string, string] = ['case', 'median', 'baseline (same run)', 'ratio']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
console.log(line(header))
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const r of rows) console.log(line(r))
