import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Seals secrets (app secrets, page tokens) at rest with AES-256-GCM; the key id in each value allows rotation. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** Id of the key new values are sealed with. */
  readonly currentKeyId: string;
  /** The value was sealed with an older key: sealed again, it no longer needs that key. */
  isStale(sealed: string): boolean;
}

const PREFIX = 'sb1';
/** GCM's full authentication tag. */
const TAG_BYTES = 16;

/**
 * `keys` are base64 32-byte keys, newest first. New values use the first; any listed key opens old values,
 * so rotating is: put the new key first, restart (start-up seals every stored secret again), drop the old key. With
 * several processes, every one must know the new key before any seals with it (README, "Configuration").
 */
export function createSecretBox(keys: string[]): SecretBox {
  if (keys.length === 0) throw new Error('SWITCHBOARD_SECRET_KEY: no key given');
  const byId = new Map<string, Buffer>();
  for (const [i, encoded] of keys.entries()) {
    const problem = secretKeyProblem(encoded);
    if (problem) throw new Error(`SWITCHBOARD_SECRET_KEY: key ${i + 1} ${problem}`);
    const key = Buffer.from(encoded, 'base64');
    byId.set(keyIdOf(key), key);
  }
  const [currentKeyId] = byId.keys() as IterableIterator<string>;
  const current = byId.get(currentKeyId as string) as Buffer;
  return {
    currentKeyId: currentKeyId as string,
    isStale: (sealed) => sealed.split('.', 2)[1] !== currentKeyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [PREFIX, currentKeyId, iv.toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [prefix, keyId, iv, body] = sealed.split('.');
      if (prefix !== PREFIX || !keyId || !iv || !body) throw new Error('sealed value is malformed');
      const key = byId.get(keyId);
      if (!key) throw new Error(`sealed with key ${keyId}, which is not in SWITCHBOARD_SECRET_KEY`);
      const data = Buffer.from(body, 'base64url');
      // The whole 16-byte tag, always: GCM would otherwise accept one as short as 4 bytes, far easier to forge.
      if (data.length < TAG_BYTES) throw new Error('sealed value is malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/**
 * Why `encoded` cannot be a key, or undefined: the configuration checks keys with it before any box is made. Never
 * shows the key. Base64 and base64url are both read; any other character would be skipped silently by the decoder.
 */
export function secretKeyProblem(encoded: string): string | undefined {
  const fix = 'generate one with "openssl rand -base64 32"';
  if (encoded === '') return `is empty (a comma too many?); ${fix}`;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return `is not base64; ${fix}`;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes === 32 ? undefined : `is ${bytes} bytes, not 32; ${fix}`;
}

/** Key ids name a key without revealing it: a short hash. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
