import { describe, expect, it } from 'vitest'
import { ctx } from '../../test/helpers.js'
import { PolicyError } from '../errors.js'
import { createCommandPolicy, parseRules, prefixRuleMatches } from '../index.js'

// The shapes of Codex's execpolicy documentation: alternatives, decisions, justifications, and
// match / not_match examples given as token lists or as strings.
const DOCS_STYLE = `
# Illustrates the syntax; not a recommended policy.
prefix_rule(
    pattern = ["git", "reset", "--hard"],
    decision = "forbidden",
    justification = "destructive operation",
    match = [
        ["git", "reset", "--hard"],
    ],
    not_match = [
        ["git", "reset", "--keep"],
        "git reset --merge",
    ],
)

prefix_rule(
    pattern = ["ls"],
    match = [["ls"], ["ls", "-l"], ["ls", "-a", "."]],
)

prefix_rule(
    pattern = ["cp"],
    decision = "prompt",
    match = [["cp", "foo", "bar"], "cp -r src dest"],
)

prefix_rule(
    pattern = ["head"],
    match = [["head", "README.md"], ["head", "-n", "5", "CHANGELOG.md"]],
    not_match = [["hea", "-n", "1,5p", "CHANGELOG.md"]],
)

prefix_rule(
    pattern = ["git", ["push", "fetch"]],
    decision = "prompt",
    justification = "Use \`jj\` instead of \`git\`.",
    match = ["git push origin main", ["git", "fetch"]],
    not_match = ["git pull"],
)

prefix_rule(pattern = [["npm", "pnpm"], ["test", "run"]], decision = "allow")
`

describe('parseRules (Codex .rules)', () => {
  it('reads the documented format and checks its examples', async () => {
    const policy = await parseRules(DOCS_STYLE, 'default.rules')
    // `[["npm", "pnpm"], ...]` becomes one rule per program.
    expect(policy.rules).toHaveLength(7)
    const reset = policy.rules[0]
    expect(reset).toMatchObject({
      decision: 'forbidden',
      justification: 'destructive operation',
      source: 'default.rules',
      line: 3,
    })
    expect(policy.rules[1]?.decision).toBe('allow') // decision defaults to allow
    expect(prefixRuleMatches(policy.rules[4] as never, ['git', 'fetch', '--all'])).toBe(true)
    expect(prefixRuleMatches(policy.rules[4] as never, ['git', 'pull'])).toBe(false)
  })

  it('applies rules: the strictest match wins and the reason cites the rule', async () => {
    const policy = await createCommandPolicy({ rules: await parseRules(DOCS_STYLE, 'default.rules') })
    const reset = policy.evaluateScript('git reset --hard HEAD~3', ctx('on-request'))
    expect(reset).toMatchObject({ decision: 'forbidden', dangerous: true })
    expect(reset.reason).toBe(
      '`git reset --hard HEAD~3` is forbidden by rule `git reset --hard` (default.rules:3): destructive operation',
    )
    const push = policy.evaluateScript('ls && git push', ctx('never'))
    expect(push.decision).toBe('prompt')
    expect(push.reason).toContain('Use `jj` instead of `git`.')
    expect(push.reason).toContain('approval policy `never` cannot ask')
    expect(policy.evaluateScript('pnpm run build', ctx('untrusted')).decision).toBe('allow')
    expect(policy.evaluateScript('cp -r a b', ctx('never')).decision).toBe('prompt')
    // A rule only matches at the start of a command.
    expect(policy.evaluateScript('echo git push', ctx('untrusted')).decision).toBe('allow')
  })

  it('sees through wrappers for matching, and through sudo and paths only to be stricter', async () => {
    const rules = await parseRules(
      'prefix_rule(pattern=["npm", "test"], decision="allow")\nprefix_rule(pattern=["git", "push"], decision="forbidden")',
      'r.rules',
    )
    const policy = await createCommandPolicy({ rules })
    expect(policy.evaluateScript('timeout 60 npm test', ctx('untrusted')).decision).toBe('allow')
    expect(policy.evaluateScript('env CI=1 npm test -- --watch', ctx('untrusted')).decision).toBe('allow')
    expect(policy.evaluateScript('sudo git push', ctx('on-request')).decision).toBe('forbidden')
    expect(policy.evaluateScript('/usr/bin/git push', ctx('on-request')).decision).toBe('forbidden')
    // An allow rule for `npm` does not vouch for some other file called npm.
    expect(policy.evaluateScript('/tmp/evil/npm test', ctx('untrusted')).decision).toBe('prompt')
    expect(policy.evaluateScript('sudo npm test', ctx('untrusted')).decision).toBe('prompt')
  })

  it('host_executable vouches for absolute paths of a program', async () => {
    const rules = await parseRules(
      'host_executable(name="git", paths=["/usr/bin/git"])\nprefix_rule(pattern=["git", "fetch"], decision="allow")',
      'h.rules',
    )
    const policy = await createCommandPolicy({ rules })
    expect(policy.evaluate(['/usr/bin/git', 'fetch'], ctx('untrusted')).decision).toBe('allow')
    expect(policy.evaluate(['/opt/git', 'fetch'], ctx('untrusted')).decision).toBe('prompt')
  })

  it('an allow rule approves plain commands only', async () => {
    const policy = await createCommandPolicy({
      rules: await parseRules('prefix_rule(pattern=["npm", "test"])', 'a.rules'),
    })
    const d = policy.evaluateScript('npm test > /etc/passwd', ctx('untrusted'))
    expect(d.decision).toBe('prompt')
    expect(d.reason).toContain('only approves plain commands')
    expect(d.matchedRules).toHaveLength(1)
  })

  it.each([
    [
      'prefix_rule(pattern=["ls"], decision="maybe")',
      'a.rules:1: decision must be "allow", "prompt" or "forbidden", not "maybe"',
    ],
    ['prefix_rule(pattern=[])', 'a.rules:1: pattern must be a non-empty list'],
    ['prefix_rule(decision="allow")', 'a.rules:1: prefix_rule needs pattern'],
    ['prefix_rule(pattern=["ls"], colour="red")', 'a.rules:1: prefix_rule has no argument `colour`'],
    ['prefix_rule(pattern=["ls"]', 'a.rules:1:27: expected `)` but found the end of the file'],
    [
      '\n\nprefix_rule(pattern=["ls", ])\nnetwork_rule(host="x")',
      'a.rules:4: unknown function `network_rule`',
    ],
    ['prefix_rule(pattern=["ls"], justification=["x"])', 'a.rules:1: justification must be a string'],
    ['prefix_rule(pattern=["ls], decision="allow")', 'a.rules:1:43: this string is never closed'],
    ['prefix_rule(pattern=["ls"], match=["ls && rm x"])', 'must be one plain command'],
    ['prefix_rule(pattern=[["a", 1]])', 'a.rules:1:28: unexpected character "1"'],
    ['prefix_rule(pattern=["ls"], pattern=["cat"])', 'a.rules:1:29: argument `pattern` is given twice'],
    ['prefix_rule(pattern=["ls"], decision=True)', 'True is not a valid value here'],
    ['host_executable(name="git", paths=["git"])', 'host_executable needs paths = ["/absolute/path", ...]'],
  ])('rejects %j with a located message', async (text, message) => {
    const error = await parseRules(text, 'a.rules').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).kind).toBe('rules_syntax')
    expect((error as PolicyError).message).toContain(message)
  })

  it('a failing example is a load error naming the rule and the line', async () => {
    const text = 'prefix_rule(\n  pattern=["git", "push"],\n  match=["git pull"],\n)'
    const error = (await parseRules(text, 'team.rules').catch((e: unknown) => e)) as PolicyError
    expect(error.kind).toBe('rules_example')
    expect(error.message).toBe(
      'team.rules:3: the match example "git pull" does not match prefix_rule [git push] (line 1); fix the pattern or the example',
    )
    const notMatch = (await parseRules(
      'prefix_rule(pattern=["ls"], not_match=[["ls", "-l"]])',
      'x.rules',
    ).catch((e: unknown) => e)) as PolicyError
    expect(notMatch.kind).toBe('rules_example')
    expect(notMatch.message).toContain('the not_match example "ls -l" matches prefix_rule [ls]')
  })
})
