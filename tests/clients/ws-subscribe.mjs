// Drives the service with graphql-ws (third-party) as a client application would. Arguments: one JSON
// object {url, token, query, variables, operationName, take}. Prints one JSON line per thing seen:
// {"event":"connected"}, {"event":"next","payload":...}, {"event":"error","payload":...},
// {"event":"complete"}, {"event":"closed","code":...,"reason":...}. After `take` results it completes
// the subscription itself. Exits when the subscription ends either way.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const options = JSON.parse(process.argv[2]);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const client = createClient({
  url: options.url,
  // Node 20 has no global WebSocket.
  webSocketImpl: WebSocket,
  connectionParams: options.token === undefined ? undefined : { authorization: `Bearer ${options.token}` },
  retryAttempts: 0,
  lazy: true,
  on: {
    connected: () => print({ event: 'connected' }),
    closed: (event) => print({ event: 'closed', code: event.code, reason: event.reason }),
  },
});

let received = 0;
await new Promise((resolve) => {
  const unsubscribe = client.subscribe(
    { query: options.query, variables: options.variables, operationName: options.operationName },
    {
      next: (payload) => {
        print({ event: 'next', payload });
        received += 1;
        if (options.take !== undefined && received >= options.take) {
          print({ event: 'unsubscribed' });
          unsubscribe();
          resolve();
        }
      },
      error: (error) => {
        // A protocol `error` arrives as the GraphQLError array; a close as the CloseEvent (printed by `closed`).
        print({ event: 'error', payload: Array.isArray(error) ? error : { message: String(error?.message ?? error), code: error?.code } });
        resolve();
      },
      complete: () => {
        print({ event: 'complete' });
        resolve();
      },
    },
  );
});
await client.dispose();
// Lets the `closed` line out before the process ends.
setTimeout(() => process.exit(0), 200);
