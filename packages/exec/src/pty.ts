// Loads the PTY backend (@lydell/node-pty, which ships prebuilt binaries, so nothing is compiled
// at install time) only when a `tty` session is asked for; pipe sessions never touch it.
import type { IPty } from '@lydell/node-pty'

export type PtyModule = typeof import('@lydell/node-pty')
/** A running PTY child, as the backend exposes it (output as bytes: `encoding: null`). */
export type PtyProcess = Omit<IPty, 'onData'> & { onData: (listener: (data: Buffer) => void) => unknown }

let loaded: Promise<PtyModule | string> | undefined

/** The backend module, or a message saying why PTY sessions are unavailable. */
export function loadPty(): Promise<PtyModule | string> {
  loaded ??= import('@lydell/node-pty').then(
    (mod) => ((mod as { default?: PtyModule }).default ?? mod) as PtyModule,
    (error: Error) =>
      `PTY sessions are unavailable (${error.message}); install @lydell/node-pty for this platform, or start the session with tty: false`,
  )
  return loaded
}
