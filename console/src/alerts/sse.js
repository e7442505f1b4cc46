// Server-sent events read from a fetch() response body (the text/event-stream format of the HTML
// standard): the console cannot use EventSource, which sends no custom header, and the stream
// needs the anti-forgery one (api.js, openStream).

const LINE = /\r\n|\r|\n/;

/**
 * The events of a text/event-stream body, as { event, data }, in order; ends when the body does.
 * Comment lines (": keep-alive") are skipped; `id` and `retry` are not used by graphql-sse.
 */
export async function* serverSentEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = '';
  let data = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
      const held = buffer.endsWith('\r') ? 1 : 0;
      const lines = buffer.slice(0, buffer.length - held).split(LINE);
      buffer = lines.pop() + buffer.slice(buffer.length - held);
      for (const line of lines) {
        if (line === '') {
          if (event || data !== null) yield { event: event || 'message', data: data ?? '' };
          event = '';
          data = null;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = text;
        else if (field === 'data') data = data === null ? text : `${data}\n${text}`;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
