import type { FastifyRequest } from 'fastify';
import { type GraphError, invalidParam } from './graph-errors.ts';

/** Graph parameters: the query string merged with the body (JSON, form or multipart fields). */
export type GraphParams = Record<string, unknown>;

const multipartFields = new WeakMap<FastifyRequest, GraphParams>();

/** Multipart handlers store the text fields they read, so params and the call log see them. */
export function setMultipartFields(request: FastifyRequest, fields: GraphParams): void {
  multipartFields.set(request, fields);
}

export function graphParams(request: FastifyRequest): GraphParams {
  const query = (request.query ?? {}) as GraphParams;
  const body = multipartFields.get(request) ?? request.body;
  const fromBody = body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as GraphParams) : {};
  return { ...query, ...fromBody };
}

/** The body as the call log records it. */
export function recordedBody(request: FastifyRequest): unknown {
  return multipartFields.get(request) ?? request.body;
}

/**
 * A parameter that holds an object or array. Form and query encodings carry it as a JSON string
 * (messenger-platform.md §0), JSON bodies as the value itself.
 */
export function objectParam(params: GraphParams, name: string): unknown | GraphError {
  const value = params[name];
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalidParam(`param ${name} must be a valid JSON object`);
  }
}

/** A list parameter given as an array, a JSON array string or a comma-separated string. */
export function listParam(params: GraphParams, name: string): string[] | undefined {
  const value = params[name];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return undefined;
    }
  }
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export function stringParam(params: GraphParams, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
