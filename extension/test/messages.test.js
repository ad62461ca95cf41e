import assert from 'node:assert/strict';
import { test } from 'node:test';

import { messageHandlers, messageListener } from '../src/messages.js';
import { cleanPublish } from './fixtures.js';
import { fakeExt } from './fake_ext.js';

const SETTINGS = {
  serviceUrl: 'http://127.0.0.1:8765',
  apiKey: 'sk-test',
  lang: 'en',
  extraSites: [{ pattern: 'https://cms.school.nl/*', channel: 'website' }],
};

function recordingFetch(body = cleanPublish()) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, body: JSON.parse(init.body) });
    return { ok: true, status: 200, json: async () => body };
  };
  fn.calls = calls;
  return fn;
}

const DRAFT = { type: 'precheck', text: 'Mooie sportdag!', channel: 'instagram', images: [] };

test('config tells the content script the language and the extra sites, not the key', async () => {
  const h = messageHandlers(fakeExt({ settings: SETTINGS }), recordingFetch());
  const config = await h.config({ type: 'config' });
  assert.deepEqual(config, { lang: 'en', extraSites: SETTINGS.extraSites, configured: true });
  assert.ok(!JSON.stringify(config).includes('sk-test'));
});

test('a draft goes to the configured service when its host is allowed', async () => {
  const fetch = recordingFetch();
  const h = messageHandlers(fakeExt({ settings: SETTINGS, granted: ['http://127.0.0.1/*'] }), fetch);
  const r = await h.precheck(DRAFT);
  assert.equal(r.ok, true);
  assert.equal(r.lang, 'en');
  assert.equal(fetch.calls.length, 1);
  assert.equal(fetch.calls[0].url, 'http://127.0.0.1:8765/v1/precheck');
  assert.equal(fetch.calls[0].body.text, 'Mooie sportdag!');
});

test('without the host permission nothing is sent', async () => {
  const fetch = recordingFetch();
  const h = messageHandlers(fakeExt({ settings: SETTINGS }), fetch);
  const r = await h.precheck(DRAFT);
  assert.deepEqual(r.error, { kind: 'no_permission' });
  assert.equal(fetch.calls.length, 0);
});

test('without settings nothing is sent', async () => {
  const fetch = recordingFetch();
  const h = messageHandlers(fakeExt(), fetch);
  assert.deepEqual((await h.precheck(DRAFT)).error, { kind: 'not_configured' });
  assert.equal((await h.config({})).configured, false);
  assert.equal(fetch.calls.length, 0);
});

const BAD_DRAFTS = [
  { ...DRAFT, text: 5 },
  { ...DRAFT, text: 'x'.repeat(100_001) },
  { ...DRAFT, channel: 'myspace' },
  { ...DRAFT, images: 'a.jpg' },
  { ...DRAFT, images: Array.from({ length: 5 }, () => ({ name: 'a', data: 'AA' })) },
  { ...DRAFT, images: [{ name: 'a', data: 'A'.repeat(3_000_000) }] },
  { ...DRAFT, images: [{ name: 'a' }] },
];

for (const [i, msg] of BAD_DRAFTS.entries()) {
  test(`malformed draft ${i} is refused before anything is sent`, async () => {
    const fetch = recordingFetch();
    const h = messageHandlers(fakeExt({ settings: SETTINGS, granted: ['http://127.0.0.1/*'] }), fetch);
    assert.equal((await h.precheck(msg)).ok, false);
    assert.equal(fetch.calls.length, 0);
  });
}

test('an override needs a reason of 10 characters; a good one is forwarded', async () => {
  const fetch = recordingFetch({ id: 'o1' });
  const h = messageHandlers(fakeExt({ settings: SETTINGS, granted: ['http://127.0.0.1/*'] }), fetch);
  const short = await h.override({ type: 'override', postId: 'p', findingIds: ['f1'], reason: 'te kort' });
  assert.equal(short.ok, false);
  assert.equal(fetch.calls.length, 0);
  const good = await h.override({ type: 'override', postId: 'p', findingIds: ['f1'], reason: '  Ouders gaven toestemming  ', officer: 'Jan' });
  assert.equal(good.ok, true);
  assert.deepEqual(fetch.calls[0].body, { post_id: 'p', finding_ids: ['f1'], reason: 'Ouders gaven toestemming', officer: 'Jan' });
});

test('the listener answers only this extension, only known message types', async () => {
  const ext = fakeExt({ settings: SETTINGS });
  const listener = messageListener(ext, messageHandlers(ext, recordingFetch()));
  const answers = [];
  assert.equal(listener({ type: 'config' }, { id: 'other-extension' }, (a) => answers.push(a)), false);
  assert.equal(listener({ type: 'nope' }, { id: 'ext-id' }, (a) => answers.push(a)), false);
  assert.equal(listener({ type: 'toString' }, { id: 'ext-id' }, (a) => answers.push(a)), false);
  assert.equal(listener(null, { id: 'ext-id' }, (a) => answers.push(a)), false);
  const answered = new Promise((resolve) => {
    assert.equal(listener({ type: 'config' }, { id: 'ext-id' }, resolve), true);
  });
  assert.equal((await answered).lang, 'en');
  assert.deepEqual(answers, []);
});

const CMS_TAB = { id: 'ext-id', url: 'https://cms.school.nl/wp-admin/post.php?post=4' };
const CHOSEN = { selector: 'button.editor-post-publish-button', label: 'Bijwerken' };

test('a publish button chosen on an extra site is stored for that site', async () => {
  const ext = fakeExt({ settings: SETTINGS });
  const h = messageHandlers(ext, recordingFetch());
  const r = await h.publishButton({ type: 'publishButton', button: CHOSEN }, CMS_TAB);
  assert.deepEqual(r, { ok: true, pattern: 'https://cms.school.nl/*' });
  const stored = (await ext.storage.local.get('settings')).settings;
  assert.deepEqual(stored.extraSites, [{ pattern: 'https://cms.school.nl/*', channel: 'website', publishButton: CHOSEN }]);
  assert.equal(stored.apiKey, 'sk-test', 'the rest of the settings is kept');
  assert.deepEqual((await h.config({ type: 'config' })).extraSites[0].publishButton, CHOSEN);
});

test('a publish button is refused from a page that is not an extra site, or when malformed', async () => {
  const ext = fakeExt({ settings: SETTINGS });
  const h = messageHandlers(ext, recordingFetch());
  const elsewhere = await h.publishButton({ type: 'publishButton', button: CHOSEN }, { id: 'ext-id', url: 'https://x.com/home' });
  assert.equal(elsewhere.ok, false);
  const malformed = await h.publishButton({ type: 'publishButton', button: { selector: 3 } }, CMS_TAB);
  assert.equal(malformed.ok, false);
  assert.deepEqual((await ext.storage.local.get('settings')).settings, SETTINGS, 'nothing changed');
});
