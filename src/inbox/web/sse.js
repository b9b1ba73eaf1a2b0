/**
 * Reads the server-sent events wire format (the HTML standard's "event stream", as `EventSource` does) from text that
 * arrives in pieces. The inbox cannot use `EventSource`, which sends no `Authorization` header (live.js). No DOM: unit
 * tested in Node.
 */

/**
 * `push(text)` takes the next piece of the decoded stream and returns the events it completed, each `{type, data}`:
 * `type` is the `event:` field (`message` without one), `data` the `data:` lines joined with `\n`. As in
 * `EventSource`, a block without `data:` dispatches nothing, comments (`:`) and other fields (`id:`, `retry:`, unknown
 * ones) are ignored, and an event the stream ends in the middle of is dropped.
 */
export function createSseParser() {
  let partial = '';
  /** The last piece ended in `\r`: a `\n` that starts the next one ends the same line. */
  let afterCr = false;
  let type = '';
  let data = [];

  function readLine(line, events) {
    if (line === '') {
      if (data.length > 0) events.push({ type: type || 'message', data: data.join('\n') });
      type = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }

  return {
    push(text) {
      const events = [];
      // A piece of a character only (TextDecoder's stream mode) says nothing about a `\r` before it.
      if (text === '') return events;
      const rest = afterCr && text.startsWith('\n') ? text.slice(1) : text;
      const buffer = partial + rest;
      let start = 0;
      for (const end of buffer.matchAll(/\r\n|\r|\n/g)) {
        readLine(buffer.slice(start, end.index), events);
        start = end.index + end[0].length;
      }
      partial = buffer.slice(start);
      afterCr = buffer.endsWith('\r');
      return events;
    },
  };
}
