// DNS-rebinding protection for the loopback HTTP server: a web page on evil.example whose name
// resolves to 127.0.0.1 must not reach the agent, so Host and Origin must name a loopback host.
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

function hostnameOf(hostHeader: string): string {
  // `[::1]:8080` keeps its brackets; `localhost:8080` loses the port.
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1)
  return hostHeader.split(':')[0] ?? ''
}

/** Why a request must be refused, or undefined when its Host and Origin are loopback. */
export function rejectNonLoopback(headers: { host?: string; origin?: string }): string | undefined {
  if (!headers.host || !LOOPBACK.has(hostnameOf(headers.host.toLowerCase()))) {
    return `Host header ${JSON.stringify(headers.host ?? '')} is not a loopback host`
  }
  if (headers.origin !== undefined && headers.origin !== 'null') {
    let origin: URL
    try {
      origin = new URL(headers.origin)
    } catch {
      return `Origin header ${JSON.stringify(headers.origin)} is not a URL`
    }
    if (!LOOPBACK.has(origin.hostname.toLowerCase())) {
      return `Origin ${JSON.stringify(headers.origin)} is not a loopback origin`
    }
  }
  return undefined
}
