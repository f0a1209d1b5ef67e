// Sees through commands that run another command unchanged (`timeout 5 npm test` runs
// `npm test`), finds the script of `bash -lc "..."`, and the command under `sudo`.

/** The program name without its directory: `/usr/bin/git` → `git`. */
export function programName(arg0: string): string {
  const slash = arg0.lastIndexOf('/')
  return slash === -1 ? arg0 : arg0.slice(slash + 1)
}

export interface Unwrapped {
  /** The command after removing the wrapper. */
  inner: string[]
  /** The wrapper's name, for reasons. */
  wrapper: string
  /** False when the wrapper itself has an effect worth asking about (nohup writes nohup.out). */
  sideEffectFree: boolean
}

type OptionSpec = { withValue: Set<string>; flags: Set<string> }

const spec = (withValue: string[], flags: string[] = []): OptionSpec => ({
  withValue: new Set(withValue),
  flags: new Set(flags),
})

const TIMEOUT = spec(
  ['-s', '--signal', '-k', '--kill-after'],
  ['--preserve-status', '--foreground', '-v', '--verbose'],
)
const NICE = spec(['-n', '--adjustment'])
const STDBUF = spec(['-i', '-o', '-e', '--input', '--output', '--error'])
const TIME = spec(
  ['-o', '--output', '-f', '--format'],
  ['-p', '-v', '--verbose', '-a', '--append', '--portability', '-q', '--quiet'],
)
const ENV = spec(
  ['-u', '--unset', '-C', '--chdir'],
  ['-i', '--ignore-environment', '-0', '--null', '-', '-v', '--debug'],
)
const SUDO = spec(
  [
    '-u',
    '--user',
    '-g',
    '--group',
    '-C',
    '--close-from',
    '-D',
    '--chdir',
    '-h',
    '--host',
    '-p',
    '--prompt',
    '-r',
    '--role',
    '-t',
    '--type',
    '-U',
    '--other-user',
    '-T',
    '--command-timeout',
    '-R',
    '--chroot',
  ],
  [
    '-E',
    '--preserve-env',
    '-H',
    '--set-home',
    '-n',
    '--non-interactive',
    '-S',
    '--stdin',
    '-k',
    '--reset-timestamp',
    '-b',
    '--background',
    '-P',
    '--preserve-groups',
    '-A',
    '--askpass',
    '-B',
    '--bell',
  ],
)

/**
 * Index of the first word after the options described by `options`, or -1 when an option is
 * unknown (then the wrapper is not seen through: we cannot tell where the command starts).
 */
function skipOptions(argv: string[], start: number, options: OptionSpec): number {
  let i = start
  while (i < argv.length) {
    const arg = argv[i] as string
    if (arg === '--') return i + 1
    if (!arg.startsWith('-') || arg === '-') return i
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (options.flags.has(arg)) i++
    else if (options.withValue.has(name)) i += eq === -1 ? 2 : 1
    else if (!arg.startsWith('--') && options.withValue.has(arg.slice(0, 2)))
      i++ // -oL, -n5
    else return -1
  }
  return i
}

/** One step of seeing through a transparent wrapper, or undefined if `argv` is not one. */
export function unwrapTransparent(argv: string[]): Unwrapped | undefined {
  const name = programName(argv[0] ?? '')
  let start: number
  let sideEffectFree = true
  switch (name) {
    case 'timeout': {
      const i = skipOptions(argv, 1, TIMEOUT)
      start = i === -1 ? -1 : i + 1 // the duration
      break
    }
    case 'nice': {
      // `nice -5 cmd` is the old spelling of `nice -n 5 cmd`.
      const i = argv[1] !== undefined && /^-\d+$/.test(argv[1]) ? 2 : skipOptions(argv, 1, NICE)
      start = i
      break
    }
    case 'nohup':
      start = argv[1] === '--' ? 2 : 1
      sideEffectFree = false
      break
    case 'time': {
      start = skipOptions(argv, 1, TIME)
      sideEffectFree = !argv
        .slice(1, start === -1 ? undefined : start)
        .some((a) => a.startsWith('-o') || a.startsWith('--output'))
      break
    }
    case 'stdbuf':
      start = skipOptions(argv, 1, STDBUF)
      break
    case 'command':
      // `command -v x` / `-V` only describe x; they run nothing.
      if (argv[1] === '-v' || argv[1] === '-V') return undefined
      start = argv[1] === '-p' ? 2 : 1
      if (argv[start] === '--') start++
      break
    case 'env': {
      let i = skipOptions(argv, 1, ENV)
      if (i === -1) return undefined
      while (i < argv.length && isAssignment(argv[i] as string)) {
        sideEffectFree = false
        i++
      }
      if (
        argv
          .slice(1, i)
          .some(
            (a) =>
              a === '-i' || a === '--ignore-environment' || a.startsWith('-u') || a.startsWith('--unset'),
          )
      )
        sideEffectFree = false
      start = i
      break
    }
    default:
      return undefined
  }
  if (start === -1 || start >= argv.length) return undefined
  return { inner: argv.slice(start), wrapper: name, sideEffectFree }
}

/** The command run by `sudo`/`doas`, seen through only to recognise danger and stricter rules. */
export function unwrapPrivileged(argv: string[]): string[] | undefined {
  const name = programName(argv[0] ?? '')
  if (name !== 'sudo' && name !== 'doas') return undefined
  const i =
    name === 'sudo'
      ? skipOptions(argv, 1, SUDO)
      : skipOptions(argv, 1, spec(['-u', '-C'], ['-n', '-s', '-L']))
  if (i === -1 || i >= argv.length) return undefined
  return argv.slice(i)
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'busybox-sh'])

export interface ShellInvocation {
  interpreter: string
  script: string
}

/**
 * The script of `bash -c SCRIPT`, `bash -lc SCRIPT`, `sh -o pipefail -c SCRIPT`, `eval WORDS...`,
 * or undefined when `argv` does not run an inline script.
 */
export function inlineScript(argv: string[]): ShellInvocation | undefined {
  const name = programName(argv[0] ?? '')
  if (name === 'eval')
    return argv.length > 1 ? { interpreter: 'eval', script: argv.slice(1).join(' ') } : undefined
  if (!SHELLS.has(name)) return undefined
  let runsString = false
  let i = 1
  while (i < argv.length) {
    const arg = argv[i] as string
    if (arg === '--' || arg === '-') {
      i++
      break
    }
    if (!(arg.startsWith('-') || arg.startsWith('+'))) break
    if (arg.startsWith('--')) {
      i += arg === '--rcfile' || arg === '--init-file' ? 2 : 1
      continue
    }
    if (arg.slice(1).includes('c')) runsString = true
    // -o/+o take the option name as the next word (`-o pipefail`), as does -O (shopt).
    i += /[oO]/.test(arg.slice(1)) ? 2 : 1
  }
  if (!runsString) return undefined
  const script = argv[i]
  return script === undefined ? undefined : { interpreter: name, script }
}

/** Shells and interpreters that run code they read on stdin or get as an argument. */
export const INTERPRETERS = new Set([
  ...SHELLS,
  'python',
  'python2',
  'python3',
  'perl',
  'ruby',
  'node',
  'nodejs',
  'bun',
  'deno',
  'php',
  'lua',
  'tclsh',
  'pwsh',
  'fish',
  'source',
  '.',
  'eval',
])

function isAssignment(word: string): boolean {
  const eq = word.indexOf('=')
  return eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, eq))
}
