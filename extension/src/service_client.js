// Talking to the school's screening service (used by the background worker only). The
// fetch function is passed in, so tests use a fake and never touch the network.

import { isConfigured } from './settings.js';

export const PRECHECK_TIMEOUT_MS = 30000;
export const OVERRIDE_TIMEOUT_MS = 15000;
export const MAX_IMAGES = 4;

/**
 * @typedef {{kind: 'not_configured'|'no_permission'|'unreachable'|'starting'|'auth'|
 *   'rejected'|'bad_response', status?: number, code?: string,
 *   message?: {nl: string, en: string}}} ServiceError
 * @typedef {{ok: true, data: any} | {ok: false, error: ServiceError}} ServiceResult
 */

function failure(kind, extra = {}) {
  return { ok: false, error: { kind, ...extra } };
}

async function readError(response) {
  // The service's errors are {"error": {"code", "message", "nl", "en"}}.
  try {
    const body = await response.json();
    const e = body && body.error;
    if (e && typeof e === 'object') {
      const message = { nl: String(e.nl ?? e.message ?? ''), en: String(e.en ?? e.message ?? '') };
      return { code: typeof e.code === 'string' ? e.code : undefined, message };
    }
  } catch {
    // Not JSON: a proxy's error page, say. The status alone has to do.
  }
  return {};
}

/** Maps a non-2xx response to the error the badge can explain. */
async function errorFor(response) {
  const status = response.status;
  const detail = await readError(response);
  if (status === 401 || status === 403) return failure('auth', { status, ...detail });
  if (status === 503) return failure('starting', { status, ...detail });
  if (status >= 500) return failure('unreachable', { status, ...detail });
  return failure('rejected', { status, ...detail });
}

/** Calls `path` on the service with the key; never throws. */
export async function callService(settings, path, { method = 'GET', body, timeoutMs, fetchImpl }) {
  if (!isConfigured(settings)) return failure('not_configured');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetchImpl(`${settings.serviceUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${settings.apiKey}`,
        Accept: 'application/json',
        'Accept-Language': settings.lang,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      // The key is in a header; cookies of the service's web page are not needed.
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch {
    // Network error, refused connection, timeout, CORS refusal: all mean "not checked".
    return failure('unreachable');
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) return errorFor(response);
  try {
    return { ok: true, data: await response.json() };
  } catch {
    return failure('bad_response', { status: response.status });
  }
}

/** Whether a precheck response has the decision shape this extension understands. */
export function isDecision(data) {
  return (
    data !== null &&
    typeof data === 'object' &&
    typeof data.schema === 'string' &&
    data.schema.startsWith('school-post-screening/decision/') &&
    (data.action === 'publish' || data.action === 'hold') &&
    Array.isArray(data.findings) &&
    Array.isArray(data.reasons)
  );
}

/** The JSON body of POST /v1/precheck. */
export function precheckBody({ text, channel, images = [], lang }) {
  return {
    text,
    channel,
    publish_on: null,
    policy: null,
    lang: lang === 'en' ? 'en' : 'nl',
    images: images.slice(0, MAX_IMAGES).map((img) => ({ name: img.name, data: img.data })),
  };
}

/** Screens a draft; a malformed answer is an error, never a verdict. */
export async function precheck(settings, draft, fetchImpl) {
  const result = await callService(settings, '/v1/precheck', {
    method: 'POST',
    body: precheckBody({ ...draft, lang: settings.lang }),
    timeoutMs: PRECHECK_TIMEOUT_MS,
    fetchImpl,
  });
  if (result.ok && !isDecision(result.data)) return failure('bad_response');
  return result;
}

/** Records the reason for posting despite a hold. */
export async function recordOverride(settings, { postId, findingIds, reason, officer }, fetchImpl) {
  const result = await callService(settings, '/v1/overrides', {
    method: 'POST',
    body: {
      post_id: postId,
      finding_ids: findingIds,
      reason,
      officer: officer ? officer : null,
    },
    timeoutMs: OVERRIDE_TIMEOUT_MS,
    fetchImpl,
  });
  if (result.ok && (typeof result.data !== 'object' || result.data === null || !result.data.id)) {
    return failure('bad_response');
  }
  return result;
}

/** Checks the address and the key (options page): any role may list the policies. */
export async function testConnection(settings, fetchImpl) {
  return callService(settings, '/v1/policies', { timeoutMs: OVERRIDE_TIMEOUT_MS, fetchImpl });
}
