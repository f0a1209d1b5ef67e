import type { Event } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import { EventLogWriter, eventKey } from './event-log.js'
import { EventPump } from './event-pump.js'
import { installPromiseWithResolvers } from './node-compat.js'

type WithResolvers<T> = { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void }
type PromiseWithShim = { withResolvers<T>(): WithResolvers<T> }

describe('installPromiseWithResolvers', () => {
  it('provides Promise.withResolvers with the standard behaviour where it is missing', async () => {
    const P = Promise as unknown as { withResolvers?: unknown }
    const original = P.withResolvers
    delete P.withResolvers
    try {
      expect(installPromiseWithResolvers()).toBe(true)
      const { promise, resolve } = (Promise as unknown as PromiseWithShim).withResolvers<number>()
      resolve(7)
      expect(await promise).toBe(7)
      const rejected = (Promise as unknown as PromiseWithShim).withResolvers<number>()
      rejected.reject(new Error('no'))
      await expect(rejected.promise).rejects.toThrow('no')
      expect(installPromiseWithResolvers()).toBe(false)
    } finally {
      if (original) P.withResolvers = original
    }
  })
})

describe('EventLogWriter', () => {
  it('keeps at most maxEvents, dropping the oldest, and tracks the index', () => {
    const state = new Map<string, unknown>()
    const writer = new EventLogWriter(
      { set: (k, v) => void state.set(k, v), clear: (k) => void state.delete(k) },
      { first: 0, next: 0 },
      3,
    )
    for (let i = 0; i < 5; i++)
      writer.append('t', { id: String(i), msg: { type: 'agent_message', message: `m${i}` } })
    expect(state.get('events')).toEqual({ first: 2, next: 5 })
    expect([...state.keys()].filter((k) => k.startsWith('event/')).sort()).toEqual([
      eventKey(2),
      eventKey(3),
      eventKey(4),
    ])
  })
})

describe('EventPump', () => {
  const event = (message: string): Event => ({ id: 's', msg: { type: 'agent_message', message } })

  it('persists every event emitted before a step is issued, and none emitted after', async () => {
    const queue: Event[] = []
    const waiters: ((e: Event) => void)[] = []
    const push = (e: Event) => {
      const w = waiters.shift()
      if (w) w(e)
      else queue.push(e)
    }
    const persisted: string[] = []
    const pump = new EventPump((e) => persisted.push((e.msg as { message: string }).message))
    pump.attach({
      sessionId: 's',
      submit: async () => '',
      nextEvent: () =>
        queue.length
          ? Promise.resolve(queue.shift() as Event)
          : new Promise((resolve) => waiters.push(resolve)),
      flush: async () => {},
      shutdown: async () => {},
    })
    push(event('a'))
    push(event('b'))
    const order: string[] = []
    await pump.serialize(() => order.push(`issue after ${persisted.join(',')}`))
    push(event('c'))
    await pump.serialize(() => order.push(`issue after ${persisted.join(',')}`))
    await pump.serialize(() => order.push(`issue after ${persisted.join(',')}`))
    expect(order).toEqual(['issue after a,b', 'issue after a,b,c', 'issue after a,b,c'])
    push({ id: 's', msg: { type: 'turn_complete', last_agent_message: 'x' } })
    expect(await pump.untilTurnEnds()).toEqual({ type: 'completed', lastMessage: 'x' })
  })
})
