/**
 * Baseline (c), informative (`BENCH_FLOOR=1`): the least a durable echo bot can do, on one thread, with
 * better-sqlite3's prepared statements and no framework. Each event is inserted (a redelivered `mid` is dropped) in
 * one transaction per turn of the event loop, flushed to disk (WAL, synchronous FULL), then acknowledged. Then, per
 * batch, one transaction marks the events handled and queues one outbox row each; each reply goes to Graph through
 * undici, one person's replies one at a time; one transaction per batch of answers marks the rows sent.
 *
 * Three writes per event and no product: no contacts, conversations, sessions, messages for an inbox, assistant,
 * policies, retries or resume after a crash (it starts from an empty file). What Switchboard costs beyond this floor
 * is what its product costs; what this floor costs beyond the reply baseline is what durability costs.
 */

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { type BaselineEvent, startBaselineServer } from './baseline-server.ts';

const file = join(process.env.BENCH_SQLITE_DIR || tmpdir(), `switchboard-floor-${process.pid}.db`);
process.once('exit', () => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
});
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`
  create table events (id integer primary key, mid text not null unique, sender text not null, text text not null,
    status text not null, received_at integer not null);
  create table outbox (id integer primary key, event_id integer not null, recipient text not null, body text not null,
    status text not null, message_id text, updated_at integer not null);
`);
const insertEvent = db.prepare(
  "insert into events (mid, sender, text, status, received_at) values (?, ?, ?, 'new', ?) on conflict (mid) do nothing",
);
const settleEvent = db.prepare("update events set status = 'done' where id = ?");
const queueReply = db.prepare(
  "insert into outbox (event_id, recipient, body, status, updated_at) values (?, ?, ?, 'pending', ?)",
);
const markSent = db.prepare("update outbox set status = 'sent', message_id = ?, updated_at = ? where id = ?");

interface Received {
  mid: string;
  sender: string;
  text: string;
}
interface Queued {
  outboxId: number;
  sender: string;
  body: string;
}

/** Stores a batch of events; returns the new ones (not redeliveries) with their row ids. */
const store = db.transaction((events: Received[]) => {
  const now = Date.now();
  const stored: (Received & { id: number })[] = [];
  for (const e of events) {
    const { changes, lastInsertRowid } = insertEvent.run(e.mid, e.sender, e.text, now);
    if (changes === 1) stored.push({ ...e, id: Number(lastInsertRowid) });
  }
  return stored;
});
/** The "assistant": marks each event handled and queues its echo. */
const handle = db.transaction((events: (Received & { id: number })[]) => {
  const now = Date.now();
  return events.map((e): Queued => {
    settleEvent.run(e.id);
    const body = JSON.stringify({
      recipient: { id: e.sender },
      messaging_type: 'RESPONSE',
      message: { text: `You said ${e.text}` },
    });
    return { outboxId: Number(queueReply.run(e.id, e.sender, body, now).lastInsertRowid), sender: e.sender, body };
  });
});
const recordSent = db.transaction((sent: [number, string][]) => {
  const now = Date.now();
  for (const [outboxId, messageId] of sent) markSent.run(messageId, now, outboxId);
});

const graph = new Pool(process.env.GRAPH_API_URL ?? '', { connections: 50, pipelining: 1, keepAliveTimeout: 60_000 });
const token = process.env.BENCH_PAGE_TOKEN ?? '';
const version = process.env.GRAPH_API_VERSION ?? 'v25.0';

/** Each person's replies go out one at a time, in order. */
const lanes = new Map<string, Promise<void>>();
let sent: [number, string][] = [];

async function send(reply: Queued): Promise<void> {
  const res = await graph.request({
    path: `/${version}/me/messages`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: reply.body,
  });
  const answer = (await res.body.json()) as { message_id?: string };
  if (res.statusCode !== 200) throw new Error(`Graph answered ${res.statusCode}`);
  if (sent.length === 0)
    setImmediate(() => {
      const batch = sent;
      sent = [];
      recordSent(batch);
    });
  sent.push([reply.outboxId, answer.message_id ?? '']);
}

function enqueue(reply: Queued) {
  const lane = (lanes.get(reply.sender) ?? Promise.resolve()).then(() => send(reply));
  const tail = lane.catch((error: unknown) => console.error('reply failed', error));
  lanes.set(reply.sender, tail);
  void tail.then(() => lanes.get(reply.sender) === tail && lanes.delete(reply.sender));
}

/** Events received during one turn of the event loop, and how to acknowledge their requests. */
let waiting: { events: Received[]; settle: (error?: unknown) => void }[] = [];

function flush() {
  const batch = waiting;
  waiting = [];
  let stored: ReturnType<typeof store>;
  try {
    stored = store(batch.flatMap((w) => w.events));
  } catch (error) {
    for (const w of batch) w.settle(error);
    return;
  }
  for (const w of batch) w.settle();
  setImmediate(() => {
    for (const reply of handle(stored)) enqueue(reply);
  });
}

startBaselineServer({
  onEvents(events: BaselineEvent[]) {
    const received: Received[] = [];
    for (const e of events) {
      const { sender, message } = e;
      if (sender?.id && message?.mid && message.text !== undefined && !message.is_echo)
        received.push({ mid: message.mid, sender: sender.id, text: message.text });
    }
    if (received.length === 0) return;
    return new Promise<void>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ events: received, settle: (error) => (error ? reject(error) : resolve()) });
    });
  },
});
