import type { EmulatorContext } from './context.ts';
import type { WebhookField } from './platform-constants.ts';
import type { AppRecord } from './state-types.ts';
import { type VerifyResult, verifyWebhook } from './webhook-verify.ts';

/**
 * Sets an app's callback URL the way the App Dashboard does: Facebook first verifies it (GET with
 * hub.challenge, §1.1) and keeps the old settings if that fails.
 */
export async function setAppWebhook(
  ctx: EmulatorContext,
  app: AppRecord,
  input: { url: string; verify_token: string; fields?: WebhookField[] },
): Promise<VerifyResult> {
  const result = await verifyWebhook({
    url: input.url,
    verifyToken: input.verify_token,
    timeoutMs: ctx.options.retry.timeoutMs,
  });
  if (!result.ok) return result;
  app.webhook_url = input.url;
  app.verify_token = input.verify_token;
  app.webhook_verified = true;
  if (input.fields) app.subscribed_fields = input.fields;
  return result;
}

/** Verifies the seeded webhooks at start-up; failures are logged and the URL is kept (see EmulatorOptions). */
export async function verifySeededWebhooks(ctx: EmulatorContext): Promise<void> {
  await Promise.all(
    [...ctx.state.apps.values()].map(async (app) => {
      if (!app.webhook_url || !app.verify_token) return;
      const result = await verifyWebhook({
        url: app.webhook_url,
        verifyToken: app.verify_token,
        timeoutMs: ctx.options.retry.timeoutMs,
      });
      app.webhook_verified = result.ok;
      if (!result.ok)
        ctx.log.warn(
          { appId: app.id, url: app.webhook_url, reason: result.reason },
          'webhook verification failed; events will still be sent',
        );
    }),
  );
}
