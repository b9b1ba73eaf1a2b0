/** A chat page's server-sent events of one conversation, read as the test needs them. */
export interface ConversationStream {
  /** The response's content type. */
  contentType: string | null;
  /** Reads until the text so far includes `needle`, or until `needle()` holds. */
  readUntil(needle: string | (() => boolean)): Promise<void>;
  /** The emulator's generation, as the stream's first event (`hello`) told it. */
  generation: unknown;
  /** The named events read so far after `hello`, in order, each with its parsed data. */
  events(): { event: string | undefined; data: unknown }[];
  close(): void;
}

/** Opens `/_emulator/conversations/:page/:psid/stream`, once it said which emulator it is on (`hello`). */
export async function openConversationStream(url: string, pageId: string, psid: string): Promise<ConversationStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/_emulator/conversations/${pageId}/${psid}/stream`, {
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readUntil = async (needle: string | (() => boolean)) => {
    const read = typeof needle === 'string' ? () => text.includes(needle) : needle;
    while (!read()) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      text += decoder.decode(value);
    }
  };
  const events = () =>
    text
      .split('\n\n')
      .filter((chunk) => chunk.startsWith('event:'))
      .map((chunk) => ({
        event: /^event: (\w+)/.exec(chunk)?.[1],
        data: JSON.parse(chunk.split('data: ')[1] ?? 'null') as unknown,
      }));
  await readUntil(() => events().length > 0);
  const [hello] = events();
  if (hello?.event !== 'hello') throw new Error(`the stream began with ${hello?.event}, not hello`);
  return {
    contentType: response.headers.get('content-type'),
    readUntil,
    generation: (hello.data as { generation?: unknown }).generation,
    events: () => events().slice(1),
    close: () => controller.abort(),
  };
}
