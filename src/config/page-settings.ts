import { z } from 'zod';
import { checkBusinessHours } from '../conversations/policy/business-hours.ts';

/**
 * Opening hours of a page: a time zone and, per weekday, "HH:MM-HH:MM" ranges. Checked whole (a known time zone, real
 * times): hours that pass here never make a turn fail later.
 */
export const businessHoursSchema = z
  .object({
    time_zone: z.string().describe('IANA time zone, e.g. Europe/Paris'),
    days: z.partialRecord(
      z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
      z.array(z.string().regex(/^\d\d:\d\d-\d\d:\d\d$/, 'use "HH:MM-HH:MM"')),
    ),
  })
  .superRefine((hours, ctx) => {
    const check = checkBusinessHours(hours);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
  });

/** Messenger's limit on a greeting's length (messenger-platform.md §5). */
const MAX_GREETING_CHARACTERS = 160;

/**
 * A greeting's text, at most 160 characters counted as Messenger counts them: by code point, so that an emoji (two
 * UTF-16 units in a JavaScript string) is one character.
 */
export const greetingSchema = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const characters = [...text].length;
    if (characters > MAX_GREETING_CHARACTERS)
      ctx.addIssue({
        code: 'custom',
        message: `has ${characters} characters; Messenger allows at most ${MAX_GREETING_CHARACTERS} (an emoji counts as one)`,
      });
  });

/**
 * Per-page behaviour, stored with the page and editable through the API.
 * Defaults are what a new page gets; the config file and the API override them key by key.
 */
export const pageSettingsSchema = z.object({
  /** When off, the assistant does not answer; the away message is sent once per session. */
  auto_replies: z.boolean().default(true),
  away_message: z.string().default('Thanks for your message! A member of our team will get back to you soon.'),
  /** Sent when the assistant fails (external bot down, model error). */
  fallback_text: z.string().min(1).default('Sorry, something went wrong on our side. A colleague will look into it.'),
  response_delay: z.enum(['instant', 'short', 'medium', 'long']).default('instant'),
  typing_indicators: z.boolean().default(true),
  mark_seen: z.boolean().default(true),
  delay_between_messages_ms: z.number().int().min(0).max(60_000).default(800),
  /** Split long texts into messages of about this many characters; 0 turns it off. */
  readable_length: z.number().int().min(0).max(2000).default(320),
  session_timeout_minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Flow pages: run the welcome action on a person's first message too (not only on Get Started). */
  welcome_on_first_message: z.boolean().default(false),
  escalation_keywords: z.array(z.string()).default([]),
  /** The greeting people see before their first message (synced to the Messenger profile); may use {{user_first_name}}. */
  greeting: greetingSchema.optional(),
  /** Minutes the bot stays quiet after a human answered from Facebook's Page Inbox (a year at most). */
  human_reply_pause_minutes: z
    .number()
    .int()
    .min(0)
    .max(365 * 24 * 60)
    .default(30),
  /** Events one person may send per minute before the surplus is stored but not answered. */
  rate_limit_per_minute: z.number().int().min(1).default(100),
  /** Outgoing Send API calls per second for this page (token bucket). */
  send_rate_per_second: z.number().min(0.1).default(50),
  business_hours: businessHoursSchema.optional(),
});

export type PageSettings = z.infer<typeof pageSettingsSchema>;
export type PageSettingsInput = z.input<typeof pageSettingsSchema>;

export const defaultPageSettings: PageSettings = pageSettingsSchema.parse({});
