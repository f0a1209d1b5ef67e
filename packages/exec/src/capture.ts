// Bounded output capture: keeps the first and the last bytes of a stream in fixed buffers, so a
// command that prints gigabytes costs the same memory as one that prints a megabyte.

/** Default per-stream capture limit (head + tail). */
export const DEFAULT_MAX_CAPTURE_BYTES = 1024 * 1024

/** True for a UTF-8 continuation byte (10xxxxxx), which never starts a character. */
function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80
}

/**
 * End index of the last whole UTF-8 character in `buf[0, end)`: an incomplete sequence cut by
 * the head limit is dropped rather than shown as a replacement character.
 */
function wholeCharsEnd(buf: Buffer, end: number): number {
  let start = end
  // Walk back over at most three continuation bytes to the lead byte of the last character.
  while (start > 0 && end - start < 4 && isContinuation(buf[start - 1])) start--
  if (start === 0) return end
  const lead = buf[start - 1]!
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  const have = end - (start - 1)
  return have < need && lead >= 0xc0 ? start - 1 : end
}

const EMPTY = Buffer.alloc(0)
/** First head allocation: most commands print less than this. */
const MIN_HEAD_BYTES = 512

export class HeadTailCapture {
  private readonly headCap: number
  private readonly tailCap: number
  private head: Buffer
  private headLen = 0
  private tail: Buffer
  /** Next write position in the tail ring. */
  private tailPos = 0
  private tailLen = 0
  /** Every byte seen, kept or not. */
  totalBytes = 0

  constructor(maxBytes: number = DEFAULT_MAX_CAPTURE_BYTES) {
    const cap = Math.max(0, Math.floor(maxBytes))
    this.headCap = Math.floor(cap / 2)
    this.tailCap = cap - this.headCap
    // A short command should not pay for 1 MiB, nor a silent one for anything: the head is
    // allocated at the first output and grows up to its cap; the tail once the head is full.
    this.head = EMPTY
    this.tail = EMPTY
  }

  private growHead(needed: number): void {
    if (this.head.length >= needed) return
    let size = Math.max(this.head.length, MIN_HEAD_BYTES)
    while (size < needed) size *= 2
    const grown = Buffer.allocUnsafe(Math.min(this.headCap, size))
    this.head.copy(grown, 0, 0, this.headLen)
    this.head = grown
  }

  get truncated(): boolean {
    return this.totalBytes > this.headCap + this.tailCap
  }

  /** Bytes seen but not kept. */
  get droppedBytes(): number {
    return this.totalBytes - this.headLen - this.tailLen
  }

  push(chunk: Uint8Array): void {
    this.totalBytes += chunk.length
    let offset = 0
    if (this.headLen < this.headCap) {
      const n = Math.min(this.headCap - this.headLen, chunk.length)
      this.growHead(this.headLen + n)
      this.head.set(chunk.subarray(0, n), this.headLen)
      this.headLen += n
      offset = n
    }
    const rest = chunk.length - offset
    if (rest <= 0 || this.tailCap === 0) return
    if (this.tail.length === 0) this.tail = Buffer.allocUnsafe(this.tailCap)
    if (rest >= this.tailCap) {
      // The chunk alone fills the tail: keep its last tailCap bytes, starting the ring at 0.
      this.tail.set(chunk.subarray(chunk.length - this.tailCap))
      this.tailPos = 0
      this.tailLen = this.tailCap
      return
    }
    const first = Math.min(rest, this.tailCap - this.tailPos)
    this.tail.set(chunk.subarray(offset, offset + first), this.tailPos)
    if (first < rest) this.tail.set(chunk.subarray(offset + first), 0)
    this.tailPos = (this.tailPos + rest) % this.tailCap
    this.tailLen = Math.min(this.tailCap, this.tailLen + rest)
  }

  /** The kept tail bytes in order. */
  private tailBytes(): Buffer {
    if (this.tailLen < this.tailCap) return this.tail.subarray(0, this.tailLen)
    return Buffer.concat([this.tail.subarray(this.tailPos), this.tail.subarray(0, this.tailPos)])
  }

  /** The raw kept bytes: head then tail, without a marker. */
  bytes(): Buffer {
    return Buffer.concat([this.head.subarray(0, this.headLen), this.tailBytes()])
  }

  /**
   * The captured text, decoded as UTF-8 (invalid bytes become U+FFFD). When bytes were dropped,
   * a `…N bytes truncated…` marker stands where they were, and neither cut splits a character.
   */
  text(): string {
    if (!this.truncated) return this.bytes().toString('utf8')
    const head = this.head.subarray(0, wholeCharsEnd(this.head, this.headLen))
    let tail = this.tailBytes()
    let skip = 0
    while (skip < 3 && isContinuation(tail[skip])) skip++
    tail = tail.subarray(skip)
    const dropped = this.totalBytes - head.length - tail.length
    return `${head.toString('utf8')}…${dropped} bytes truncated…${tail.toString('utf8')}`
  }
}
