// Loads the tree-sitter runtime and the bash grammar once per process. Everything else in the
// package works on the syntax tree this returns; nothing parses shell by hand.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Tree } from 'web-tree-sitter'
import { describeError, PolicyError } from '../errors.js'

/** The grammar comes prebuilt as wasm from tree-sitter-bash 0.25 (see README, "Dependencies"). */
const GRAMMAR = '@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm'

export interface BashParser {
  parse(source: string): Tree
}

let loading: Promise<BashParser> | undefined
let loaded: BashParser | undefined

/** Resolves once the runtime and grammar are ready; later calls return the same parser. */
export function loadBashParser(): Promise<BashParser> {
  loading ??= init().then(
    (parser) => {
      loaded = parser
      return parser
    },
    (error: unknown) => {
      loading = undefined
      throw error
    },
  )
  return loading
}

/** The parser if `loadBashParser` has finished, for synchronous callers. */
export function loadedBashParser(): BashParser | undefined {
  return loaded
}

async function init(): Promise<BashParser> {
  try {
    // Imported here, not at the top: the runtime is ~150 KB of JavaScript that a program using
    // this package only needs once it judges its first command.
    const { Language, Parser } = await import('web-tree-sitter')
    await Parser.init()
    const require = createRequire(import.meta.url)
    // The grammar's bytes, not its path: given a path, web-tree-sitter reads it through a
    // dynamic `import('fs/promises')`, which makes Node set up its ES module loader (~10-30 ms
    // in a CommonJS program that had no use for it).
    const language = await Language.load(await readFile(require.resolve(GRAMMAR)))
    const parser = new Parser()
    parser.setLanguage(language)
    return {
      parse(source) {
        const tree = parser.parse(source)
        if (!tree) throw new PolicyError('parser_init', 'tree-sitter returned no tree')
        return tree
      },
    }
  } catch (error) {
    throw new PolicyError(
      'parser_init',
      `could not load the bash grammar (${GRAMMAR}): ${describeError(error)}. ` +
        'Reinstall @agent/policy so its dependencies web-tree-sitter and @vscode/tree-sitter-wasm are present.',
      { cause: error },
    )
  }
}
