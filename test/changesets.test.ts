// Every changeset must parse the way `changeset version` will read it, and name only packages of
// this workspace (a formatter once rewrote a changeset's frontmatter into a Markdown heading).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import parseChangeset from '@changesets/parse'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const dir = join(root, '.changeset')
const workspaceNames = new Set(
  ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group)).map(
      (entry) => JSON.parse(readFileSync(join(root, group, entry, 'package.json'), 'utf8')).name as string,
    ),
  ),
)

describe('changesets', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')

  it('exist', () => expect(files.length).toBeGreaterThan(0))

  for (const file of files) {
    it(`${file} parses and names workspace packages`, () => {
      const parsed = parseChangeset(readFileSync(join(dir, file), 'utf8'))
      expect(parsed.releases.length).toBeGreaterThan(0)
      for (const release of parsed.releases) expect(workspaceNames).toContain(release.name)
      expect(parsed.summary.trim()).not.toBe('')
    })
  }
})
