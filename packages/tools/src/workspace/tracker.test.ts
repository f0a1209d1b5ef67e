import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SpawnServer } from '@agent/exec'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createWorkspaceTracker } from './tracker.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-tracker-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function git(...args: string[]) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' })
}

function sh(script: string) {
  execFileSync('bash', ['-c', script], { cwd: dir })
}

async function seed() {
  await writeFile(join(dir, 'keep.txt'), 'keep\n')
  await writeFile(join(dir, 'edit.txt'), 'one\ntwo\nthree\n')
  await writeFile(join(dir, 'doomed.txt'), 'bye\n')
  await writeFile(join(dir, 'move-me.txt'), 'moving content\nline 2\nline 3\n')
  await writeFile(join(dir, '.gitignore'), 'ignored/\n*.log\n')
  await mkdir(join(dir, 'ignored'))
  await writeFile(join(dir, 'ignored', 'x.txt'), 'not tracked\n')
  await writeFile(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 3]))
}

async function mutate() {
  // What shell commands do, not only patches: edit, rm, create, mv, binary change, chmod.
  sh(
    "sed -i 's/two/TWO/' edit.txt && rm doomed.txt && mkdir -p new/dir && echo fresh > new/dir/file.txt && mv move-me.txt moved.txt && printf '\\0\\5' > blob.bin && echo noise > debug.log && echo also > ignored/y.txt",
  )
  await chmod(join(dir, 'keep.txt'), 0o755)
}

// A server for the variant that runs git through one (what the sdk's composition does).
const server = new SpawnServer()
afterAll(() => server.close())

const variants = [
  { name: 'git', mode: 'git' },
  { name: 'git, through a spawn server', mode: 'git', served: true },
  { name: 'walk', mode: 'walk' },
] as const

for (const variant of variants) {
  const mode = variant.mode
  const options = async () => {
    if (!('served' in variant)) return { mode }
    expect(await server.started()).toBe(true)
    return { mode, spawnServer: server }
  }
  describe(`workspace tracker (${variant.name})`, () => {
    beforeEach(async () => {
      await seed()
      if (mode === 'git') {
        git('init', '-q')
        git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.')
        git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'seed')
        // An uncommitted change before the turn must not show up in the turn's diff.
        await writeFile(join(dir, 'keep.txt'), 'keep\nlocal change\n')
      }
    })

    it('diffs everything shell commands changed, including binaries and renames', async () => {
      const tracker = createWorkspaceTracker(await options())
      const snapshot = await tracker.snapshot(dir)
      expect(await tracker.diff(snapshot)).toBe('')
      await mutate()
      const diff = await tracker.diff(snapshot)
      expect(diff).toContain('diff --git a/edit.txt b/edit.txt')
      expect(diff).toContain('-two\n+TWO\n')
      expect(diff).toContain('diff --git a/doomed.txt b/doomed.txt\ndeleted file mode 100644')
      expect(diff).toContain('diff --git a/new/dir/file.txt b/new/dir/file.txt\nnew file mode 100644')
      expect(diff).toContain('+fresh\n')
      expect(diff).toContain('rename from move-me.txt\nrename to moved.txt')
      expect(diff).toContain('Binary files a/blob.bin and b/blob.bin differ')
      expect(diff).toContain('old mode 100644\nnew mode 100755')
      expect(diff).not.toContain('local change')
      expect(diff).not.toContain('debug.log')
      expect(diff).not.toContain('ignored/')
      await tracker.release?.(snapshot)
    })

    it('undo restores files a shell rm deleted, and removes what the turn created', async () => {
      const tracker = createWorkspaceTracker(await options())
      const before = await readFile(join(dir, 'keep.txt'), 'utf8')
      const snapshot = await tracker.snapshot(dir)
      await mutate()
      sh('rm -rf new')
      await mkdir(join(dir, 'made', 'deep'), { recursive: true })
      await writeFile(join(dir, 'made', 'deep', 'n.txt'), 'n\n')
      await rename(join(dir, 'keep.txt'), join(dir, 'kept.txt'))
      const { restored } = await tracker.restore(snapshot)
      expect(restored).toEqual(
        expect.arrayContaining([
          'doomed.txt',
          'edit.txt',
          'move-me.txt',
          'moved.txt',
          'blob.bin',
          'keep.txt',
        ]),
      )
      expect(await readFile(join(dir, 'doomed.txt'), 'utf8')).toBe('bye\n')
      expect(await readFile(join(dir, 'edit.txt'), 'utf8')).toBe('one\ntwo\nthree\n')
      expect(await readFile(join(dir, 'move-me.txt'), 'utf8')).toBe('moving content\nline 2\nline 3\n')
      expect(await readFile(join(dir, 'keep.txt'), 'utf8')).toBe(before)
      expect([...(await readFile(join(dir, 'blob.bin')))]).toEqual([0, 1, 2, 3])
      expect(existsSync(join(dir, 'moved.txt'))).toBe(false)
      expect(existsSync(join(dir, 'kept.txt'))).toBe(false)
      expect(existsSync(join(dir, 'made'))).toBe(false)
      // Ignored files are not the tracker's business: they stay as the turn left them.
      expect(existsSync(join(dir, 'debug.log'))).toBe(true)
      expect(await tracker.diff(snapshot)).toBe('')
    })

    it("leaves the agent's own state out of snapshots, diffs and undo", async () => {
      // AGENT_HOME inside the workspace, reached through a symlink; its session log exists before
      // the turn, the history file and the cache are created during it.
      const home = join(dir, 'h', '.agent')
      await mkdir(join(home, 'sessions'), { recursive: true })
      await writeFile(join(home, 'sessions', 'rollout.jsonl'), '{"n":1}\n')
      sh('ln -s h/.agent home-link')
      const cache = join(dir, '.cache', 'agent')
      const tracker = createWorkspaceTracker({
        ...(await options()),
        exclude: [join(dir, 'home-link'), cache, '/elsewhere'],
      })
      const snapshot = await tracker.snapshot(dir)
      await writeFile(join(home, 'sessions', 'rollout.jsonl'), '{"n":1}\n{"n":2}\n')
      await writeFile(join(home, 'history.jsonl'), '{"text":"hi"}\n')
      await mkdir(cache, { recursive: true })
      await writeFile(join(cache, 'code.bin'), 'cache')
      await writeFile(join(dir, 'made.txt'), 'made\n')
      const diff = await tracker.diff(snapshot)
      expect(diff).toContain('diff --git a/made.txt b/made.txt')
      expect(diff.match(/^diff --git /gm)).toHaveLength(1)
      expect(await tracker.restore(snapshot)).toEqual({ restored: ['made.txt'] })
      expect(await readFile(join(home, 'sessions', 'rollout.jsonl'), 'utf8')).toBe('{"n":1}\n{"n":2}\n')
      expect(await readFile(join(home, 'history.jsonl'), 'utf8')).toBe('{"text":"hi"}\n')
      expect(await readFile(join(cache, 'code.bin'), 'utf8')).toBe('cache')
      expect(existsSync(join(dir, 'made.txt'))).toBe(false)
    })
  })
}

describe('createWorkspaceTracker', () => {
  it('picks git inside a repository and the walk elsewhere', async () => {
    const tracker = createWorkspaceTracker()
    expect((await tracker.snapshot(dir)).kind).toBe('walk')
    git('init', '-q')
    expect((await tracker.snapshot(dir)).kind).toBe('git')
  })

  it('is not fooled by a .git that is no repository, nor by a snapshot git refuses', async () => {
    await mkdir(join(dir, '.git'))
    const tracker = createWorkspaceTracker()
    expect((await tracker.snapshot(dir)).kind).toBe('walk')
    // A HEAD alone passes the quick check; git finds no repository, and the walk takes over.
    await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n')
    expect((await tracker.snapshot(dir)).kind).toBe('walk')
  })

  it('finds a plain repository without git rev-parse unless a variable steers discovery', async () => {
    git('init', '-q')
    // A git on PATH that logs its subcommand, then runs the real one.
    const bin = join(dir, '.bin')
    const log = join(dir, '.bin-log')
    await mkdir(bin)
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    await writeFile(join(bin, 'git'), `#!/bin/sh\necho "$@" >> '${log}'\nexec '${realGit}' "$@"\n`, {
      mode: 0o755,
    })
    await writeFile(join(dir, '.gitignore'), '.bin/\n.bin-log\n')
    const saved = { ...process.env }
    const lookups = async (env: Record<string, string>) => {
      await rm(log, { force: true })
      Object.assign(process.env, { PATH: `${bin}:${saved.PATH}` }, env)
      try {
        expect((await createWorkspaceTracker().snapshot(dir)).kind).toBe('git')
      } finally {
        for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
        Object.assign(process.env, saved)
      }
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.includes('rev-parse')).length
    }
    // Variables that leave discovery alone do not cost a git process.
    expect(await lookups({ GIT_SSL_CAINFO: '/etc/ssl/certs/ca.pem', GIT_AUTHOR_NAME: 'a' })).toBe(0)
    // One that may move the work tree or the index sends the lookup to git.
    expect(await lookups({ GIT_CEILING_DIRECTORIES: '/nowhere' })).toBe(1)
    expect(await lookups({ GIT_CONFIG_COUNT: '0' })).toBe(1)
  })

  it('looks the repository up again when it went away or a nested one appeared', async () => {
    git('init', '-q')
    await mkdir(join(dir, 'sub'))
    const tracker = createWorkspaceTracker()
    expect((await tracker.snapshot(join(dir, 'sub'))).kind).toBe('git')
    // `git init` in the cwd: the nested repository is the one that tracks its files now.
    execFileSync('git', ['init', '-q'], { cwd: join(dir, 'sub') })
    await writeFile(join(dir, 'sub', 'a.txt'), 'v1\n')
    const nested = await tracker.snapshot(join(dir, 'sub'))
    await writeFile(join(dir, 'sub', 'a.txt'), 'v2\n')
    const diff = await tracker.diff(nested)
    expect(diff).toContain('a/a.txt')
    expect(diff).toContain('+v2')
    // Both repositories removed: the walk takes over.
    await rm(join(dir, 'sub', '.git'), { recursive: true, force: true })
    await rm(join(dir, '.git'), { recursive: true, force: true })
    expect((await tracker.snapshot(join(dir, 'sub'))).kind).toBe('walk')
  })

  it('scopes a git snapshot to the cwd inside the repository', async () => {
    git('init', '-q')
    await mkdir(join(dir, 'sub'))
    const tracker = createWorkspaceTracker()
    const snapshot = await tracker.snapshot(join(dir, 'sub'))
    await writeFile(join(dir, 'outside.txt'), 'x\n')
    await writeFile(join(dir, 'sub', 'inside.txt'), 'y\n')
    const diff = await tracker.diff(snapshot)
    expect(diff).toContain('b/inside.txt')
    expect(diff).not.toContain('outside.txt')
    await writeFile(join(dir, 'sub', 'kept.txt'), 'v1\n')
    const second = await tracker.snapshot(join(dir, 'sub'))
    await writeFile(join(dir, 'sub', 'kept.txt'), 'v2\n')
    expect(await tracker.restore(second)).toEqual({ restored: ['kept.txt'] })
    expect(await readFile(join(dir, 'sub', 'kept.txt'), 'utf8')).toBe('v1\n')
    expect(existsSync(join(dir, 'outside.txt'))).toBe(true)
  })

  it('refuses unknown snapshots and git mode outside a repository', async () => {
    const tracker = createWorkspaceTracker()
    await expect(tracker.diff({ id: 'nope', cwd: dir })).rejects.toThrow('unknown to this tracker')
    await expect(createWorkspaceTracker({ mode: 'git' }).snapshot(dir)).rejects.toThrow(
      'not inside a git work tree',
    )
  })

  it('keeps walk snapshots within the file-count limit and says so', async () => {
    for (let i = 0; i < 5; i++) await writeFile(join(dir, `f${i}.txt`), `${i}\n`)
    const tracker = createWorkspaceTracker({ mode: 'walk', walkLimits: { maxFiles: 3 } })
    const snapshot = await tracker.snapshot(dir)
    await writeFile(join(dir, 'f0.txt'), 'changed\n')
    const diff = await tracker.diff(snapshot)
    expect(diff).toContain('+changed')
    expect(diff).toContain('larger than the tracker limits')
  })

  it('refuses a git snapshot of more untracked files than its limit, before hashing any', async () => {
    git('init', '-q')
    await writeFile(join(dir, '.gitignore'), 'build/\n')
    await mkdir(join(dir, 'build'))
    for (let i = 0; i < 4; i++) await writeFile(join(dir, `f${i}.txt`), `${i}\n`)
    for (let i = 0; i < 10; i++) await writeFile(join(dir, 'build', `o${i}`), `${i}\n`)
    // .gitignore and f0..f3: five untracked files; the ignored build/ does not count.
    await expect(createWorkspaceTracker({ maxUntrackedFiles: 4 }).snapshot(dir)).rejects.toThrow(
      'the working tree has 5 untracked files, more than the 4 a turn snapshot hashes; add the generated ones to .gitignore (or commit them) to get turn diffs and undo back',
    )
    expect(git('count-objects').startsWith('0 objects')).toBe(true)
    const snapshot = await createWorkspaceTracker({ maxUntrackedFiles: 5 }).snapshot(dir)
    expect(snapshot.kind).toBe('git')
  })

  it('takes shell-unfriendly names as they are: excluded paths and files with quotes, $, spaces, newlines', async () => {
    git('init', '-q')
    const odd = `it's "home" $HOME \`x\` *`
    await mkdir(join(dir, odd))
    await writeFile(join(dir, odd, 'state'), 'agent\n')
    await writeFile(join(dir, 'a file; $(touch pwned)\nwith newline'), 'one\n')
    const tracker = createWorkspaceTracker({ mode: 'git', exclude: [join(dir, odd)] })
    const snapshot = await tracker.snapshot(dir)
    await writeFile(join(dir, odd, 'state'), 'changed\n')
    await writeFile(join(dir, 'a file; $(touch pwned)\nwith newline'), 'two\n')
    const diff = await tracker.diff(snapshot)
    expect(diff).toContain('-one')
    expect(diff).toContain('+two')
    expect(diff).not.toContain('changed')
    expect(existsSync(join(dir, 'pwned'))).toBe(false)
  })

  it("fails a snapshot whose git add fails, with git's message", async () => {
    git('init', '-q')
    await writeFile(join(dir, 'f.txt'), 'f\n')
    // The temporary index starts as a copy of the real one: a corrupt one makes git add fail.
    await writeFile(join(dir, '.git', 'index'), 'not an index')
    await expect(createWorkspaceTracker({ mode: 'git' }).snapshot(dir)).rejects.toThrow(
      /git add failed in .*index/,
    )
  })

  for (const served of [false, true]) {
    it(`leaves no git process behind when the snapshot is aborted${served ? ' (spawn server)' : ''}`, async () => {
      git('init', '-q')
      // Incompressible content, so that git add is still hashing when the abort comes.
      for (let i = 0; i < 40; i++) await writeFile(join(dir, `blob${i}.bin`), randomBytes(4 * 1024 * 1024))
      if (served) expect(await server.started()).toBe(true)
      const controller = new AbortController()
      const tracker = createWorkspaceTracker(served ? { mode: 'git', spawnServer: server } : { mode: 'git' })
      const snapshot = tracker.snapshot(dir, { signal: controller.signal })
      snapshot.catch(() => undefined) // awaited below, once aborted
      // The abort comes while `git add` is hashing: once it is seen running, not after a time.
      await vi.waitFor(() => expect(processesIn(dir).join('\n')).toMatch(/ add --all /), {
        timeout: 10_000,
        interval: 5,
      })
      controller.abort()
      await expect(snapshot).rejects.toThrow()
      await vi.waitFor(() => expect(processesIn(dir)).toEqual([]), { timeout: 10_000, interval: 10 })
    })
  }
})

/** Commands of the live processes whose working directory is `cwd`. */
function processesIn(cwd: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) !== cwd) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      found.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' '))
    } catch {
      // Gone meanwhile, or not ours to look at.
    }
  }
  return found
}
