// macOS Seatbelt profile (sandbox-exec) for the same policies: deny by default, read everything
// except denied paths, write only inside writable roots minus protected paths, network on/off.
// Paths travel as `-D NAME=value` parameters so no path ever needs quoting inside the profile.
import type { MountPlan } from './mounts.js'

export interface SeatbeltProfile {
  /** The SBPL text passed with `-p`. */
  profile: string
  /** Values for `-D NAME=value`, referenced in the profile as `(param "NAME")`. */
  params: Record<string, string>
}

// Services nearly every program touches (name lookup, logging, notifications, certificates).
const BASE_MACH_SERVICES = [
  'com.apple.system.opendirectoryd.libinfo',
  'com.apple.system.opendirectoryd.membership',
  'com.apple.system.logger',
  'com.apple.system.notification_center',
  'com.apple.logd',
  'com.apple.diagnosticd',
  'com.apple.trustd.agent',
  'com.apple.SecurityServer',
  'com.apple.bsd.dirhelper',
  'com.apple.coreservices.launchservicesd',
  'com.apple.CoreServices.coreservicesd',
]
// DNS and proxy configuration, only when the network is on.
const NETWORK_MACH_SERVICES = [
  'com.apple.SystemConfiguration.configd',
  'com.apple.SystemConfiguration.DNSConfiguration',
  'com.apple.dnssd.service',
  'com.apple.networkd',
  'com.apple.nsurlsessiond',
]

export function seatbeltProfile(plan: MountPlan, options: { network: boolean }): SeatbeltProfile {
  const params: Record<string, string> = {}
  const param = (name: string, value: string) => {
    params[name] = value
    return `(param "${name}")`
  }
  const lines = [
    '(version 1)',
    '(deny default)',
    '',
    '; processes: only within this sandbox',
    '(allow process-exec)',
    '(allow process-fork)',
    '(allow signal (target same-sandbox))',
    '(allow process-info* (target same-sandbox))',
    '',
    '; what ordinary programs need from the system',
    '(allow sysctl-read)',
    '(allow user-preference-read)',
    '(allow ipc-posix-sem)',
    '(allow ipc-posix-shm-read* ipc-posix-shm-write-data)',
    `(allow mach-lookup ${mach(BASE_MACH_SERVICES)})`,
    '(allow pseudo-tty)',
    '(allow file-read* file-write* file-ioctl (literal "/dev/ptmx") (regex #"^/dev/ttys[0-9]+$"))',
    '(allow file-write-data file-ioctl (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty"))',
    '',
  ]

  lines.push('; reads')
  if (plan.denyRead.length === 0) lines.push('(allow file-read*)')
  else {
    const denied = plan.denyRead.map((d, i) => `(require-not (subpath ${param(`DENY_READ_${i}`, d.path)}))`)
    lines.push(`(allow file-read* (require-all ${denied.join(' ')}))`)
  }
  lines.push('')

  lines.push('; writes')
  if (plan.writable.length === 0) lines.push('; none: read-only')
  plan.writable.forEach((root, i) => {
    const rootRef = param(`WRITABLE_ROOT_${i}`, root)
    const inside = plan.protected.filter((p) => p === root || p.startsWith(`${root}/`))
    if (inside.length === 0) {
      lines.push(`(allow file-write* (subpath ${rootRef}))`)
      return
    }
    const keep = inside.map(
      (p, j) => `(require-not (subpath ${param(`WRITABLE_ROOT_${i}_PROTECTED_${j}`, p)}))`,
    )
    lines.push(`(allow file-write* (require-all (subpath ${rootRef}) ${keep.join(' ')}))`)
  })
  lines.push('')

  lines.push('; network')
  if (options.network) {
    lines.push('(allow network-outbound)', '(allow network-inbound)', '(allow system-socket)')
    lines.push(`(allow mach-lookup ${mach(NETWORK_MACH_SERVICES)})`)
  } else {
    lines.push('(allow system-socket (socket-domain AF_UNIX))')
    lines.push('(allow network-outbound (remote unix-socket))')
    lines.push('(allow network-bind network-inbound (local unix-socket))')
  }
  return { profile: `${lines.join('\n')}\n`, params }
}

export function seatbeltArgv(argv: string[], profile: SeatbeltProfile, sandboxExec: string): string[] {
  const defines = Object.entries(profile.params).map(([name, value]) => `-D${name}=${value}`)
  return [sandboxExec, '-p', profile.profile, ...defines, '--', ...argv]
}

function mach(names: string[]): string {
  return names.map((n) => `(global-name "${n}")`).join(' ')
}
