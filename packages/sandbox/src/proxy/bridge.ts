// The sandbox side of the network allowlist. Inside a sandbox with its own network namespace,
// this small Node program listens on the sandbox's 127.0.0.1, forwards every connection to the
// proxy's Unix socket, points the command at it with HTTP(S)_PROXY, runs the command, and exits
// the way the command did. It is passed to `node -e`, so no file has to exist inside.

/** argv: [socketPath, '--', command, ...args] */
export const BRIDGE_SOURCE = `
const net = require('node:net')
const { spawn } = require('node:child_process')
const args = process.argv.slice(1)
const socketPath = args[0]
const command = args.slice(args.indexOf('--') + 1)
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath)
  client.pipe(upstream)
  upstream.pipe(client)
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
})
server.listen(0, '127.0.0.1', () => {
  const url = 'http://127.0.0.1:' + server.address().port
  const env = { ...process.env, HTTP_PROXY: url, HTTPS_PROXY: url, ALL_PROXY: url, http_proxy: url, https_proxy: url, all_proxy: url, NO_PROXY: '', no_proxy: '' }
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => {
    process.stderr.write('agent-sandbox: cannot run ' + command[0] + ': ' + error.message + '\\n')
    process.exit(error.code === 'ENOENT' ? 127 : 126)
  })
  child.on('exit', (code, signal) => {
    server.close()
    if (signal) {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.removeAllListeners(s)
      process.kill(process.pid, signal)
    }
    process.exit(code ?? 1)
  })
})
`

/** Wraps `argv` so it runs behind the bridge, with `node` being the host's Node binary. */
export function bridgeArgv(argv: string[], socketPath: string, node: string = process.execPath): string[] {
  return [node, '-e', BRIDGE_SOURCE, socketPath, '--', ...argv]
}
