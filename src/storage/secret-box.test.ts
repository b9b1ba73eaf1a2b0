import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, secretKeyProblem } from './secret-box.ts';

const key = () => randomBytes(32).toString('base64');

describe('secret box', () => {
  it('seals a value that only opens with the key, and never contains the plain text', () => {
    const box = createSecretBox([key()]);
    const sealed = box.seal('EAAB-page-token');
    expect(sealed).not.toContain('EAAB');
    expect(box.open(sealed)).toBe('EAAB-page-token');
    expect(() => createSecretBox([key()]).open(sealed)).toThrow(/not in SWITCHBOARD_SECRET_KEY/);
  });

  it('opens values sealed with an older key after rotation and seals new ones with the newest', () => {
    const [oldKey, newKey] = [key(), key()];
    const sealedBefore = createSecretBox([oldKey]).seal('secret');
    const rotated = createSecretBox([newKey, oldKey]);
    expect(rotated.open(sealedBefore)).toBe('secret');
    expect(rotated.seal('x').split('.')[1]).toBe(rotated.currentKeyId);
  });

  it('refuses a tampered value', () => {
    const box = createSecretBox([key()]);
    const sealed = box.seal('secret');
    // One bit of the ciphertext flipped (editing base64 text could change only its unused bits, or nothing).
    const [prefix, keyId, iv, body] = sealed.split('.');
    const bytes = Buffer.from(body as string, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 1;
    const tampered = [prefix, keyId, iv, bytes.toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow();
  });

  it('refuses a value cut short, whose tag would be under 16 bytes', () => {
    const box = createSecretBox([key()]);
    const [prefix, keyId, iv, body] = box.seal('').split('.');
    // An empty value seals to its 16-byte tag alone; its first 4 bytes would pass for a tag were short ones allowed.
    const short = Buffer.from(body as string, 'base64url')
      .subarray(0, 4)
      .toString('base64url');
    expect(() => box.open([prefix, keyId, iv, short].join('.'))).toThrow();
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => createSecretBox([Buffer.alloc(16).toString('base64')])).toThrow(/16 bytes/);
  });

  it('says what is wrong with a key without showing it', () => {
    const good = key();
    expect(secretKeyProblem(good)).toBeUndefined();
    expect(secretKeyProblem(Buffer.alloc(32, 7).toString('base64url'))).toBeUndefined();
    expect(secretKeyProblem('')).toMatch(/^is empty/);
    // Decoded leniently, this would be 32 bytes: the stray characters would be skipped.
    expect(secretKeyProblem(`${good.slice(0, 20)} ${good.slice(20)}`)).toMatch(/^is not base64/);
    expect(secretKeyProblem(good.slice(0, 20))).toMatch(/^is 15 bytes, not 32/);
    for (const k of ['', `${good} `, good.slice(0, 20)]) expect(secretKeyProblem(k)).not.toContain(good.slice(0, 8));
  });
});
