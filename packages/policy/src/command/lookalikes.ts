// Unicode lookalikes: `rм` (Cyrillic em), `ｒｍ` (fullwidth), `r\u200bm` (zero-width space) read
// as `rm` to a person but name another program. Danger checks also test the ASCII a reader sees.

/** Letters from other scripts that render like ASCII ones, for lookalike detection. */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  г: 'r',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ı: 'i',
  ł: 'l',
  ℓ: 'l',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
  ԍ: 'g',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '−': '-',
  '﹣': '-',
  ꟷ: '-',
}
const INVISIBLE = new Set(['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e'])

/** The ASCII word a reader would take this word for: NFKC, invisible characters removed, confusables mapped. */
export function asciiSkeleton(word: string): string {
  let ascii = true
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) > 127) ascii = false
  if (ascii) return word
  let out = ''
  for (const c of word.normalize('NFKC')) {
    if (INVISIBLE.has(c)) continue
    out += CONFUSABLES[c] ?? CONFUSABLES[c.toLowerCase()] ?? c
  }
  return out
}
