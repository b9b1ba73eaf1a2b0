import { describe, expect, it } from 'vitest';
import { isControlHost, printableUrl } from './control-host.ts';

const LOCAL = '127.0.0.1';

describe('control API host', () => {
  it('answers at the specific address the emulator listens at, and refuses other addresses and names', () => {
    const known = { listenUrl: 'http://192.168.1.5:3100' };
    for (const host of ['192.168.1.5:3100', '192.168.1.5', 'localhost:3100', '127.0.0.1'])
      expect([host, isControlHost(host, LOCAL, known)]).toEqual([host, true]);
    for (const host of ['192.168.1.6:3100', '10.0.0.7', 'devbox:3100', 'evil.example', '[::]:3100'])
      expect([host, isControlHost(host, LOCAL, known)]).toEqual([host, false]);
    expect(isControlHost('[fd00::2]:3100', '192.168.1.9', { listenUrl: 'http://[fd00::2]:3100' })).toBe(true);
    expect(isControlHost('emulator.example.org', '192.168.1.9', { publicUrl: 'https://emulator.example.org/' })).toBe(
      true,
    );
  });

  it('believes localhost and loopback addresses only from this machine: anyone can send that Host header', () => {
    for (const remote of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
      expect([remote, isControlHost('localhost:3100', remote, {})]).toEqual([remote, true]);
    for (const remote of ['192.0.2.2', '::ffff:192.0.2.2', 'fd00::9', undefined]) {
      expect([remote, isControlHost('localhost:3100', remote, {})]).toEqual([remote, false]);
      expect([remote, isControlHost('127.0.0.1:3100', remote, {})]).toEqual([remote, false]);
    }
  });

  it('believes a loopback address it listens at only from this machine (on every interface it prints one)', () => {
    for (const listenUrl of ['http://127.0.0.1:3100', 'http://localhost:3100']) {
      expect(isControlHost('127.0.0.1:3100', '192.0.2.2', { listenUrl })).toBe(false);
      expect(isControlHost('localhost:3100', '192.0.2.2', { listenUrl })).toBe(false);
      expect(isControlHost('127.0.0.1:3100', LOCAL, { listenUrl })).toBe(true);
    }
  });

  it('answers at localhost from elsewhere when the operator named it as the public URL (Docker port mapping)', () => {
    expect(isControlHost('localhost:3100', '172.17.0.1', { publicUrl: 'http://localhost:3100' })).toBe(true);
    expect(isControlHost('localhost:3100', '172.17.0.1', {})).toBe(false);
  });

  it('never answers at a wildcard address, even one it was given', () => {
    expect(isControlHost('0.0.0.0:3100', LOCAL, { listenUrl: 'http://0.0.0.0:3100' })).toBe(false);
    expect(isControlHost('[::]:3100', LOCAL, { listenUrl: 'http://[::]:3100', publicUrl: 'http://[::]:3100' })).toBe(
      false,
    );
  });

  it('prints localhost for a wildcard or ::1, and a specific address as it is', () => {
    expect(printableUrl('http://[::]:3100')).toBe('http://localhost:3100');
    expect(printableUrl('http://0.0.0.0:3100')).toBe('http://localhost:3100');
    expect(printableUrl('http://[::1]:3100')).toBe('http://localhost:3100');
    // Fastify answers the first address of those it listens at.
    expect(printableUrl('http://127.0.0.1:3100', '0.0.0.0')).toBe('http://localhost:3100');
    expect(printableUrl('http://127.0.0.1:3100', '127.0.0.1')).toBe('http://127.0.0.1:3100');
    expect(printableUrl('http://192.168.1.5:3100')).toBe('http://192.168.1.5:3100');
    expect(printableUrl('http://[fd00::2]:3100')).toBe('http://[fd00::2]:3100');
  });
});
