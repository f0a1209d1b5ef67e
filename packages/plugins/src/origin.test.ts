import { describe, expect, it } from 'vitest'
import { qualifiedName, substituteInJson, substitutePluginRoot } from './origin.js'

describe('plugin root substitution and names', () => {
  it('replaces both placeholder spellings, everywhere, and nothing else', () => {
    expect(
      substitutePluginRoot(`\${CLAUDE_PLUGIN_ROOT}/a \${AGENT_PLUGIN_ROOT}/b $CLAUDE_PROJECT_DIR`, '/p'),
    ).toBe('/p/a /p/b $CLAUDE_PROJECT_DIR')
    expect(substitutePluginRoot(`\${CLAUDE_PLUGIN_ROOT}`, undefined)).toBe(`\${CLAUDE_PLUGIN_ROOT}`)
    // A `$` in the directory must not be read as a replacement pattern.
    expect(substitutePluginRoot(`\${CLAUDE_PLUGIN_ROOT}/x`, '/a$&b')).toBe('/a$&b/x')
  })

  it('substitutes inside JSON values but not keys', () => {
    const key = `\${AGENT_PLUGIN_ROOT}`
    expect(substituteInJson({ [key]: [`\${AGENT_PLUGIN_ROOT}/s`, 3, null] }, '/p')).toEqual({
      [key]: ['/p/s', 3, null],
    })
  })

  it('namespaces plugin components', () => {
    expect(qualifiedName('review', 'dev-kit')).toBe('dev-kit:review')
    expect(qualifiedName('review', undefined)).toBe('review')
  })
})
