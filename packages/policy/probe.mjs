import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'

const require = createRequire(import.meta.url)
await Parser.init()
const lang = await Language.load(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm'))
const parser = new Parser()
parser.setLanguage(lang)
function dump(n, d = 0) {
  const s =
    ' '.repeat(d) +
    (n.isNamed ? n.type : JSON.stringify(n.type)) +
    (n.childCount === 0 ? ' ' + JSON.stringify(n.text) : '')
  const out = [s]
  for (let i = 0; i < n.childCount; i++) {
    const f = n.fieldNameForChild(i)
    const c = n.child(i)
    out.push(...dump(c, d + 1).map((l, j) => (j === 0 && f ? l.replace(/^(\s*)/, `$1${f}: `) : l)))
  }
  return out
}
for (const s of process.argv.slice(2)) {
  const t = parser.parse(s)
  console.log('== ' + s + ' hasError=' + t.rootNode.hasError)
  console.log(dump(t.rootNode).join('\n'))
}
