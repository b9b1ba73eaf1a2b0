/**
 * Baseline (b): verify, parse, then one Send API call per text event to `GRAPH_API_URL` through an undici
 * keep-alive Pool, answering 200 once every reply is accepted. No storage, no queue, no crash safety:
 * the fastest honest "echo bot", which Switchboard's throughput is compared against.
 */
import { Pool } from 'undici';
import { startBaselineServer } from './baseline-server.ts';

const graph = new Pool(process.env.GRAPH_API_URL ?? '', { connections: 50, pipelining: 1, keepAliveTimeout: 60_000 });
const token = process.env.BENCH_PAGE_TOKEN ?? '';
const version = process.env.GRAPH_API_VERSION ?? 'v25.0';

startBaselineServer({
  async onEvents(events) {
    await Promise.all(
      events.map(async (event) => {
        const text = event.message?.text;
        if (text === undefined || event.message?.is_echo || !event.sender?.id) return;
        const res = await graph.request({
          path: `/${version}/me/messages`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            recipient: { id: event.sender.id },
            messaging_type: 'RESPONSE',
            message: { text: `You said ${text}` },
          }),
        });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`Graph answered ${res.statusCode}`);
      }),
    );
  },
});
