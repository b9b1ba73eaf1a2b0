import { describe, expect, it } from 'vitest';
import { pageSettingsSchema } from '../config/page-settings.ts';
import {
  fromInput,
  nameSettingIn,
  SETTING_GROUPS,
  type SettingField,
  settingsChanges,
  toInput,
} from './web/page-settings.js';

const field = (key: string) => SETTING_GROUPS.flatMap((g) => g.fields).find((f) => f.key === key) as SettingField;
/** A field's value after a round trip through its input, as the form shows and reads it. */
const roundTrip = (key: string, value: unknown) => fromInput(field(key), toInput(field(key), value));

describe("the inbox's page settings", () => {
  it('has a field for every setting the gateway takes, and for nothing else', () => {
    const keys = SETTING_GROUPS.flatMap((group) => group.fields.map((f) => f.key));
    expect(keys.sort()).toEqual(Object.keys(pageSettingsSchema.shape).sort());
  });

  it('gives back what it was given, through each kind of input', () => {
    const defaults = pageSettingsSchema.parse({});
    for (const [key, value] of Object.entries(defaults)) expect(roundTrip(key, value)).toEqual(value);
    expect(roundTrip('escalation_keywords', ['refund', 'lawyer'])).toEqual(['refund', 'lawyer']);
    expect(roundTrip('greeting', 'Hi {{user_first_name}}!')).toBe('Hi {{user_first_name}}!');
    const hours = { time_zone: 'Europe/Paris', days: { mon: ['09:00-12:00', '14:00-18:00'], sat: ['10:00-13:00'] } };
    expect(roundTrip('business_hours', hours)).toEqual(hours);
  });

  it('reads what an admin types: lines, spaces, empty optional fields, numbers as numbers', () => {
    expect(fromInput(field('escalation_keywords'), ' refund \n\n lawyer')).toEqual(['refund', 'lawyer']);
    expect(fromInput(field('delay_between_messages_ms'), '250')).toBe(250);
    expect(fromInput(field('send_rate_per_second'), '0.5')).toBe(0.5);
    // Left as typed, for the gateway to say what it expects.
    expect(fromInput(field('rate_limit_per_minute'), 'lots')).toBe('lots');
    expect(fromInput(field('greeting'), '  ')).toBeUndefined();
    expect(fromInput(field('away_message'), '')).toBe('');
    const hours = { time_zone: ' Europe/Paris ', days: { mon: '09:00 - 12:00,14:00-18:00', tue: ' ' } };
    expect(fromInput(field('business_hours'), hours)).toEqual({
      time_zone: 'Europe/Paris',
      days: { mon: ['09:00-12:00', '14:00-18:00'] },
    });
    expect(fromInput(field('business_hours'), { time_zone: '', days: { mon: '' } })).toBeUndefined();
  });

  it('sends only what changed, and an optional setting emptied as null', () => {
    const current = {
      auto_replies: true,
      greeting: 'Hello',
      business_hours: { days: { mon: ['09:00-17:00'] }, time_zone: 'UTC' },
    };
    const unchanged = {
      auto_replies: true,
      greeting: 'Hello',
      business_hours: { time_zone: 'UTC', days: { mon: ['09:00-17:00'] } },
    };
    expect(settingsChanges(current, unchanged)).toBeUndefined();
    expect(settingsChanges(current, { ...unchanged, auto_replies: false, greeting: undefined })).toEqual({
      auto_replies: false,
      greeting: null,
    });
    expect(settingsChanges({}, { greeting: undefined })).toBeUndefined();
  });

  it("names a refused setting as the form does, not by the API's key", () => {
    expect(nameSettingIn('business_hours: unknown time zone "Mars"')).toBe('Business hours: unknown time zone "Mars"');
    expect(nameSettingIn('rate_limit_per_minute: expected number')).toBe(
      'Messages a person may send per minute: expected number',
    );
    expect(nameSettingIn('escalation_keywords.2: expected string')).toBe(
      'Words that flag a conversation for the team (2): expected string',
    );
    expect(nameSettingIn('the gateway is busy')).toBe('the gateway is busy');
  });
});
