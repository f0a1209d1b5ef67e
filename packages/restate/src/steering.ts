// Steering a running turn: input sent while a turn runs waits in an inbox object keyed like the
// session (the session object's own state is written only by the turn, which holds its lock).
// The turn takes the inbox once per model request as a journaled call, so a replay on another
// worker gets the same messages back and never takes them twice.
import * as restate from '@restatedev/restate-sdk'
import { STEERING_OBJECT } from './names.js'

export interface SteeringMessage {
  text: string
  images?: string[]
}

export interface QueuedSteering extends SteeringMessage {
  /** The turn (submission tag) that was running when the input was sent. */
  tag: string
}

export interface TakenSteering {
  /** Messages for the turn that took them. */
  messages: SteeringMessage[]
  /** Messages sent to a turn that had ended before it could take them. */
  late: QueuedSteering[]
}

/** Messages one inbox holds at most; a client sending more is told to wait. */
export const MAX_QUEUED_STEERING = 100

const INBOX = 'inbox'

export const steeringObject = restate.object({
  name: STEERING_OBJECT,
  handlers: {
    push: async (ctx: restate.ObjectContext, message: QueuedSteering): Promise<{ queued: number }> => {
      const inbox = (await ctx.get<QueuedSteering[]>(INBOX)) ?? []
      if (inbox.length >= MAX_QUEUED_STEERING)
        throw new restate.TerminalError(
          `session ${ctx.key} already holds ${inbox.length} steering messages the turn has not read yet; wait for its next model request`,
          { errorCode: 429 },
        )
      inbox.push(message)
      ctx.set(INBOX, inbox)
      return { queued: inbox.length }
    },
    take: async (ctx: restate.ObjectContext, request: { tag: string }): Promise<TakenSteering> => {
      const inbox = (await ctx.get<QueuedSteering[]>(INBOX)) ?? []
      if (inbox.length > 0) ctx.clear(INBOX)
      const messages: SteeringMessage[] = []
      const late: QueuedSteering[] = []
      for (const item of inbox) {
        if (item.tag === request.tag)
          messages.push({ text: item.text, ...(item.images ? { images: item.images } : {}) })
        else late.push(item)
      }
      return { messages, late }
    },
  },
})

export type SteeringObject = typeof steeringObject
export { STEERING_OBJECT as STEERING_OBJECT_NAME }
