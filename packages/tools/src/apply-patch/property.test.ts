// Property: a patch written the way models write them (a few changed lines with up to 3 lines of
// context, several chunks in file order) turns the old file into exactly the new one.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyChunks } from './apply.js'
import { parsePatch } from './parser.js'

interface Edit {
  at: number
  remove: number
  insert: string[]
}

/** The update hunk text for edits applied to `lines` (edits sorted, non-overlapping). */
function patchFor(lines: string[], edits: Edit[]): string {
  let body = '*** Begin Patch\n*** Update File: f.txt\n'
  for (const edit of edits) {
    const before = lines.slice(Math.max(0, edit.at - 3), edit.at)
    const after = lines.slice(edit.at + edit.remove, edit.at + edit.remove + 3)
    body += '@@\n'
    for (const l of before) body += ` ${l}\n`
    for (const l of lines.slice(edit.at, edit.at + edit.remove)) body += `-${l}\n`
    for (const l of edit.insert) body += `+${l}\n`
    for (const l of after) body += ` ${l}\n`
  }
  return `${body}*** End Patch`
}

function applyEdits(lines: string[], edits: Edit[]): string[] {
  const out = [...lines]
  for (const edit of [...edits].reverse()) out.splice(edit.at, edit.remove, ...edit.insert)
  return out
}

// Unique lines keep the expected result unambiguous (repeated context could match earlier).
const uniqueLines = fc.uniqueArray(
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\n\r]/.test(s) && s.trim() === s && s !== ''),
  {
    minLength: 1,
    maxLength: 40,
  },
)

describe('apply_patch property', () => {
  it('applies model-style patches exactly', () => {
    fc.assert(
      fc.property(
        uniqueLines,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat({ max: 3 }),
            fc.array(fc.constantFrom('new a', 'new b', 'x = 1'), { maxLength: 3 }),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (lines, raw) => {
          // Turn raw picks into sorted, non-overlapping edits that change something, spaced so
          // that one chunk's context does not reach into the next one's change.
          const edits: Edit[] = []
          let floor = 0
          for (const [pos, remove, insert] of raw) {
            if (floor >= lines.length) break
            const at = floor + (pos % (lines.length - floor))
            const count = Math.min(remove, lines.length - at)
            if (count === 0 && insert.length === 0) continue
            edits.push({ at, remove: count, insert })
            floor = at + count + 6
          }
          if (edits.length === 0) return
          // A pure insertion with no context at all would mean "append"; give it context.
          if (edits.some((e) => e.remove === 0 && lines.length === 0)) return
          const parsed = parsePatch(patchFor(lines, edits))
          const hunk = parsed.hunks[0]
          if (hunk?.type !== 'update') throw new Error('expected an update hunk')
          const result = applyChunks(`${lines.join('\n')}\n`, hunk.chunks, 'f.txt')
          const expected = applyEdits(lines, edits)
          expect(result).toBe(expected.length ? `${expected.join('\n')}\n` : '')
        },
      ),
      { numRuns: 300 },
    )
  })
})
