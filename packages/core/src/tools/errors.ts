// The error a tool sees when the agent refuses to start something on the model's behalf
// (policy, user, or hook said no). Its message is written for the model.
export class ToolRejectedError extends Error {
  override readonly name = 'ToolRejectedError'
}
