import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { setAppWebhook } from './app-webhook.ts';
import type { EmulatorContext } from './context.ts';
import { controlError, parseBody } from './control-errors.ts';
import { numericId } from './ids.ts';
import { WEBHOOK_FIELDS } from './platform-constants.ts';
import { addApp, addGuest, addPage, addPerson, findPageToken, loadSeedIntoState } from './state.ts';
import type { PersonRecord } from './state-types.ts';
import { avatarUrl, originOf } from './urls.ts';
import { httpUrl } from './validate-rules.ts';

const id = z.string().regex(/^\d+$/, 'must be a numeric string');

const appBody = z
  .object({
    // Echoes carry app_id as a JSON number (§2.2): a larger id would reach the bot as another app's.
    id: id.refine((value) => Number.isSafeInteger(Number(value)), 'too large for the number echoes carry').optional(),
    name: z.string().min(1).default('Test App'),
    secret: z.string().min(1).optional(),
    webhook_url: httpUrl().optional(),
    verify_token: z.string().min(1).optional(),
    deauthorize_url: httpUrl().optional(),
    data_deletion_url: httpUrl().optional(),
    oauth_redirect_uris: z.array(httpUrl()).optional(),
    subscribed_fields: z.array(z.enum(WEBHOOK_FIELDS)).optional(),
  })
  .refine((body) => !body.webhook_url || body.verify_token, {
    message: 'verify_token is required with webhook_url',
    path: ['verify_token'],
  });

const pageBody = z.object({
  id: id.optional(),
  name: z.string().min(1),
  app_id: id.optional(),
  access_token: z.string().min(1).optional(),
  picture_url: z.string().optional(),
  subscribe_app: z.boolean().optional(),
});

const personBody = z.object({
  id: id.optional(),
  first_name: z.string().min(1),
  last_name: z.string().optional(),
  locale: z.string().optional(),
  timezone: z.number().optional(),
  profile_pic: z.string().optional(),
  auto_read: z.boolean().optional(),
  psids: z.record(z.string(), id).optional(),
});

const guestBody = z.object({
  page_id: id,
  // Never digits only: a guest's user_ref can then never be taken for a PSID.
  user_ref: z.string().min(1).max(200).regex(/\D/, 'must not be digits only (the form of a PSID)').optional(),
  name: z.string().min(1).optional(),
});

const accountBody = z.object({
  id: id.optional(),
  name: z.string().min(1),
  pages: z.array(z.object({ page_id: id, tasks: z.array(z.string()).default(['MANAGE', 'MESSAGING']) })).optional(),
});

const webhookBody = z.object({ url: httpUrl(), verify_token: z.string().min(1) });

/** The person as the control API lists them (with every PSID). */
export function personView(person: PersonRecord, origin: string) {
  return {
    id: person.id,
    first_name: person.first_name,
    last_name: person.last_name,
    name: `${person.first_name} ${person.last_name}`.trim(),
    profile_pic: person.profile_pic || avatarUrl(origin, 'people', person.id),
    locale: person.locale,
    timezone: person.timezone,
    auto_read: person.auto_read,
    psids: { ...person.psids },
  };
}

/** Apps, pages, people, accounts, webhooks, the page profile, the clock and reset. */
export const controlEntityRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  const { state } = ctx;

  app.get('/state', async (request) => {
    const origin = originOf(ctx, request);
    return {
      pages: [...state.pages.values()].map((page) => ({
        id: page.id,
        name: page.name,
        app_id: page.app_id,
        picture_url: page.picture_url || avatarUrl(origin, 'pages', page.id),
        messaging_block: page.messaging_block ?? null,
      })),
      people: [...state.people.values()].map((person) => personView(person, origin)),
      guests: [...state.guests.values()].map((guest) => ({ ...guest })),
      apps: [...state.apps.values()].map((entry) => ({
        id: entry.id,
        name: entry.name,
        webhook_url: entry.webhook_url ?? null,
      })),
    };
  });

  app.post('/apps', async (request, reply) => {
    const body = parseBody(appBody, request.body, reply);
    if (!body) return reply;
    if (body.id && state.apps.has(body.id)) return controlError(reply, 'SB_EMULATOR_CONFLICT', `app ${body.id} exists`);
    const { webhook_url, verify_token, ...rest } = body;
    const created = addApp(state, { ...rest, secret: body.secret ?? numericId(32) });
    if (webhook_url) {
      const result = await setAppWebhook(ctx, created, { url: webhook_url, verify_token: verify_token as string });
      if (!result.ok) {
        state.apps.delete(created.id);
        return controlError(reply, 'SB_EMULATOR_WEBHOOK_VERIFICATION_FAILED', result.reason);
      }
    }
    return reply
      .code(201)
      .send({ id: created.id, name: created.name, secret: created.secret, webhook_url: created.webhook_url ?? null });
  });

  app.post<{ Params: { id: string } }>('/apps/:id/webhook', async (request, reply) => {
    const found = state.apps.get(request.params.id);
    if (!found) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no app ${request.params.id}`);
    const body = parseBody(webhookBody, request.body, reply);
    if (!body) return reply;
    const result = await setAppWebhook(ctx, found, body);
    if (!result.ok) return controlError(reply, 'SB_EMULATOR_WEBHOOK_VERIFICATION_FAILED', result.reason);
    return { ok: true };
  });

  app.post('/pages', async (request, reply) => {
    const body = parseBody(pageBody, request.body, reply);
    if (!body) return reply;
    const appId = body.app_id ?? (state.apps.size === 1 ? [...state.apps.keys()][0] : undefined);
    if (!appId || !state.apps.has(appId))
      return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', 'app_id must name an existing app');
    if (body.id && state.pages.has(body.id))
      return controlError(reply, 'SB_EMULATOR_CONFLICT', `page ${body.id} exists`);
    // Taken over, another page's token would act as this page.
    if (body.access_token && state.tokens.has(body.access_token))
      return controlError(reply, 'SB_EMULATOR_CONFLICT', 'the access_token is already in use');
    const page = addPage(state, ctx.clock, { ...body, app_id: appId });
    const origin = originOf(ctx, request);
    return reply.code(201).send({
      id: page.id,
      name: page.name,
      app_id: page.app_id,
      picture_url: page.picture_url || avatarUrl(origin, 'pages', page.id),
      access_token: findPageToken(state, page)?.token,
    });
  });

  app.post('/people', async (request, reply) => {
    const body = parseBody(personBody, request.body, reply);
    if (!body) return reply;
    // Replaced, the person's PSIDs would name the newcomer.
    if (body.id && state.people.has(body.id))
      return controlError(reply, 'SB_EMULATOR_CONFLICT', `person ${body.id} exists`);
    const taken = Object.values(body.psids ?? {}).find((psid) => state.psids.has(psid));
    if (taken) return controlError(reply, 'SB_EMULATOR_CONFLICT', `PSID ${taken} is taken`);
    return reply.code(201).send(personView(addPerson(state, body), originOf(ctx, request)));
  });

  /** A visitor of the page's website chat plugin, known by a user_ref (§2.11); it acts as people do, by its user_ref. */
  app.post('/guests', async (request, reply) => {
    const body = parseBody(guestBody, request.body, reply);
    if (!body) return reply;
    if (!state.pages.has(body.page_id)) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no page ${body.page_id}`);
    if (body.user_ref && state.guests.has(body.user_ref))
      return controlError(reply, 'SB_EMULATOR_CONFLICT', `user_ref ${body.user_ref} is taken`);
    return reply.code(201).send({ ...addGuest(state, body) });
  });

  app.post('/accounts', async (request, reply) => {
    const body = parseBody(accountBody, request.body, reply);
    if (!body) return reply;
    const pages = body.pages ?? [...state.pages.keys()].map((page_id) => ({ page_id, tasks: ['MANAGE', 'MESSAGING'] }));
    const account = { id: body.id ?? numericId(15), name: body.name, pages };
    state.accounts.set(account.id, account);
    return reply.code(201).send(account);
  });

  app.get<{ Params: { page_id: string } }>('/pages/:page_id/profile', async (request, reply) => {
    const page = state.pages.get(request.params.page_id);
    if (!page) return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no page ${request.params.page_id}`);
    return page.profile;
  });

  app.get('/clock', async () => ({ now: ctx.clock.now() }));

  app.post('/clock', async (request, reply) => {
    const body = parseBody(z.object({ advance_ms: z.number().int().nonnegative() }), request.body, reply);
    if (!body) return reply;
    const now = ctx.clock.advance(body.advance_ms);
    // Open chat pages learn that windows may have closed (control-stream-routes.ts).
    state.bus.emit('clock', now);
    return { now };
  });

  app.post('/reset', async () => {
    // The clock first: the seed's tokens are issued at the time it is back to, not at the time the reset undoes.
    ctx.clock.reset();
    loadSeedIntoState(state, ctx.seed, ctx.clock);
    ctx.dispatcher.clear();
    ctx.graphCalls.clear();
    ctx.faults.clear();
    state.bus.emit('reset');
    return { ok: true };
  });
};
