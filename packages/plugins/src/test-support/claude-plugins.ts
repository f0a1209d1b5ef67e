// Test support: real plugins in Claude Code's format, as people publish them, written into a
// temp tree. Their hook scripts are Node programs run through bash, like `${CLAUDE_PLUGIN_ROOT}`
// scripts in published plugins.
import { json, type TempTree } from './fixtures.js'

/** A hookify-like plugin: rules in `.claude/hookify.*.local.md` warn about or block actions. */
export function writeHookifyPlugin(tree: TempTree, dir = 'plugins/hookify-lite'): string {
  tree.write({
    [`${dir}/.claude-plugin/plugin.json`]: json({
      name: 'hookify-lite',
      version: '0.3.0',
      description: 'Rules in markdown that warn about or block what the agent does',
    }),
    [`${dir}/hooks/hooks.json`]: json({
      description: 'hookify rule engine',
      hooks: {
        PreToolUse: [
          {
            hooks: [
              { type: 'command', command: `node "\${CLAUDE_PLUGIN_ROOT}/hooks/rules.mjs"`, timeout: 30 },
            ],
          },
        ],
        UserPromptSubmit: [
          { hooks: [{ type: 'command', command: `node "\${CLAUDE_PLUGIN_ROOT}/hooks/rules.mjs"` }] },
        ],
      },
    }),
    [`${dir}/hooks/rules.mjs`]: `
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
const input = JSON.parse(readFileSync(0, 'utf8'))
const dir = join(process.env.CLAUDE_PROJECT_DIR, '.claude')
const rules = []
for (const name of readdirSync(dir).filter((n) => /^hookify\\..*\\.local\\.md$/.test(n))) {
  const text = readFileSync(join(dir, name), 'utf8')
  const [, head, body] = /^---\\n([\\s\\S]*?)\\n---\\n([\\s\\S]*)$/.exec(text)
  const fields = Object.fromEntries(head.split('\\n').map((l) => l.split(/:\\s*/, 2)))
  rules.push({ ...fields, message: body.trim() })
}
const event = input.hook_event_name
const subject =
  event === 'UserPromptSubmit' ? input.prompt
  : input.tool_name === 'Bash' ? input.tool_input.command
  : JSON.stringify(input.tool_input ?? {})
const kind = event === 'UserPromptSubmit' ? 'prompt' : input.tool_name === 'Bash' ? 'bash' : 'file'
const hit = rules.find((r) => r.event === kind && new RegExp(r.pattern).test(subject))
if (!hit) process.exit(0)
if (hit.action === 'block') {
  const out = event === 'PreToolUse'
    ? { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: hit.message } }
    : { decision: 'block', reason: hit.message }
  process.stdout.write(JSON.stringify(out))
} else {
  process.stdout.write(JSON.stringify({ systemMessage: '⚠ ' + hit.message }))
}
`,
    [`${dir}/commands/hookify-list.md`]: `---
description: List the hookify rules of this project
allowed-tools: Bash(ls:*)
---
The rules of this project: !\`ls .claude | grep hookify\`
`,
  })
  return tree.path(dir)
}

/** Rules for the hookify-like plugin, in the project. */
export function writeHookifyRules(tree: TempTree, project: string): void {
  tree.write({
    [`${project}/.claude/hookify.no-rm.local.md`]: `---
event: bash
pattern: rm\\s+-rf
action: block
---
Do not delete directories recursively; move them to the trash instead.
`,
    [`${project}/.claude/hookify.console.local.md`]: `---
event: file
pattern: console\\.log
action: warn
---
console.log left in the code.
`,
  })
}

/** Like Anthropic's security-guidance plugin: a PreToolUse reminder on Edit|Write|MultiEdit. */
export function writeSecurityPlugin(tree: TempTree, dir = 'plugins/security-guidance'): string {
  tree.write({
    [`${dir}/.claude-plugin/plugin.json`]: json({ name: 'security-guidance' }),
    [`${dir}/hooks/hooks.json`]: json({
      hooks: {
        PreToolUse: [
          {
            matcher: 'Edit|Write|MultiEdit',
            hooks: [{ type: 'command', command: `node \${CLAUDE_PLUGIN_ROOT}/hooks/security_reminder.mjs` }],
          },
        ],
      },
    }),
    [`${dir}/hooks/security_reminder.mjs`]: `
import { readFileSync } from 'node:fs'
const input = JSON.parse(readFileSync(0, 'utf8'))
const text = [input.tool_input?.content, input.tool_input?.new_string].filter(Boolean).join('\\n')
const patterns = [
  ['eval(', 'eval() runs arbitrary code: parse the data instead (JSON.parse) or use a safe evaluator.'],
  ['dangerouslySetInnerHTML', 'dangerouslySetInnerHTML is an XSS risk: sanitize the HTML first.'],
  ['os.system', 'os.system runs a shell: use subprocess.run with a list of arguments.'],
]
const hit = patterns.find(([needle]) => text.includes(needle))
if (hit) {
  process.stderr.write('⚠️ Security reminder for ' + input.tool_input.file_path + ': ' + hit[1])
  process.exit(2)
}
`,
  })
  return tree.path(dir)
}

/** A plugin with a command that takes arguments, a skill with a bundled script, two subagents. */
export function writeDevKitPlugin(tree: TempTree, dir = 'plugins/dev-kit'): string {
  tree.write({
    [`${dir}/.claude-plugin/plugin.json`]: json({
      name: 'dev-kit',
      version: '1.2.0',
      description: 'Review helpers',
      author: { name: 'Someone' },
    }),
    [`${dir}/commands/review.md`]: `---
description: Review a pull request
argument-hint: [pr-number] [priority]
allowed-tools: Bash(git diff:*), Read
model: claude-sonnet-4-5
---
Review pull request #$0 with priority $1.

Everything the user said: $ARGUMENTS

House rules: @REVIEWING.md

Current branch: !\`git branch --show-current\`
Plugin helpers live in \${CLAUDE_PLUGIN_ROOT}/scripts.
`,
    [`${dir}/skills/csv-stats/SKILL.md`]: `---
name: csv-stats
description: Summarise a CSV file (row count, columns). Use when the user asks about a CSV file.
allowed-tools: Bash(bash:*)
---
# CSV statistics

Run the bundled script with the file as its argument:

    bash scripts/stats.sh data.csv

It prints the number of rows and the header.
`,
    [`${dir}/skills/csv-stats/scripts/stats.sh`]: `#!/usr/bin/env bash
set -eu
echo "rows: $(($(wc -l < "$1") - 1))"
echo "columns: $(head -n 1 "$1")"
`,
    [`${dir}/agents/code-reviewer.md`]: `---
name: code-reviewer
description: Reviews code for bugs and style. Use proactively after writing code.
tools: Read, Grep, Glob
model: sonnet
maxTurns: 8
---
You are a meticulous code reviewer. Report bugs first, then style.
`,
    [`${dir}/agents/test-runner.md`]: `---
name: test-runner
description: Runs the test suite and reports failures.
tools:
  - Bash
  - Read
---
You run tests and summarise failures with file and line.
`,
    [`${dir}/.mcp.json`]: json({
      mcpServers: {
        'issue-db': {
          command: 'node',
          args: [`\${CLAUDE_PLUGIN_ROOT}/server.js`],
          env: { DB: `\${AGENT_PLUGIN_ROOT}/db` },
        },
      },
    }),
  })
  return tree.path(dir)
}
