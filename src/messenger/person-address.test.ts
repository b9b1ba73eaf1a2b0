import { describe, expect, it } from 'vitest';
import { guestPersonId, isGuest, personIdOf, recipientOf } from './person-address.ts';

describe('person address', () => {
  it('addresses a PSID by id', () => {
    expect(recipientOf('6021938475610234')).toEqual({ id: '6021938475610234' });
    expect(isGuest('6021938475610234')).toBe(false);
  });

  it('addresses a chat-plugin guest by its user_ref, never by id', () => {
    const guest = guestPersonId('ur_Zk3d9-x');
    expect(isGuest(guest)).toBe(true);
    expect(recipientOf(guest)).toEqual({ user_ref: 'ur_Zk3d9-x' });
  });

  it('gives a guest a person id no PSID can have, even when its user_ref is all digits', () => {
    const guest = guestPersonId('6021938475610234');
    expect(guest).not.toBe('6021938475610234');
    expect(guest).not.toMatch(/^\d+$/);
    expect(recipientOf(guest)).toEqual({ user_ref: '6021938475610234' });
  });

  it('reads the person of a sender or recipient: the id first, else the user_ref as a guest', () => {
    expect(personIdOf({ id: '6021938475610234' })).toBe('6021938475610234');
    expect(personIdOf({ id: 6021938475610234 })).toBe('6021938475610234');
    expect(personIdOf({ user_ref: 'ur_1' })).toBe(guestPersonId('ur_1'));
    expect(personIdOf({ id: '6021938475610234', user_ref: 'ur_1' })).toBe('6021938475610234');
    expect(personIdOf({})).toBeUndefined();
    expect(personIdOf({ user_ref: '' })).toBeUndefined();
    expect(personIdOf(undefined)).toBeUndefined();
  });
});
