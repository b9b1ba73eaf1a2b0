/** Platform constants the emulator enforces (messenger-platform.md sections in brackets). */

/** Facebook Page Inbox as a handover "app" (§7). Human replies in the Page Inbox carry this id here. */
export const PAGE_INBOX_APP_ID = '263902037430900';

/** Webhook fields an app can subscribe to for `object: page` (§1.5). */
export const WEBHOOK_FIELDS = [
  'messages',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'message_reactions',
  'message_edits',
  'messaging_postbacks',
  'messaging_optins',
  'messaging_referrals',
  'messaging_handovers',
  'messaging_policy_enforcement',
  'messaging_account_linking',
  'messaging_feedback',
  'messaging_game_plays',
  'standby',
  'feed',
] as const;

export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

/** The page permissions of Facebook Login a Messenger app asks for (§8.1); seeded and created page tokens have all. */
export const PAGE_PERMISSIONS = [
  'pages_messaging',
  'pages_manage_metadata',
  'pages_read_engagement',
  'pages_show_list',
];

/** Current message tags (§3.2); older tags were removed in March 2020. */
export const MESSAGE_TAGS = [
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'HUMAN_AGENT',
] as const;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The standard messaging window (§3.2). */
export const STANDARD_WINDOW_MS = DAY_MS;
/** HUMAN_AGENT replies are allowed this long after the person's last message (§3.2). */
export const HUMAN_AGENT_WINDOW_MS = 7 * DAY_MS;
/** OAuth codes are single use and short-lived, about 10 minutes (§8.2, unconfirmed). */
export const OAUTH_CODE_TTL_MS = 10 * 60 * 1000;
/** Short-lived user token from the code exchange: "about 1–2 hours" (§8.2); we pick 1.5 h. */
export const SHORT_USER_TOKEN_TTL_S = 5400;
/** Long-lived user token from fb_exchange_token, about 60 days (§8.3); the docs' sample value. */
export const LONG_USER_TOKEN_TTL_S = 5_183_944;
/** A Page token obtained with a short-lived user token lasts about an hour (§8.4). */
export const SHORT_PAGE_TOKEN_TTL_S = 3600;
/** Reusable attachment ids expire after 90 days (§3.5). */
export const ATTACHMENT_TTL_MS = 90 * DAY_MS;
/** A person may edit a text they sent for 15 minutes after sending it (Messenger's client enforces it). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/** …and at most five times: `num_edit` never passes 5 (message_edits reference; §2.10). */
export const MAX_EDITS = 5;
/** The typing indicator switches itself off after about 20 s (§3.3, unconfirmed). */
export const TYPING_TIMEOUT_MS = 20_000;
/** The "like" thumbs-up sticker (§2.1). */
export const LIKE_STICKER_ID = '369239263222822';
/** Graph batch requests hold at most 50 sub-requests (§9). */
export const MAX_BATCH_SIZE = 50;
