// Colours in one place, so the plain-text and NO_COLOR paths are the same code with colour off.
import { Chalk, type ChalkInstance } from 'chalk'

export interface Theme {
  color: boolean
  chalk: ChalkInstance
  dim(text: string): string
  bold(text: string): string
  italic(text: string): string
  accent(text: string): string
  ok(text: string): string
  bad(text: string): string
  warn(text: string): string
  code(text: string): string
  added(text: string): string
  removed(text: string): string
  hunk(text: string): string
  /** Reverse video, for the input cursor; kept without colour because it is not colour. */
  inverse(text: string): string
}

export function createTheme(color: boolean): Theme {
  const chalk = new Chalk({ level: color ? 2 : 0 })
  return {
    color,
    chalk,
    dim: (t) => chalk.dim(t),
    bold: (t) => chalk.bold(t),
    italic: (t) => chalk.italic(t),
    accent: (t) => chalk.cyan(t),
    ok: (t) => chalk.green(t),
    bad: (t) => chalk.red(t),
    warn: (t) => chalk.yellow(t),
    code: (t) => chalk.magenta(t),
    added: (t) => chalk.green(t),
    removed: (t) => chalk.red(t),
    hunk: (t) => chalk.cyan(t),
    inverse: (t) => `\u001b[7m${t}\u001b[27m`,
  }
}

/** Colour unless the user opted out (`NO_COLOR`, https://no-color.org) or the output is not a terminal. */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return isTTY && env.TERM !== 'dumb'
}
