import { writeFileSync } from 'node:fs'
import { startMockProviderServer } from '@agent/models/testing'

const server = await startMockProviderServer({
  wire: 'responses',
  turns: [
    {
      text: 'I will run the tests.\n\nFirst **look**:',
      toolCalls: [
        {
          name: 'shell',
          arguments: {
            command: ['bash', '-lc', 'echo hi > out.txt && cat out.txt'],
            with_escalated_permissions: true,
            justification: 'need it',
          },
        },
      ],
    },
    { text: 'Done: wrote `out.txt`.' },
  ],
})
writeFileSync('/tmp/tuie2e/url', server.baseUrl)
setInterval(() => {}, 1000)
