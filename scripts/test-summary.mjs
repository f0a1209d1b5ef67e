// Sums the JSON reports that each package's vitest run wrote in CI (test-results.json) into
// one closing line, `Tests: N passed, N failed, N skipped`, and fails when a package with a
// `test` script wrote no report, or no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dirs = [
  root,
  ...['packages', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((d) => join(root, group, d))),
]
let passed = 0
let failed = 0
let skipped = 0
const missing = []
for (const dir of dirs) {
  const file = join(dir, 'test-results.json')
  if (!existsSync(join(dir, 'package.json'))) continue
  // A package without tests (the binary-only @agent/sandbox-linux-x64) writes no report.
  if (dir !== root && !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.test) continue
  if (!existsSync(file)) {
    missing.push(dir.slice(root.length) || '.')
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
}
if (missing.length > 0) console.log(`test-summary: no report from ${missing.join(', ')}`)
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 || missing.length > 0 ? 1 : 0)
