import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './web/sse.js';

/** Every event of the pieces, pushed one after another into one parser. */
function parse(...pieces: string[]): SseEvent[] {
  const parser = createSseParser();
  return pieces.flatMap((piece) => parser.push(piece));
}

describe('reading server-sent events', () => {
  it('dispatches an event at a blank line, with its type and data', () => {
    expect(parse('event: ready\ndata: {}\n\nevent: changed\ndata: {"conversations":["c_1"]}\n\n')).toEqual([
      { type: 'ready', data: '{}' },
      { type: 'changed', data: '{"conversations":["c_1"]}' },
    ]);
  });

  it('holds an event back until its blank line comes', () => {
    const parser = createSseParser();
    expect(parser.push('event: ready\ndata: {}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ type: 'ready', data: '{}' }]);
  });

  it('joins data lines with a new line, and names an event without a type "message"', () => {
    expect(parse('data: one\ndata:two\ndata\ndata:  three\n\n')).toEqual([
      { type: 'message', data: 'one\ntwo\n\n three' },
    ]);
  });

  it('ignores comments, other fields, and blocks without data', () => {
    expect(
      parse(': ping\n\n:\n\nid: 7\nretry: 10\nfoo: bar\nevent: ready\n\nevent: resync\nid: 8\ndata: {}\n\n'),
    ).toEqual([{ type: 'resync', data: '{}' }]);
  });

  it('takes \\n, \\r\\n and \\r alike as line ends', () => {
    const expected = [
      { type: 'a', data: '1' },
      { type: 'b', data: '2' },
    ];
    expect(parse('event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n')).toEqual(expected);
    expect(parse('event: a\rdata: 1\r\revent: b\rdata: 2\r\r')).toEqual(expected);
    expect(parse('event: a\ndata: 1\r\n\revent: b\r\ndata: 2\n\n')).toEqual(expected);
  });

  it('reads a line cut anywhere across pieces, a field name and a \\r\\n included', () => {
    const text = 'event: changed\r\ndata: {"conversations":["c_1","c_2"]}\r\n\r\n: ping\r\n';
    const expected = [{ type: 'changed', data: '{"conversations":["c_1","c_2"]}' }];
    for (let cut = 0; cut <= text.length; cut++) {
      expect(parse(text.slice(0, cut), text.slice(cut))).toEqual(expected);
    }
    expect(parse(...text.split(''))).toEqual(expected);
  });

  it('does not take a \\r at the end of a piece and a \\n at the start of the next for two line ends', () => {
    const parser = createSseParser();
    expect(parser.push('data: x\r')).toEqual([]);
    expect(parser.push('')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\r')).toEqual([{ type: 'message', data: 'x' }]);
    // That \r and this first \n end one line; the second \n ends an empty line, which has nothing to dispatch.
    expect(parser.push('\n\ndata: y\n\n')).toEqual([{ type: 'message', data: 'y' }]);
  });

  it('keeps the type of one event from the next', () => {
    expect(parse('event: changed\ndata: 1\n\ndata: 2\n\n')).toEqual([
      { type: 'changed', data: '1' },
      { type: 'message', data: '2' },
    ]);
  });
});
