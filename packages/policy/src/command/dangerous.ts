// Dangerous commands: ones that destroy data or history beyond what a sandbox can undo (rm -f,
// git reset --hard, git push --force, dd to a device, mkfs, ...). Each verdict carries the why.
import { asciiSkeleton } from './lookalikes.js'
import { programName, unwrapPrivileged, unwrapTransparent } from './wrappers.js'

/** Why `argv` is dangerous, or undefined. Sees through sudo, wrappers and unicode lookalikes. */
export function dangerReason(argv: readonly string[]): string | undefined {
  const direct = directDanger(argv, 0)
  if (direct) return direct
  const skeleton = argv.map(asciiSkeleton)
  if (skeleton.some((word, i) => word !== argv[i])) {
    const lookalike = directDanger(skeleton, 0)
    if (lookalike)
      return `\`${argv.join(' ')}\` uses unicode lookalikes of \`${skeleton.join(' ')}\`, which ${lookalike}`
  }
  return undefined
}

function directDanger(argv: readonly string[], depth: number): string | undefined {
  if (depth > 8 || argv.length === 0) return undefined
  const name = programName(argv[0] as string)
  const own = programDanger(name, argv.slice(1))
  if (own) return own
  const privileged = unwrapPrivileged([...argv])
  if (privileged) {
    const inner = directDanger(privileged, depth + 1)
    if (inner) return `${inner} (run as root through ${name})`
  }
  const unwrapped = unwrapTransparent([...argv])
  if (unwrapped) return directDanger(unwrapped.inner, depth + 1)
  // Commands that run their arguments (xargs, find -exec, ssh, watch, parallel, ...): look for a
  // dangerous command starting at any later word. Words are also read split at whitespace and
  // without surrounding shell punctuation, as a receiver that re-splits them would: this can
  // only find danger, never approve anything.
  const words = resplit(argv)
  for (let i = 1; i < words.length; i++) {
    const program = programName(words[i] as string)
    if (!DANGEROUS_PROGRAMS.has(program)) continue
    const inner = programDanger(program, words.slice(i + 1))
    if (inner) return `${inner} (passed to ${name}, which may run it)`
  }
  return undefined
}

/** Characters at which the lexical net splits text: whitespace and shell metacharacters. */
const SPLIT = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  ';',
  '&',
  '|',
  '(',
  ')',
  '{',
  '}',
  '`',
  '$',
  "'",
  '"',
  '!',
  '<',
  '>',
  '=',
])

/**
 * A lexical net for text that may be code to some receiver: split at whitespace and shell
 * metacharacters, backslashes dropped. Used only to find danger, never to approve anything.
 */
function resplit(words: readonly string[]): string[] {
  const out: string[] = []
  for (const word of words) {
    let current = ''
    for (const c of word) {
      if (SPLIT.has(c)) {
        if (current) out.push(current)
        current = ''
      } else if (c !== '\\') current += c
    }
    if (current) out.push(current)
  }
  return out
}

/**
 * False only when no check here could find danger in `text`: it names none of the programs they
 * look for and has no quoting, escapes, substitutions, functions, redirections or non-ASCII.
 * A fast filter before reading text as code.
 */
export function mayBeDangerous(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // \ ' " $ ( > ` and anything beyond ASCII
    if (c > 127 || c === 92 || c === 39 || c === 34 || c === 36 || c === 40 || c === 62 || c === 96)
      return true
  }
  for (const word of TRIGGER_WORDS) if (text.includes(word)) return true
  return false
}

/** Why some text reads as a dangerous command to the lexical net (see `resplit`), or undefined. */
export function textDanger(text: string): string | undefined {
  if (!mayBeDangerous(text)) return undefined
  const words = resplit([text]).map(asciiSkeleton)
  for (let i = 0; i < words.length; i++) {
    const program = programName(words[i] as string)
    if (!DANGEROUS_PROGRAMS.has(program)) continue
    const inner = programDanger(program, words.slice(i + 1))
    if (inner) return inner
  }
  return undefined
}

const DANGEROUS_PROGRAMS = new Set([
  'rm',
  'git',
  'dd',
  'shred',
  'mkfs',
  'chmod',
  'chown',
  'chgrp',
  'shutdown',
  'reboot',
  'halt',
  'poweroff',
  'wipefs',
])

const DISK_TOOLS = new Set([
  'mke2fs',
  'mkswap',
  'wipefs',
  'fdisk',
  'sfdisk',
  'cfdisk',
  'parted',
  'gdisk',
  'sgdisk',
  'blkdiscard',
])
const POWER = new Set(['shutdown', 'reboot', 'halt', 'poweroff'])

function programDanger(name: string, args: string[]): string | undefined {
  if (name === 'rm') return rmDanger(args)
  if (name === 'git') return gitDanger(args)
  if (name === 'dd') {
    const target = args.find((a) => a.startsWith('of=/dev/'))
    return target && !isHarmlessDevice(target.slice(3)) ? `dd ${target} overwrites a device` : undefined
  }
  if (name === 'mkfs' || name.startsWith('mkfs.') || DISK_TOOLS.has(name))
    return `${name} formats or rewrites a disk`
  if (name === 'shred') return 'shred destroys file contents beyond recovery'
  if (name === 'chmod' || name === 'chown' || name === 'chgrp') return permissionDanger(name, args)
  if (POWER.has(name)) return `${name} stops or restarts the machine`
  if (name === 'systemctl' && ['poweroff', 'reboot', 'halt', 'kexec', 'suspend'].includes(args[0] ?? ''))
    return `systemctl ${args[0]} stops or restarts the machine`
  if ((name === 'init' || name === 'telinit') && (args[0] === '0' || args[0] === '6'))
    return `${name} ${args[0]} stops or restarts the machine`
  if (name === 'kill' && args.includes('-1')) return 'kill -1 signals every process you own'
  if (name === 'crontab' && args.includes('-r')) return 'crontab -r deletes every cron job'
  if (name === 'find' && args.includes('-delete')) return 'find -delete deletes every match'
  if (name === 'mv' && args.at(-1) === '/dev/null') return 'mv to /dev/null destroys the file'
  return undefined
}

/** Splits option words into their letters (`-rf` → r, f) up to `--`; long options kept whole. */
function options(args: string[]): { letters: Set<string>; long: Set<string>; operands: string[] } {
  const letters = new Set<string>()
  const long = new Set<string>()
  const operands: string[] = []
  let ended = false
  for (const arg of args) {
    if (ended || !arg.startsWith('-') || arg === '-') operands.push(arg)
    else if (arg === '--') ended = true
    else if (arg.startsWith('--')) long.add(arg.split('=')[0] as string)
    else for (const c of arg.slice(1)) letters.add(c)
  }
  return { letters, long, operands }
}

const ROOTS = new Set([
  '/',
  '/*',
  '~',
  '~/',
  '~/*',
  '$HOME',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this is shell text, not a template
  '${HOME}',
  '.',
  './',
  '..',
  '*',
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/var',
  '/boot',
  '/home',
  '/root',
  '/opt',
  '/dev',
  '/sys',
  '/proc',
])

function rmDanger(args: string[]): string | undefined {
  const { letters, long, operands } = options(args)
  const recursive = letters.has('r') || letters.has('R') || long.has('--recursive')
  const force = letters.has('f') || long.has('--force')
  if (long.has('--no-preserve-root')) return 'rm --no-preserve-root can delete the whole file system'
  if (force) return `rm ${recursive ? '-rf' : '-f'} deletes${recursive ? ' recursively' : ''} without asking`
  const root = operands.find((o) => ROOTS.has(o))
  if (recursive && root) return `rm -r ${root} deletes a whole tree`
  return undefined
}

const GIT_GLOBAL_WITH_VALUE = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
  '--exec-path',
  '--super-prefix',
])

function gitDanger(args: string[]): string | undefined {
  let i = 0
  while (i < args.length && (args[i] as string).startsWith('-'))
    i += GIT_GLOBAL_WITH_VALUE.has(args[i] as string) ? 2 : 1
  const sub = args[i]
  const rest = args.slice(i + 1)
  const { letters, long, operands } = options(rest)
  switch (sub) {
    case 'reset':
      return long.has('--hard') ? 'git reset --hard discards uncommitted changes' : undefined
    case 'push': {
      const force =
        letters.has('f') ||
        long.has('--force') ||
        long.has('--force-with-lease') ||
        long.has('--force-if-includes') ||
        long.has('--mirror')
      if (force) return 'git push --force rewrites history on the remote'
      if (letters.has('d') || long.has('--delete') || operands.some((o) => o.startsWith(':')))
        return 'git push --delete deletes a remote branch'
      if (operands.some((o) => o.startsWith('+')))
        return 'git push +refspec force-pushes, rewriting history on the remote'
      return undefined
    }
    case 'clean':
      return letters.has('f') || long.has('--force') ? 'git clean -f deletes untracked files' : undefined
    case 'checkout':
      if (letters.has('f') || long.has('--force')) return 'git checkout --force discards local changes'
      if (rest.includes('--') || rest.includes('.')) return 'git checkout -- <paths> discards local changes'
      return undefined
    case 'restore':
      return long.has('--staged') && !long.has('--worktree') && !letters.has('W')
        ? undefined
        : 'git restore discards working-tree changes'
    case 'branch':
      return letters.has('D') || (long.has('--delete') && long.has('--force'))
        ? 'git branch -D deletes a branch even if unmerged'
        : undefined
    case 'stash':
      return rest[0] === 'drop' || rest[0] === 'clear'
        ? `git stash ${rest[0]} deletes stashed changes`
        : undefined
    case 'rm':
      return letters.has('f') || letters.has('r') || long.has('--force')
        ? 'git rm -rf deletes files from disk and index'
        : undefined
    case 'filter-branch':
    case 'filter-repo':
      return `git ${sub} rewrites the whole history`
    case 'reflog':
      return rest[0] === 'expire' || rest[0] === 'delete'
        ? `git reflog ${rest[0]} removes recovery points`
        : undefined
    default:
      return undefined
  }
}

function permissionDanger(name: string, args: string[]): string | undefined {
  const { letters, long, operands } = options(args)
  const recursive = letters.has('R') || long.has('--recursive')
  if (!recursive) return undefined
  const root = operands.slice(1).find((o) => ROOTS.has(o) && o !== '.' && o !== './' && o !== '*')
  if (root) return `${name} -R on ${root} changes a whole system tree`
  const mode = operands[0] ?? ''
  if (name === 'chmod' && (/^0?777$/.test(mode) || /^(a|ugo)?\+rwx$/.test(mode) || mode === 'o+w'))
    return `chmod -R ${mode} makes a whole tree writable by everyone`
  return undefined
}

const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/stdout', '/dev/stderr', '/dev/tty'])

export function isHarmlessDevice(path: string): boolean {
  return HARMLESS_DEVICES.has(path) || path.startsWith('/dev/fd/')
}

/** Programs that fetch content from the network, for `curl ... | sh`. */
export const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'http',
  'https',
  'xh',
  'lwp-request',
  'GET',
])

/** Every program name a danger check keys on (see `mayBeDangerous`). */
const TRIGGER_WORDS = [
  ...DANGEROUS_PROGRAMS,
  ...DISK_TOOLS,
  ...POWER,
  ...DOWNLOADERS,
  'mkfs',
  'systemctl',
  'init',
  'kill',
  'crontab',
  'find',
  'mv',
  'sudo',
  'doas',
]
