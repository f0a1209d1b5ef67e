import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from './tool.js'

const context = {} as never

describe('defineTool', () => {
  it('takes a JSON Schema: sent as is, arguments checked against it', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }
    const tool = defineTool({
      name: 'double',
      description: 'Doubles',
      parameters: schema,
      execute: ({ n }) => Number(n) * 2,
    })
    expect(tool.jsonSchema).toEqual(schema)
    expect(tool.parameters.safeParse({ n: 2 }).success).toBe(true)
    expect(tool.parameters.safeParse({ n: 'two' }).success).toBe(false)
    expect(await tool.handle({ n: 2 }, context)).toEqual({ output: '4' })
  })

  it('takes a zod schema and maps results: text, { output, isError }, a throw', async () => {
    const text = defineTool({ name: 'a', description: '', parameters: z.object({}), execute: () => 'plain' })
    expect(text.jsonSchema).toBeUndefined()
    expect(await text.handle({}, context)).toEqual({ output: 'plain' })
    const flagged = defineTool({
      name: 'b',
      description: '',
      parameters: z.object({}),
      execute: () => ({ output: 'no', isError: true }),
    })
    expect(await flagged.handle({}, context)).toEqual({ output: 'no', isError: true })
    const throws = defineTool({
      name: 'c',
      description: '',
      parameters: z.object({}),
      execute: () => {
        throw new Error('boom')
      },
    })
    expect(await throws.handle({}, context)).toEqual({ output: 'c failed: boom', isError: true })
  })

  it('refuses a name the providers would reject', () => {
    expect(() =>
      defineTool({ name: 'has space', description: '', parameters: {}, execute: () => '' }),
    ).toThrow(/not a valid tool name/)
  })
})
