// Analyses one shell script's syntax tree: every command it would run (including those inside
// $(...), subshells and control flow), whether the script is "plain" (only words, quotes and
// && || ; |), and the text fragments (strings, comments, heredocs) that another program might run.
import type { BashParser } from './parser.js'
import { describeSyntaxError, type SyntaxNode as Node, toSyntaxTree } from './syntax.js'
import { CONSTRUCT_NAMES, readWord } from './words.js'

export interface ParsedCommand {
  /** The words as the program receives them; dynamic words keep their source text. */
  argv: string[]
  /** False when some word is only known at run time ($x, $(...), ...). */
  literal: boolean
  /** False when the program name itself is only known at run time (`$cmd args`). */
  nameLiteral: boolean
  /** Source text of the command. */
  text: string
  /** `NAME=value` prefixes. */
  assignments: string[]
  /** Index of the command whose arguments contain this one (`$(...)`, `<(...)`). */
  insideOf?: number
  /** Position in a `|` pipeline. */
  pipeline?: { id: number; stage: number }
}

export interface Redirect {
  operator: string
  target: string
}

export interface FunctionDef {
  name: string
  /** The body calls the function itself. */
  recursive: boolean
  /** The body pipes or backgrounds something. */
  forks: boolean
}

export interface ScriptAnalysis {
  commands: ParsedCommand[]
  /** Why the script is not plain, one entry per kind of construct; empty means plain. */
  complexity: string[]
  /** Set when the script does not parse: where and what. */
  error?: string
  /** Text that is data to this script but could be code to the program receiving it. */
  embedded: string[]
  redirects: Redirect[]
  functions: FunctionDef[]
}

const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr'])

const CONTROL_FLOW = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'case_item',
  'do_group',
])

interface Context {
  insideOf?: number
  pipeline?: { id: number; stage: number }
  fn?: FunctionDef
}

export function analyseScript(parser: BashParser, source: string): ScriptAnalysis {
  const tree = parser.parse(source)
  let root: Node
  let hasError: boolean
  try {
    hasError = tree.rootNode.hasError
    root = toSyntaxTree(tree, source)
  } finally {
    tree.delete()
  }
  const walker = new Walker()
  if (hasError) walker.error = describeSyntaxError(root, source)
  walker.visit(root, {})
  return walker.result()
}

class Walker {
  commands: ParsedCommand[] = []
  complexity = new Set<string>()
  embedded: string[] = []
  redirects: Redirect[] = []
  functions: FunctionDef[] = []
  error: string | undefined
  private pipelines = 0

  result(): ScriptAnalysis {
    const out: ScriptAnalysis = {
      commands: this.commands,
      complexity: [...this.complexity],
      embedded: this.embedded,
      redirects: this.redirects,
      functions: this.functions,
    }
    if (this.error !== undefined) out.error = this.error
    return out
  }

  visit(node: Node, ctx: Context): void {
    switch (node.type) {
      case 'program':
      case 'list':
      case 'redirected_statement':
        this.visitChildren(node, ctx)
        break
      case 'command':
        this.visitCommand(node, ctx)
        break
      case 'pipeline':
        this.visitPipeline(node, ctx)
        break
      case 'file_redirect':
      case 'heredoc_redirect':
      case 'herestring_redirect':
        this.visitRedirect(node, ctx)
        break
      case 'comment':
        this.embedded.push(node.text.slice(1))
        break
      case 'function_definition':
        this.visitFunction(node, ctx)
        break
      case 'declaration_command':
      case 'unset_command':
        this.visitDeclaration(node, ctx)
        break
      case 'ERROR':
        this.complexity.add('a syntax error')
        // Text the parser could not read at all is read again from its next character, so an
        // unbalanced quote cannot hide what follows it.
        if (node.children.length === 0 && node.text.length > 1) this.embedded.push(node.text.slice(1))
        this.visitChildren(node, ctx)
        break
      case 'string':
      case 'raw_string':
      case 'ansi_c_string':
      case 'concatenation':
      case 'word': {
        // A word outside any command: left over by error recovery. Its text is still checked.
        const word = readWord(
          node,
          (construct) => this.complexity.add(construct),
          (sub) => this.visitNested(sub, ctx),
        )
        if (mayHoldCode(word.value)) this.embedded.push(word.value)
        break
      }
      default:
        if (!node.named) this.visitOperator(node, ctx)
        else {
          this.complexity.add(constructName(node.type))
          this.visitChildren(node, ctx)
        }
    }
  }

  private visitChildren(node: Node, ctx: Context): void {
    for (const child of node.children) this.visit(child, ctx)
  }

  private visitOperator(node: Node, ctx: Context): void {
    switch (node.type) {
      case '&&':
      case '||':
      case ';':
      case '\n':
      case '|':
        return
      case '&':
        if (ctx.fn) ctx.fn.forks = true
        this.complexity.add('a background job (&)')
        return
      case '|&':
        this.complexity.add('a stderr pipe (|&)')
        return
      default:
        // Anonymous tokens of compound statements: `{`, `(`, `then`, `do`, `;;`, ...
        return
    }
  }

  private visitPipeline(node: Node, ctx: Context): void {
    if (ctx.fn) ctx.fn.forks = true
    const id = this.pipelines++
    let stage = 0
    for (const child of node.children) {
      if (child.named) this.visit(child, { ...ctx, pipeline: { id, stage: stage++ } })
      else this.visitOperator(child, ctx)
    }
  }

  private visitCommand(node: Node, ctx: Context): void {
    const command: ParsedCommand = {
      argv: [],
      literal: true,
      nameLiteral: true,
      text: node.text,
      assignments: [],
    }
    if (ctx.insideOf !== undefined) command.insideOf = ctx.insideOf
    if (ctx.pipeline) command.pipeline = ctx.pipeline
    const index = this.commands.push(command) - 1
    const inner: Context = { insideOf: index }
    if (ctx.fn) inner.fn = ctx.fn
    const note = (construct: string) => this.complexity.add(construct)
    const nested = (sub: Node) => this.visitNested(sub, inner)
    for (const child of node.children) {
      const field = child.field
      if (field === 'name' || field === 'argument') {
        const wordNode = field === 'name' ? (child.children[0] ?? child) : child
        const word = readWord(wordNode, note, nested)
        command.argv.push(word.value)
        command.literal &&= word.literal
        if (field === 'name') command.nameLiteral = word.literal
        if (mayHoldCode(word.value)) this.embedded.push(word.value)
      } else if (child.type === 'variable_assignment') {
        this.complexity.add('an environment assignment (NAME=value cmd)')
        command.assignments.push(child.text)
        this.visitAssignmentValue(child, inner)
      } else if (child.named) {
        this.visit(child, inner)
      }
    }
    if (ctx.fn && command.argv[0] === ctx.fn.name) ctx.fn.recursive = true
  }

  private visitNested(node: Node, ctx: Context): void {
    if (node.type === 'arithmetic_expansion') {
      // Arithmetic cannot run commands itself, but its text is checked like any other data.
      this.embedded.push(node.text.slice(3, -2))
      return
    }
    this.complexity.add(constructName(node.type))
    for (const child of node.children) {
      if (child.named) this.visit(child, ctx)
    }
  }

  private visitAssignmentValue(node: Node, ctx: Context): void {
    const value = node.childForField('value')
    if (!value) return
    const word = readWord(
      value,
      (construct) => this.complexity.add(construct),
      (sub) => this.visitNested(sub, ctx),
    )
    if (mayHoldCode(word.value)) this.embedded.push(word.value)
  }

  private visitRedirect(node: Node, ctx: Context): void {
    if (node.type === 'heredoc_redirect') {
      this.complexity.add('a heredoc (<<)')
      for (const child of node.children) {
        if (child.type === 'heredoc_body') {
          this.embedded.push(child.text)
          this.visitHeredocBody(child, ctx)
        } else if (child.named && !child.type.startsWith('heredoc_')) this.visit(child, ctx)
      }
      return
    }
    if (node.type === 'herestring_redirect') {
      this.complexity.add('a here-string (<<<)')
    }
    let operator = ''
    let target = ''
    let literalTarget = true
    for (const child of node.children) {
      if (!child.named) {
        operator += child.text
        continue
      }
      if (child.field === 'descriptor') continue
      const word = readWord(
        child,
        (construct) => this.complexity.add(construct),
        (sub) => this.visitNested(sub, ctx),
      )
      target = word.value
      literalTarget &&= word.literal
      if (node.type === 'herestring_redirect' || mayHoldCode(word.value)) this.embedded.push(word.value)
    }
    if (node.type === 'herestring_redirect') return
    this.redirects.push({ operator, target })
    const duplicatesDescriptor =
      operator === '>&-' ||
      operator === '<&-' ||
      ((operator === '>&' || operator === '<&') && /^(\d+|-)$/.test(target))
    if (!(literalTarget && (duplicatesDescriptor || HARMLESS_TARGETS.has(target)))) {
      this.complexity.add(operator.includes('<') ? 'an input redirection' : 'an output redirection')
    }
  }

  private visitHeredocBody(node: Node, ctx: Context): void {
    for (const child of node.children) {
      if (child.named) this.visitNested(child, ctx)
    }
  }

  private visitFunction(node: Node, ctx: Context): void {
    this.complexity.add('a function definition')
    const fn: FunctionDef = {
      name: node.childForField('name')?.text ?? '',
      recursive: false,
      forks: false,
    }
    this.functions.push(fn)
    const body = node.childForField('body')
    if (body) this.visit(body, { ...ctx, fn })
  }

  private visitDeclaration(node: Node, ctx: Context): void {
    this.complexity.add(`a shell builtin that changes variables (${node.children[0]?.text ?? node.type})`)
    const command: ParsedCommand = {
      argv: [],
      literal: true,
      nameLiteral: true,
      text: node.text,
      assignments: [],
    }
    if (ctx.insideOf !== undefined) command.insideOf = ctx.insideOf
    const index = this.commands.push(command) - 1
    const inner: Context = { insideOf: index }
    for (const [i, child] of node.children.entries()) {
      if (!child.named) {
        if (i === 0) command.argv.push(child.text)
        continue
      }
      if (child.type === 'variable_assignment') {
        command.argv.push(child.text)
        this.visitAssignmentValue(child, inner)
        continue
      }
      const word = readWord(
        child,
        (construct) => this.complexity.add(construct),
        (sub) => this.visitNested(sub, inner),
      )
      command.argv.push(word.value)
      command.literal &&= word.literal
    }
  }
}

/** An argument worth scanning as code: it has spaces or shell operators in it. */
function mayHoldCode(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    // space, tab, newline, ; & | ` ( >
    if (
      c === 32 ||
      c === 9 ||
      c === 10 ||
      c === 59 ||
      c === 38 ||
      c === 124 ||
      c === 96 ||
      c === 40 ||
      c === 62
    )
      return true
  }
  return false
}

const NAMES: Record<string, string> = {
  subshell: 'a subshell ( )',
  compound_statement: 'a command group { }',
  negated_command: 'a negation (!)',
  test_command: 'a test expression ([[ ]])',
  variable_assignment: 'a variable assignment',
  ...CONSTRUCT_NAMES,
}

function constructName(type: string): string {
  if (CONTROL_FLOW.has(type)) return 'control flow (if/for/while/case)'
  return NAMES[type] ?? type.replaceAll('_', ' ')
}
