/** Types of page-settings.js, for the unit tests (the browser loads the .js as it is). */
export interface SettingField {
  key: string;
  kind: 'check' | 'text' | 'choice' | 'number' | 'list' | 'hours';
  label?: string;
  help?: string;
  optional?: boolean;
  options?: [string, string][];
  min?: number;
  max?: number;
  step?: number;
}
export interface HoursInput {
  time_zone: string;
  days: Record<string, string>;
}
export const DAYS: string[];
export function dayName(day: string): string;
export const SETTING_GROUPS: { title: string; fields: SettingField[] }[];
export function toInput(field: SettingField, value: unknown): string | boolean | HoursInput;
export function fromInput(field: SettingField, input: string | boolean | HoursInput): unknown;
export function settingsChanges(
  current: Record<string, unknown>,
  edited: Record<string, unknown>,
): Record<string, unknown> | undefined;
export function nameSettingIn(message: string): string;
