// Drives the service with graphql-sse (third-party) in distinct connections mode. Arguments: one JSON
// object {url, token, query, variables, operationName, take}. Prints one JSON line per thing seen:
// {"event":"next","payload":...}, {"event":"error","status":...,"message":...}, {"event":"complete"}.
import { createClient } from 'graphql-sse';

const options = JSON.parse(process.argv[2]);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const client = createClient({
  url: options.url,
  singleConnection: false,
  retryAttempts: 0,
  headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
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
        // graphql-sse reports a refused request as a NetworkError holding the Response.
        const response = error?.response;
        print({ event: 'error', status: response?.status, message: String(error?.message ?? error) });
        resolve();
      },
      complete: () => {
        print({ event: 'complete' });
        resolve();
      },
    },
  );
});
client.dispose();
setTimeout(() => process.exit(0), 100);
