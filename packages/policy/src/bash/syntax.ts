// Copies a tree-sitter tree into plain objects in one cursor walk. Every getter of a
// web-tree-sitter node is a call into wasm; reading each node once keeps a decision fast.
import type { Tree, TreeCursor } from 'web-tree-sitter'

export class SyntaxNode {
  readonly children: SyntaxNode[] = []
  constructor(
    private readonly source: string,
    readonly type: string,
    readonly named: boolean,
    /** The field this node fills in its parent (`name`, `argument`, `body`, ...). */
    readonly field: string | null,
    readonly start: number,
    readonly end: number,
    /** A node tree-sitter inserted to recover from an error (a missing `)`, ...). */
    readonly missing: boolean,
  ) {}

  get text(): string {
    return this.source.slice(this.start, this.end)
  }

  childForField(field: string): SyntaxNode | undefined {
    return this.children.find((c) => c.field === field)
  }
}

export function toSyntaxTree(tree: Tree, source: string): SyntaxNode {
  const cursor = tree.walk()
  try {
    const language = tree.language
    const checkMissing = tree.rootNode.hasError
    const named = (typeId: number): boolean => {
      let known = NAMED.get(typeId)
      if (known === undefined) {
        known = language.nodeTypeIsNamed(typeId)
        NAMED.set(typeId, known)
      }
      return known
    }
    const read = (c: TreeCursor): SyntaxNode => {
      const typeId = c.nodeTypeId
      const fieldId = c.currentFieldId
      return new SyntaxNode(
        source,
        language.types[typeId] ?? 'ERROR',
        typeId === 65535 || named(typeId),
        fieldId ? (language.fields[fieldId] ?? null) : null,
        c.startIndex,
        c.endIndex,
        checkMissing && c.nodeIsMissing,
      )
    }
    const root = read(cursor)
    const stack = [root]
    if (!cursor.gotoFirstChild()) return root
    for (;;) {
      const node = read(cursor)
      ;(stack[stack.length - 1] as SyntaxNode).children.push(node)
      if (cursor.gotoFirstChild()) {
        stack.push(node)
        continue
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root
        stack.pop()
        if (stack.length === 0) return root
      }
    }
  } finally {
    cursor.delete()
  }
}

/** Whether a node type is named, by type id; one grammar is ever loaded. */
const NAMED = new Map<number, boolean>()

/** Where a script stops parsing, for the reason shown to the user. */
export function describeSyntaxError(root: SyntaxNode, source: string): string {
  const bad = firstBadNode(root)
  if (!bad) return 'the script does not parse as bash'
  const before = source.slice(0, bad.start)
  const row = before.split('\n').length
  const column = bad.start - before.lastIndexOf('\n')
  const near = source.slice(bad.start, Math.min(bad.end, bad.start + 30)) || 'end of input'
  const what = bad.missing ? `missing ${JSON.stringify(bad.type)}` : `unexpected ${JSON.stringify(near)}`
  return `the script does not parse as bash: ${what} at line ${row}, column ${column}`
}

function firstBadNode(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'ERROR' || node.missing) return node
  for (const child of node.children) {
    const found = firstBadNode(child)
    if (found) return found
  }
  return undefined
}
