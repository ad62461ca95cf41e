import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EXTRA_SCRIPT_ID, serial, syncExtraSiteScripts } from '../src/registration.js';
import { fakeExt } from './fake_ext.js';

const sites = (...patterns) => ({ extraSites: patterns.map((pattern) => ({ pattern, channel: 'website' })) });

test('only the extra sites with a granted permission get the content script', async () => {
  const ext = fakeExt({ granted: ['https://cms.school.nl/*'] });
  const got = await syncExtraSiteScripts(ext, sites('https://cms.school.nl/*', 'https://intranet.school.nl/*'));
  assert.deepEqual(got, ['https://cms.school.nl/*']);
  const script = ext.registered.get(EXTRA_SCRIPT_ID);
  assert.deepEqual(script.matches, ['https://cms.school.nl/*']);
  assert.deepEqual(script.js, ['content.js']);
});

test('syncing again replaces the registration; no sites means none', async () => {
  const ext = fakeExt({ granted: ['https://a.nl/*', 'https://b.nl/*'] });
  await syncExtraSiteScripts(ext, sites('https://a.nl/*'));
  await syncExtraSiteScripts(ext, sites('https://a.nl/*', 'https://b.nl/*'));
  assert.deepEqual(ext.registered.get(EXTRA_SCRIPT_ID).matches, ['https://a.nl/*', 'https://b.nl/*']);
  await syncExtraSiteScripts(ext, sites());
  assert.equal(ext.registered.size, 0);
});

test('overlapping syncs run one after another and do not register twice', async () => {
  const ext = fakeExt({ granted: ['https://a.nl/*'] });
  const queue = serial();
  const results = await Promise.allSettled([
    queue(() => syncExtraSiteScripts(ext, sites('https://a.nl/*'))),
    queue(() => syncExtraSiteScripts(ext, sites('https://a.nl/*'))),
    queue(() => syncExtraSiteScripts(ext, sites('https://a.nl/*'))),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
  assert.equal(ext.registered.size, 1);
});

test('a failed task does not stop the queue', async () => {
  const queue = serial();
  const failed = queue(async () => {
    throw new Error('boom');
  });
  await assert.rejects(failed, /boom/);
  assert.equal(await queue(async () => 'next'), 'next');
});
