// Known-safe commands: programs that only read and print, with the options that would make them
// write files or run other programs ruled out. The list follows Codex's is_safe_command.rs.
import { programName } from './wrappers.js'

/** Programs that are read-only whatever their arguments. */
const ALWAYS_SAFE = new Set([
  'cat',
  'cd',
  'cut',
  'echo',
  'expr',
  'false',
  'grep',
  'head',
  'id',
  'ls',
  'nl',
  'paste',
  'pwd',
  'rev',
  'seq',
  'stat',
  'tail',
  'tr',
  'true',
  'uname',
  'uniq',
  'wc',
  'which',
  'whoami',
  'numfmt',
  'tac',
  'basename',
  'dirname',
  'realpath',
  'readlink',
  'printenv',
  'cmp',
  'diff',
  'du',
  'df',
  'nproc',
  'arch',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'printf',
  'test',
  '[',
])

/** Why `argv` is known to be safe, or undefined when it is not (or not known). */
export function knownSafeReason(argv: readonly string[]): string | undefined {
  const arg0 = argv[0]
  if (arg0 === undefined) return undefined
  const name = programName(arg0)
  const args = argv.slice(1)
  if (ALWAYS_SAFE.has(name)) return `${name} only reads`
  switch (name) {
    case 'base64':
      return args.some(
        (a) =>
          a === '-o' || a === '--output' || a.startsWith('--output=') || (a.startsWith('-o') && a !== '-o'),
      )
        ? undefined
        : 'base64 without -o only prints'
    case 'find':
      return args.some((a) => UNSAFE_FIND.has(a))
        ? undefined
        : 'find without -exec/-delete/-fprint only lists'
    case 'rg':
      return args.some(
        (a) => UNSAFE_RG.has(a) || UNSAFE_RG_WITH_VALUE.some((o) => a === o || a.startsWith(`${o}=`)),
      )
        ? undefined
        : 'rg without --pre/-z only searches'
    case 'sed':
      return argv.length <= 4 && args[0] === '-n' && isSedPrintRange(args[1])
        ? 'sed -n Np only prints lines'
        : undefined
    case 'sort':
      return args.some(
        (a) => a === '-o' || a.startsWith('--output') || (a.startsWith('-o') && !a.startsWith('--')),
      )
        ? undefined
        : 'sort without -o only prints'
    case 'date':
      return args.some(
        (a) => a === '-s' || a.startsWith('--set') || (a.startsWith('-s') && !a.startsWith('--')),
      )
        ? undefined
        : 'date without --set only prints'
    case 'git':
      return gitSafeReason(args)
    default:
      return undefined
  }
}

const UNSAFE_FIND = new Set([
  '-exec',
  '-execdir',
  '-ok',
  '-okdir',
  '-delete',
  '-fls',
  '-fprint',
  '-fprint0',
  '-fprintf',
])
const UNSAFE_RG = new Set(['--search-zip', '-z'])
const UNSAFE_RG_WITH_VALUE = ['--pre', '--hostname-bin']

/** `N p` or `M,N p` with digits only: the one sed program that cannot write or execute. */
function isSedPrintRange(arg: string | undefined): boolean {
  if (arg === undefined || !arg.endsWith('p')) return false
  const parts = arg.slice(0, -1).split(',')
  return parts.length <= 2 && parts.every((p) => p.length > 0 && [...p].every((c) => c >= '0' && c <= '9'))
}

const READ_ONLY_GIT = new Set(['status', 'log', 'diff', 'show', 'branch', 'rev-parse', 'ls-files', 'blame'])

/** Global options taking a value in the next word, which we can skip to find the subcommand. */
const GIT_GLOBAL_WITH_VALUE = new Set(['-C', '--namespace', '--super-prefix', '--list-cmds'])
const GIT_GLOBAL_FLAGS = new Set([
  '--no-pager',
  '-P',
  '--no-replace-objects',
  '--literal-pathspecs',
  '--glob-pathspecs',
  '--noglob-pathspecs',
  '--icase-pathspecs',
  '--no-optional-locks',
  '--bare',
])

/** Options that run programs, write files, or point git at another repository's config. */
const UNSAFE_GIT_ARGS = [
  '--output',
  '--ext-diff',
  '--textconv',
  '--exec',
  '--paginate',
  '--open-files-in-pager',
  '-O',
]

function gitSafeReason(args: string[]): string | undefined {
  let i = 0
  while (i < args.length) {
    const arg = args[i] as string
    // -c, --config-env, --git-dir, --work-tree, --exec-path, -p: config or pagers that run programs.
    if (GIT_GLOBAL_WITH_VALUE.has(arg)) i += 2
    else if (GIT_GLOBAL_FLAGS.has(arg) || arg.startsWith('--namespace=')) i++
    else if (arg.startsWith('-')) return undefined
    else break
  }
  const sub = args[i]
  if (sub === undefined || !READ_ONLY_GIT.has(sub)) return undefined
  const rest = args.slice(i + 1)
  if (rest.some((a) => UNSAFE_GIT_ARGS.some((o) => a === o || a.startsWith(`${o}=`)))) return undefined
  if (sub === 'branch' && !gitBranchOnlyLists(rest)) return undefined
  return `git ${sub} only reads the repository`
}

const BRANCH_LISTING = new Set([
  '--list',
  '-l',
  '--show-current',
  '-a',
  '--all',
  '-r',
  '--remotes',
  '-v',
  '-vv',
  '--verbose',
])

/** `git branch` lists with no arguments or listing flags only; a name creates a branch. */
function gitBranchOnlyLists(args: string[]): boolean {
  return args.every(
    (a) =>
      BRANCH_LISTING.has(a) ||
      a.startsWith('--format=') ||
      a.startsWith('--sort=') ||
      a === '--no-color' ||
      a === '--color',
  )
}
