import { runCommand } from '@agent/exec'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadPlugins } from './loader.js'
import type { Skill } from './markdown-components.js'
import { createSkillTool, skillBudgetChars, skillsContextText } from './skills-tool.js'
import { writeDevKitPlugin } from './test-support/claude-plugins.js'
import { type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

const context = () => ({
  callId: 'c1',
  sessionId: 's1',
  cwd: tree.root,
  signal: new AbortController().signal,
  emit: () => {},
})

const skill = (name: string, description: string): Skill => ({
  name,
  description,
  directory: `/skills/${name}`,
  body: '',
  origin: { scope: 'project', file: `/skills/${name}/SKILL.md` },
})

describe('skillsContextText', () => {
  it('lists name and description only', () => {
    const text = skillsContextText([skill('pdf', 'Fill PDF forms'), skill('x:csv', 'CSV\n  stats')], {
      budgetChars: 10_000,
    })
    expect(text).toMatch(/call the Skill tool/)
    expect(text.endsWith('- pdf: Fill PDF forms\n- x:csv: CSV stats')).toBe(true)
    expect(skillsContextText([], { budgetChars: 100 })).toBe('')
  })

  it('stays within the budget: shortens descriptions, then leaves skills out and says so', () => {
    const many = Array.from({ length: 200 }, (_, i) => skill(`skill-${i}`, `does thing ${i} `.repeat(20)))
    const budget = skillBudgetChars(200_000)
    expect(budget).toBe(8000)
    const text = skillsContextText(many, { budgetChars: budget })
    expect(text.length).toBeLessThanOrEqual(budget)
    expect(text).toMatch(/\(\d+ more skills not listed\)$/)
    expect(text).toContain('- skill-0: does thing 0')
    const few = skillsContextText(many.slice(0, 30), { budgetChars: budget })
    expect(few.length).toBeLessThanOrEqual(budget)
    expect(few).toContain('- skill-29:')
    expect(few).toContain('…')
  })
})

describe('createSkillTool', () => {
  it('loads SKILL.md and its directory; the bundled script runs from there', async () => {
    writeDevKitPlugin(tree)
    tree.write({ 'project/data.csv': 'name,size\na,1\nb,2\n' })
    const { skills } = await loadPlugins({
      cwd: tree.path('project'),
      home: null,
      pluginDirs: [tree.path('plugins')],
    })
    const tool = createSkillTool(skills)
    expect(tool).toMatchObject({ name: 'Skill', readOnly: true })
    expect(tool.description).toContain('dev-kit:csv-stats')
    const args = tool.parameters.parse({ skill: 'csv-stats' })
    const result = await tool.handle(args, context())
    const directory = tree.path('plugins/dev-kit/skills/csv-stats')
    expect(result.isError).toBeUndefined()
    expect(result.output).toMatch(
      new RegExp(`^Base directory for this skill: ${directory}\n\n# CSV statistics`),
    )
    expect(result.output).not.toContain('description:')

    // What the model does next: run the bundled script, found through the directory it was told.
    const run = await runCommand({
      argv: ['bash', `${directory}/scripts/stats.sh`, 'data.csv'],
      cwd: tree.path('project'),
    })
    expect(run.stdout).toBe('rows: 2\ncolumns: name,size\n')
  })

  it('reads the file again on each call and reports unknown or ambiguous names', async () => {
    tree.write({
      'p/.claude/skills/notes/SKILL.md': '---\nname: notes\ndescription: Take notes\n---\nv1 $ARGUMENTS\n',
    })
    const { skills } = await loadPlugins({ cwd: tree.path('p'), home: null })
    const tool = createSkillTool(skills)
    tree.write({
      'p/.claude/skills/notes/SKILL.md': '---\nname: notes\ndescription: Take notes\n---\nv2 $ARGUMENTS\n',
    })
    expect((await tool.handle({ skill: 'notes', args: 'for Monday' }, context())).output).toContain(
      'v2 for Monday',
    )
    expect(await tool.handle({ skill: 'nope' }, context())).toEqual({
      output: 'No "nope" is defined. Available skills: notes.',
      isError: true,
    })
    const twins = createSkillTool([skill('a:lint', 'x'), skill('b:lint', 'y')])
    expect((await twins.handle({ skill: 'lint' }, context())).output).toMatch(
      /ambiguous: use one of a:lint, b:lint/,
    )
  })
})
