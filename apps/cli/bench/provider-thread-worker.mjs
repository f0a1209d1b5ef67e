// The thread of provider-thread.ts: a mock provider (Responses wire) serving workerData.turns,
// answering the parent's `waitForRequests` and `close` calls by message.
import { parentPort, workerData } from 'node:worker_threads'
import { startMockProviderServer } from '@agent/models/testing'

const server = await startMockProviderServer({ wire: 'responses', turns: workerData.turns })
parentPort.on('message', (request) => {
  const work = request.call === 'waitForRequests' ? server.waitForRequests(request.count) : server.close()
  work.then(
    (value) => parentPort.postMessage({ id: request.id, value }),
    (error) => parentPort.postMessage({ id: request.id, error: error.message }),
  )
})
parentPort.postMessage(server.baseUrl)
