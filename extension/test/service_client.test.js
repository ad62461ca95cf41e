import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isDecision, precheck, precheckBody, recordOverride, testConnection } from '../src/service_client.js';
import { cleanPublish, phoneHold } from './fixtures.js';

const SETTINGS = { serviceUrl: 'https://controle.school.nl/api', apiKey: 'sk-test', lang: 'nl', extraSites: [] };

function jsonResponse(status, body) {
  return {
    ok: status >= 200 && status < 300,
    status,
    json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
  };
}

/** A fetch that records its calls and answers with `reply(url, init)`. */
function fakeFetch(reply) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init, body: init.body ? JSON.parse(init.body) : undefined });
    return reply(url, init);
  };
  fn.calls = calls;
  return fn;
}

test('precheck posts the draft as JSON with the key, and returns the decision', async () => {
  const fetch = fakeFetch(() => jsonResponse(200, phoneHold()));
  const images = [{ name: 'a.jpg', data: 'AAAA' }];
  const r = await precheck(SETTINGS, { text: 'Bel 06-12345678', channel: 'x', images }, fetch);
  assert.equal(r.ok, true);
  assert.equal(r.data.action, 'hold');
  const [call] = fetch.calls;
  assert.equal(call.url, 'https://controle.school.nl/api/v1/precheck');
  assert.equal(call.init.method, 'POST');
  assert.equal(call.init.headers.Authorization, 'Bearer sk-test');
  assert.equal(call.init.headers['Content-Type'], 'application/json');
  assert.equal(call.init.credentials, 'omit');
  assert.deepEqual(call.body, {
    text: 'Bel 06-12345678',
    channel: 'x',
    publish_on: null,
    policy: null,
    lang: 'nl',
    images: [{ name: 'a.jpg', data: 'AAAA' }],
  });
});

test('at most four photos go to the service', () => {
  const images = Array.from({ length: 6 }, (_, i) => ({ name: `${i}.jpg`, data: 'AA', extra: 1 }));
  const body = precheckBody({ text: 't', channel: 'instagram', images, lang: 'en' });
  assert.equal(body.images.length, 4);
  assert.deepEqual(body.images[0], { name: '0.jpg', data: 'AA' });
  assert.equal(body.lang, 'en');
});

const STATUS_CASES = [
  // status, body, expected kind
  [401, { error: { code: 'E301', message: 'Sleutel ongeldig', nl: 'Sleutel ongeldig', en: 'Invalid key' } }, 'auth'],
  [403, { error: { code: 'E302', nl: 'Geen rol', en: 'No role' } }, 'auth'],
  [413, { error: { code: 'E003', nl: 'Tekst te lang', en: 'Text too long' } }, 'rejected'],
  [422, 'not json', 'rejected'],
  [500, {}, 'unreachable'],
  [502, 'not json', 'unreachable'],
  [503, { status: 'starting' }, 'starting'],
];

for (const [status, body, kind] of STATUS_CASES) {
  test(`HTTP ${status} -> ${kind}`, async () => {
    const r = await precheck(SETTINGS, { text: 't', channel: 'instagram' }, fakeFetch(() => jsonResponse(status, body)));
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, kind);
    assert.equal(r.error.status, status);
    if (typeof body === 'object' && body.error) assert.equal(r.error.message.en, body.error.en);
  });
}

test('a refused connection is "unreachable", never an exception', async () => {
  const r = await precheck(SETTINGS, { text: 't', channel: 'instagram' }, async () => {
    throw new TypeError('Failed to fetch');
  });
  assert.deepEqual(r, { ok: false, error: { kind: 'unreachable' } });
});

test('a service that never answers is aborted and reported unreachable', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let signal;
  const pending = precheck(SETTINGS, { text: 't', channel: 'instagram' }, (url, init) => {
    signal = init.signal;
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  });
  t.mock.timers.tick(30000);
  const r = await pending;
  assert.equal(signal.aborted, true);
  assert.deepEqual(r, { ok: false, error: { kind: 'unreachable' } });
});

test('an answer that is not a decision is an error, not a verdict', async () => {
  for (const body of [{}, { action: 'publish' }, { ...cleanPublish(), schema: 'other/1' }, 'not json']) {
    const r = await precheck(SETTINGS, { text: 't', channel: 'instagram' }, fakeFetch(() => jsonResponse(200, body)));
    assert.equal(r.ok, false, JSON.stringify(body));
    assert.equal(r.error.kind, 'bad_response');
  }
  assert.equal(isDecision(cleanPublish()), true);
  assert.equal(isDecision(null), false);
});

test('nothing is sent without an address and a key', async () => {
  const fetch = fakeFetch(() => jsonResponse(200, cleanPublish()));
  const r = await precheck({ ...SETTINGS, apiKey: '' }, { text: 't', channel: 'instagram' }, fetch);
  assert.deepEqual(r, { ok: false, error: { kind: 'not_configured' } });
  assert.equal(fetch.calls.length, 0);
});

test('an override is posted with post id, finding ids, reason and officer', async () => {
  const fetch = fakeFetch(() => jsonResponse(201, { id: 'o1', post_id: 'p-123' }));
  const r = await recordOverride(SETTINGS, { postId: 'p-123', findingIds: ['f1'], reason: 'Ouders gaven toestemming', officer: '' }, fetch);
  assert.equal(r.ok, true);
  assert.equal(fetch.calls[0].url, 'https://controle.school.nl/api/v1/overrides');
  assert.deepEqual(fetch.calls[0].body, { post_id: 'p-123', finding_ids: ['f1'], reason: 'Ouders gaven toestemming', officer: null });
});

test('an override the service does not confirm is not recorded', async () => {
  const r404 = await recordOverride(SETTINGS, { postId: 'gone', findingIds: ['f1'], reason: 'xxxxxxxxxxxx' }, fakeFetch(() => jsonResponse(404, { error: { code: 'E404', nl: 'Onbekend', en: 'Unknown' } })));
  assert.equal(r404.error.kind, 'rejected');
  const odd = await recordOverride(SETTINGS, { postId: 'p', findingIds: ['f1'], reason: 'xxxxxxxxxxxx' }, fakeFetch(() => jsonResponse(201, {})));
  assert.equal(odd.error.kind, 'bad_response');
});

test('the connection test lists the policies with the key', async () => {
  const fetch = fakeFetch(() => jsonResponse(200, []));
  const r = await testConnection(SETTINGS, fetch);
  assert.equal(r.ok, true);
  assert.equal(fetch.calls[0].url, 'https://controle.school.nl/api/v1/policies');
  assert.equal(fetch.calls[0].init.method, 'GET');
  assert.equal(fetch.calls[0].init.body, undefined);
});
