// Claude Code's `TodoWrite`: the model's task list for the session. Each call replaces the list;
// the UI hears about it as a `plan_update` (the same event Codex's update_plan emits).
import { z } from 'zod'
import { defineTool } from '../shared/tool-kit.js'

export const TodoItem = z.object({
  content: z.string().min(1, 'content must not be empty'),
  status: z.enum(['pending', 'in_progress', 'completed']),
  activeForm: z.string().min(1, 'activeForm must not be empty'),
})
export type TodoItem = z.infer<typeof TodoItem>

export const TodoWriteArgs = z.object({ todos: z.array(TodoItem) })
export type TodoWriteArgs = z.infer<typeof TodoWriteArgs>

export const TODO_WRITE_JSON_SCHEMA = {
  type: 'object',
  properties: {
    todos: {
      type: 'array',
      description: 'The updated todo list',
      items: {
        type: 'object',
        properties: {
          content: { type: 'string', minLength: 1 },
          status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
          activeForm: { type: 'string', minLength: 1 },
        },
        required: ['content', 'status', 'activeForm'],
        additionalProperties: false,
      },
    },
  },
  required: ['todos'],
  additionalProperties: false,
}

const TODOS_KEY = '@agent/tools:claude-todos'

/** The session's current todo list (empty before the first TodoWrite). */
export function currentTodos(sessionState: Map<string, unknown>): TodoItem[] {
  return (sessionState.get(TODOS_KEY) as TodoItem[] | undefined) ?? []
}

export const todoWriteTool = defineTool<TodoWriteArgs>({
  name: 'TodoWrite',
  description: `Create and update a structured task list for the current session.
Use it for multi-step work: give every item a content (imperative: "Run tests") and an activeForm
(present continuous: "Running tests"). Keep exactly one item in_progress while working, and mark
items completed as soon as they are done. Each call replaces the whole list.`,
  parameters: TodoWriteArgs,
  jsonSchema: TODO_WRITE_JSON_SCHEMA,
  readOnly: true,
  emitsOwnEvents: true,
  async handle(args, context) {
    context.sessionState.set(TODOS_KEY, args.todos)
    context.emit({
      type: 'plan_update',
      plan: args.todos.map((todo) => ({
        step: todo.status === 'in_progress' ? todo.activeForm : todo.content,
        status: todo.status,
      })),
    })
    return {
      output:
        'Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress. Please proceed with the current tasks if applicable',
    }
  },
})
