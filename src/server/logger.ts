import pino, { type Logger } from 'pino';

/** Paths never written to logs, at any depth we log (tokens, secrets, passwords, signatures). */
const REDACT = [
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'app_secret',
  '*.app_secret',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  // The raw bytes of a request Node could not parse, headers and all, which Fastify logs at trace.
  'err.rawPacket',
];

/** The process logger: JSON lines on stdout (or `destination`), secrets redacted. */
export function createLogger(level: string, destination?: { write(line: string): void }): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'switchboard' } };
  return destination ? pino(options, destination) : pino(options);
}
