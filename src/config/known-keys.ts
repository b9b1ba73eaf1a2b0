import type { z } from 'zod';

/**
 * The keys `schema` accepts for the mapping at `path` of `input`, for the "did you mean" hint on an unknown key; []
 * when there is no mapping there. A discriminated union (the assistant's `type`) gives the keys of the branch chosen.
 */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const [head, ...rest] = path;
  const at = (value: unknown, key: PropertyKey) =>
    value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return knownKeysAt(def.innerType, path, input);
    case 'pipe': {
      const keys = knownKeysAt(def.in, path, input);
      return keys.length ? keys : knownKeysAt(def.out, path, input);
    }
    case 'array':
      return head === undefined ? [] : knownKeysAt(def.element, rest, at(input, head));
    case 'object': {
      if (head === undefined) return Object.keys(def.shape);
      const field = def.shape[head as string];
      return field ? knownKeysAt(field, rest, at(input, head)) : [];
    }
    case 'union': {
      const discriminator = 'discriminator' in def ? (def.discriminator as string) : undefined;
      const options = discriminator
        ? def.options.filter((o) => o._zod.propValues?.[discriminator]?.has(at(input, discriminator) as string))
        : def.options;
      for (const option of options) {
        const keys = knownKeysAt(option, path, input);
        if (keys.length) return keys;
      }
      return [];
    }
    default:
      return [];
  }
}
