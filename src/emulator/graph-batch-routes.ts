import type { FastifyPluginAsync } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { tokenFrom } from './graph-auth.ts';
import { invalidParam, isGraphError, sendGraphError } from './graph-errors.ts';
import { graphParams, isRecord, objectParam } from './graph-params.ts';
import { MAX_BATCH_SIZE } from './platform-constants.ts';

interface BatchResult {
  code: number;
  headers?: { name: string; value: string }[];
  body?: string;
}

/** `{result=name:$.a.b}` → the value at that path of the named earlier response. */
function substitute(text: string, named: Map<string, unknown>): string {
  return text.replace(/\{result=([^:}]+):\$\.?([^}]*)\}/g, (match, name: string, path: string) => {
    let value: unknown = named.get(name);
    for (const key of path.split('.').filter(Boolean)) {
      if (Array.isArray(value) && key === '*') value = value.join(',');
      else value = isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    }
    return value === undefined ? match : String(value);
  });
}

const refused = (message: string): BatchResult => ({
  code: 400,
  body: JSON.stringify({ error: { message, type: 'OAuthException', code: 100 } }),
});

function hasToken(url: string, body: string): boolean {
  return /[?&]access_token=/.test(url) || /(^|&)access_token=/.test(body);
}

/**
 * Graph batch requests (messenger-platform.md §9): ≤ 50 sub-requests, each run through the same
 * routes (so validation, faults and the call log apply to each) side by side, results in order, each `body` a
 * JSON string. `depends_on` and `{result=name:$.path}` are supported; a sub-request whose
 * dependency failed gets `null`. `omit_response_on_success` is honoured only when set to true.
 */
export const graphBatchRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app) => {
  app.post('/', async (request, reply) => {
    const params = graphParams(request);
    const batch = objectParam(params, 'batch');
    if (isGraphError(batch)) return sendGraphError(reply, batch);
    if (!Array.isArray(batch) || batch.length === 0)
      return sendGraphError(reply, invalidParam('The parameter batch is required'));
    if (batch.length > MAX_BATCH_SIZE) {
      return sendGraphError(
        reply,
        invalidParam(`Too many requests in batch message. Maximum batch size is ${MAX_BATCH_SIZE}`),
      );
    }
    const batchToken = tokenFrom(request, params);
    const batchProof = typeof params.appsecret_proof === 'string' ? params.appsecret_proof : undefined;
    const includeHeaders = String(params.include_headers ?? 'true') !== 'false';
    const named = new Map<string, unknown>();
    const failed = new Set<string>();
    const run = async (operation: unknown): Promise<BatchResult | null> => {
      if (!isRecord(operation) || typeof operation.relative_url !== 'string') {
        return refused('(#100) Each batch request needs a relative_url');
      }
      const dependsOn = typeof operation.depends_on === 'string' ? operation.depends_on : undefined;
      if (dependsOn && (failed.has(dependsOn) || !named.has(dependsOn))) {
        if (typeof operation.name === 'string') failed.add(operation.name);
        return null;
      }
      const body = substitute(typeof operation.body === 'string' ? operation.body : '', named);
      let url = substitute(operation.relative_url, named)
        .replace(/^\/+/, '')
        .replace(/^v\d+(\.\d+)?\//, '');
      // A sub-request without a token of its own uses the batch's, and the batch's appsecret_proof for it.
      if (batchToken && !hasToken(url, body)) {
        url += `${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(batchToken)}`;
        if (batchProof && !/[?&]appsecret_proof=/.test(url))
          url += `&appsecret_proof=${encodeURIComponent(batchProof)}`;
      }
      // Resolved as the injection would (`..`, `%2e%2e`, backslashes): a path that leaves the Graph API would reach
      // the control API as a call from this machine, past its cross-site and host checks.
      const target = new URL(`/graph/${url}`, 'http://emulator.invalid');
      if (!target.pathname.startsWith('/graph/')) {
        if (typeof operation.name === 'string') failed.add(operation.name);
        return refused('(#100) Unknown path components in relative_url');
      }
      const method = (typeof operation.method === 'string' ? operation.method : 'GET').toUpperCase() as 'GET';
      // The batch's own Host: URLs a sub-request answers (avatars, files) name the address the caller reached.
      const host = request.headers.host ? { host: request.headers.host } : {};
      const response = await app.inject({
        method,
        url: `${target.pathname}${target.search}`,
        headers: body ? { ...host, 'content-type': 'application/x-www-form-urlencoded' } : host,
        ...(body ? { payload: body } : {}),
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (typeof operation.name === 'string') {
        if (ok) named.set(operation.name, safeParse(response.body));
        else failed.add(operation.name);
      }
      const result: BatchResult = { code: response.statusCode };
      if (includeHeaders) result.headers = [{ name: 'Content-Type', value: 'text/javascript; charset=UTF-8' }];
      if (!(ok && operation.omit_response_on_success === true)) result.body = response.body;
      return result;
    };
    // Graph runs independent sub-requests side by side: a batch takes about as long as its slowest request, not their
    // sum. One that depends on another waits for it; one that reads earlier results waits for every earlier request.
    const runs: Promise<BatchResult | null>[] = [];
    const byName = new Map<string, Promise<BatchResult | null>>();
    for (const operation of batch) {
      const dependsOn = isRecord(operation) && typeof operation.depends_on === 'string' ? operation.depends_on : '';
      const readsResults = /\{result=/.test(JSON.stringify(operation));
      // Both when it has both: the result it reads may be another request's than the one it depends on.
      const waits = [byName.get(dependsOn), ...(readsResults ? runs : [])].filter((w) => w !== undefined);
      const running = waits.length > 0 ? Promise.all(waits).then(() => run(operation)) : run(operation);
      runs.push(running);
      if (isRecord(operation) && typeof operation.name === 'string') byName.set(operation.name, running);
    }
    const results = await Promise.all(runs);
    return results;
  });
};

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
