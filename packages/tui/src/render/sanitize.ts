// Text from commands, tools and models is shown, never obeyed: escape sequences and control
// characters would move the cursor or recolour the UI, so they are removed before rendering.
// A carriage return keeps what a terminal would show (the text after the last one on a line).
const ESCAPES = new RegExp(
  [
    '\\u001b\\[[0-?]*[ -/]*[@-~]', // CSI (colours, cursor moves)
    '\\u001b\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)', // OSC (titles, hyperlinks)
    '\\u001b[PX^_][^\\u001b]*\\u001b\\\\', // DCS, SOS, PM, APC
    '\\u001b[@-Z\\\\-_]', // other two-character escapes
    '\\u009b[0-?]*[ -/]*[@-~]', // 8-bit CSI
  ].join('|'),
  'g',
)
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g

export function sanitize(text: string): string {
  let out = text.replace(ESCAPES, '')
  if (out.includes('\r')) {
    out = out
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((line) => {
        const parts = line.split('\r').filter((p) => p !== '')
        return parts[parts.length - 1] ?? ''
      })
      .join('\n')
  }
  return out.replace(/\t/g, '    ').replace(CONTROLS, '')
}
