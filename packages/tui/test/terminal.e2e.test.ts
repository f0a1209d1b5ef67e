// The UI in a real terminal (tmux) without an agent process: the terminal is restored after a
// crash, resizing keeps the screen clean, NO_COLOR turns colour off.
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TmuxSession } from './tmux.js'

const hasTmux = spawnSync('tmux', ['-V']).status === 0
const here = new URL('.', import.meta.url).pathname
const tsx = `${new URL('../../../node_modules/.bin/tsx', import.meta.url).pathname} --tsconfig ${join(here, '..', 'tsconfig.json')}`
const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: mkdtempSync(join(tmpdir(), 'tui-term-')),
  TERM: 'xterm-256color',
  ...extra,
})

let session: TmuxSession | undefined
afterEach(() => {
  session?.kill()
  session = undefined
})

describe.skipIf(!hasTmux)('the UI in a terminal', () => {
  it('restores the terminal after a crash: cursor shown, raw mode off', async () => {
    session = new TmuxSession(`${tsx} ${join(here, 'crash-fixture.tsx')} 2500`, {
      cwd: here,
      env: env(),
      after: `stty -a | tr ' ;' '\\n\\n' | grep -x -e '-*icanon' -e '-*echo' | tr '\\n' ' '; echo '[stty]';`,
    })
    await session.waitFor('Ask the agent to do something', 60_000)
    await session.waitFor('Error: simulated crash', 30_000)
    const screen = await session.waitFor('[stty]')
    expect(screen).toMatch(/\[exit 1\]/)
    expect(screen).toMatch(/(^|\s)icanon echo \[stty\]/m)
    expect(session.cursorVisible()).toBe(true)
  }, 90_000)

  it('fits a narrow terminal and redraws cleanly on resize; NO_COLOR has no colours', async () => {
    session = new TmuxSession(`${tsx} ${join(here, '..', 'bench', 'scripted-ui.tsx')}`, {
      cwd: here,
      env: env({ NO_COLOR: '1' }),
    })
    await session.waitFor('Ask the agent to do something', 60_000)
    session.type('fix the test')
    await session.waitFor('fix the test')
    session.press('Enter')
    await session.waitFor('Run this command?')
    session.resize(50, 20)
    // The redraw is done when every visible line fits: wait for that, not for a fixed time.
    const fits = (screen: string) =>
      screen
        .trimEnd()
        .split('\n')
        .slice(-20)
        .every((line) => line.length <= 50)
    // One approval box and one status line on screen: nothing left over from the wider frame.
    const oneBox = (screen: string) => screen.split('Run this command?').length === 2
    await session.waitUntil((s) => fits(s) && oneBox(s), 'a frame 50 columns wide with one approval box')
    session.press('y')
    await session.waitFor('Fixed: percent divided by 10 instead of 100.')
    expect(session.screen(true)).not.toMatch(/\u001b\[(3[0-7]|9[0-7]|38;)/)
  }, 90_000)
})
