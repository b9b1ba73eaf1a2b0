import { describe, expect, it } from 'vitest';
import { isControlHost, printableUrl } from './control-host.ts';

describe('control API host', () => {
  it('answers at the specific address the emulator listens at, and refuses other addresses and names', () => {
    const known = { listenUrl: 'http://192.168.1.5:3100' };
    for (const host of ['192.168.1.5:3100', '192.168.1.5', 'localhost:3100', '127.0.0.1'])
      expect([host, isControlHost(host, known)]).toEqual([host, true]);
    for (const host of ['192.168.1.6:3100', '10.0.0.7', 'devbox:3100', 'evil.example', '[::]:3100'])
      expect([host, isControlHost(host, known)]).toEqual([host, false]);
    expect(isControlHost('[fd00::2]:3100', { listenUrl: 'http://[fd00::2]:3100' })).toBe(true);
    expect(isControlHost('emulator.example.org', { publicUrl: 'https://emulator.example.org/' })).toBe(true);
  });

  it('never answers at a wildcard address, even one it was given', () => {
    expect(isControlHost('0.0.0.0:3100', { listenUrl: 'http://0.0.0.0:3100' })).toBe(false);
    expect(isControlHost('[::]:3100', { listenUrl: 'http://[::]:3100', publicUrl: 'http://[::]:3100' })).toBe(false);
  });

  it('prints localhost for a wildcard or ::1, and a specific address as it is', () => {
    expect(printableUrl('http://[::]:3100')).toBe('http://localhost:3100');
    expect(printableUrl('http://0.0.0.0:3100')).toBe('http://localhost:3100');
    expect(printableUrl('http://[::1]:3100')).toBe('http://localhost:3100');
    expect(printableUrl('http://192.168.1.5:3100')).toBe('http://192.168.1.5:3100');
    expect(printableUrl('http://[fd00::2]:3100')).toBe('http://[fd00::2]:3100');
  });
});
