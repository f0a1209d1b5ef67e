// Imported first by the launcher, so that this runs before any other module of the bundle is
// evaluated (and any other built-in compiled): V8's flags go back to their defaults at once.
import { resetStartupFlags } from './v8-flags.js'

export const sessionFlags = resetStartupFlags()
