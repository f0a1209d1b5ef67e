/** Types of `floor-client.mjs` for the TypeScript benchmarks that run it in their own process. */
export function runFloor(options: {
  baseUrl: string
  apiKey?: string
  prompt?: string
  cwd?: string
  env?: Record<string, string>
  model?: string
}): Promise<string>
