// Renders an argv as one shell-readable string for display (`bash -lc 'npm test'`).
import { quote } from 'shell-quote'

export function quoteCommand(argv: readonly string[]): string {
  return quote([...argv])
}
