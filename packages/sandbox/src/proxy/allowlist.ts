// Which hosts the network proxy lets a sandboxed command reach: exact names, or `*.domain` for
// any subdomain. Hosts are compared lowercased, without a trailing dot or IPv6 brackets.
import { isIP } from 'node:net'
import { SandboxError } from '../errors.js'

export interface HostAllowlist {
  allows(host: string): boolean
  readonly entries: readonly string[]
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/

export function compileAllowlist(domains: readonly string[]): HostAllowlist {
  const exact = new Set<string>()
  const suffixes: string[] = []
  for (const raw of domains) {
    const entry = normalizeHost(raw)
    const wildcard = entry.startsWith('*.')
    const name = wildcard ? entry.slice(2) : entry
    const valid =
      isIpLiteral(name) || (name.length > 0 && name.split('.').every((label) => LABEL.test(label)))
    if (!valid || (wildcard && isIpLiteral(name))) {
      throw new SandboxError(
        'invalid_request',
        `invalid allowed domain "${raw}": use a host name ("example.com"), "*.example.com" for its subdomains, or an IP address`,
      )
    }
    if (wildcard) suffixes.push(`.${name}`)
    else exact.add(name)
  }
  return {
    entries: [...domains],
    allows(host: string) {
      const h = normalizeHost(host)
      return exact.has(h) || suffixes.some((suffix) => h.endsWith(suffix) && h.length > suffix.length)
    },
  }
}

function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  if (h.endsWith('.')) h = h.slice(0, -1)
  return h
}

function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0
}
