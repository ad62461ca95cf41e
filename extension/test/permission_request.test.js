import assert from 'node:assert/strict';
import { test } from 'node:test';

import { requestOrigins } from '../src/permission_request.js';

/** A permissions API whose prompt stays open until the test answers it. */
function promptingExt() {
  const asked = [];
  let answer;
  const ext = {
    permissions: {
      request({ origins }) {
        asked.push(origins);
        return new Promise((resolve, reject) => {
          answer = { resolve, reject };
        });
      },
    },
  };
  return { ext, asked, answer: () => answer };
}

test('while the browser prompt is open, the page is told at once which sites it is about', async () => {
  const { ext, asked, answer } = promptingExt();
  const waiting = [];
  let settled = null;
  const result = requestOrigins(ext, ['http://127.0.0.1/*', 'https://cms.school.nl/*'], new Set(['http://127.0.0.1/*']), (m) =>
    waiting.push(m),
  );
  result.then((v) => {
    settled = v;
  });
  assert.deepEqual(asked, [['http://127.0.0.1/*', 'https://cms.school.nl/*']], 'asked synchronously, in the click');
  assert.deepEqual(waiting, [['https://cms.school.nl/*']]);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, null, 'still waiting for the user');
  answer().resolve(true);
  assert.equal(await result, true);
});

test('nothing is said when the browser already granted every site (no prompt opens)', async () => {
  const waiting = [];
  const ext = { permissions: { request: async () => true } };
  assert.equal(await requestOrigins(ext, ['https://a.nl/*'], new Set(['https://a.nl/*']), (m) => waiting.push(m)), true);
  assert.equal(await requestOrigins(ext, [], new Set(), (m) => waiting.push(m)), true);
  assert.deepEqual(waiting, []);
});

test('a refused, failed or throwing request counts as not granted', async () => {
  const { ext, answer } = promptingExt();
  const refused = requestOrigins(ext, ['https://a.nl/*'], new Set(), () => {});
  answer().resolve(false);
  assert.equal(await refused, false);
  const failed = requestOrigins(ext, ['https://a.nl/*'], new Set(), () => {});
  answer().reject(new Error('A request is already in progress'));
  assert.equal(await failed, false);
  const throwing = { permissions: { request: () => { throw new Error('not in a user gesture'); } } };
  assert.equal(await requestOrigins(throwing, ['https://a.nl/*'], new Set(), () => {}), false);
});
