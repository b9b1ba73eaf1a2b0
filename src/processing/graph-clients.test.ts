import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScriptedGraphServer, startScriptedGraphServer } from '../../test/support/scripted-graph-server.ts';
import { appsecretProof } from '../messenger/graph/graph-request.ts';
import { createDirectoryMirror } from '../server/page-directory.ts';
import { createGraphClients } from './graph-clients.ts';

const TOKEN = 'EAAB-page-token';
let server: ScriptedGraphServer | undefined;
afterEach(async () => server?.close());

describe('the Graph clients of the apps', () => {
  it('prove calls with the app’s current secret once it changes (rotated, reloaded from the database)', async () => {
    server = await startScriptedGraphServer();
    const app = (secret: string) => ({ id: '111', secret, verify_token: 'vt' });
    const directory = createDirectoryMirror({ apps: [app('old-secret')], pages: [] });
    const clients = createGraphClients(
      { apiUrl: server.baseUrl, version: 'v25.0', batchSends: true },
      directory,
      pino({ level: 'silent' }),
    );
    const send = () =>
      clients.graphFor('111').send(TOKEN, {
        recipient: { id: '42' },
        messaging_type: 'RESPONSE',
        message: { text: 'hi' },
      });
    server.reply(
      { json: { recipient_id: '42', message_id: 'm.1' } },
      { json: { recipient_id: '42', message_id: 'm.2' } },
      { json: { recipient_id: '42', message_id: 'm.3' } },
    );
    await send();
    await send();
    directory.replace({ apps: [app('new-secret')], pages: [] });
    await send();
    await clients.close();
    expect(server.requests.map((r) => r.url.searchParams.get('appsecret_proof'))).toEqual([
      appsecretProof(TOKEN, 'old-secret'),
      appsecretProof(TOKEN, 'old-secret'),
      appsecretProof(TOKEN, 'new-secret'),
    ]);
  });
});
