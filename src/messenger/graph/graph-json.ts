/** Small readers for Graph's JSON bodies, which are `unknown` until checked. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer, also when Graph sends it as a numeric string (ids and codes vary between endpoints). */
export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** A finite number, also from a numeric string. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A string id; Graph sends some ids (app ids in particular) as JSON numbers. */
export function toId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A string, or undefined for anything else. */
export function toStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
