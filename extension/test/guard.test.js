import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isPostShortcut, postAttemptAction, reasonIsValid } from '../src/guard.js';
import { checkingView, emptyView, viewFromResult } from '../src/verdict.js';
import { cleanPublish, phoneHold } from './fixtures.js';

const hold = viewFromResult({ ok: true, data: phoneHold() });
const publish = viewFromResult({ ok: true, data: cleanPublish() });
const unreachable = viewFromResult({ ok: false, error: { kind: 'unreachable' } });
const notConfigured = viewFromResult({ ok: false, error: { kind: 'not_configured' } });
const incomplete = viewFromResult({ ok: true, data: cleanPublish() }, { uncheckedImages: [{ name: 'x', why: 'unreadable' }] });

const CASES = [
  // view, stale, allowedKey, expected
  [publish, false, null, 'allow'],
  [publish, true, null, 'wait'],
  [checkingView('nl'), false, null, 'wait'],
  [emptyView('nl'), false, null, 'allow'],
  [hold, false, null, 'warn_hold'],
  [hold, true, null, 'wait'],
  [hold, false, 'KEY', 'allow'],
  [hold, false, 'OTHER', 'warn_hold'],
  [unreachable, false, null, 'warn_unchecked'],
  [unreachable, false, 'KEY', 'allow'],
  [notConfigured, false, null, 'warn_unchecked'],
  [incomplete, false, null, 'warn_unchecked'],
];

for (const [view, stale, allowedKey, expected] of CASES) {
  test(`Post on ${view.state}${stale ? ' (stale)' : ''}${allowedKey ? ` allowed=${allowedKey}` : ''} -> ${expected}`, () => {
    assert.equal(postAttemptAction(view, { stale, allowedKey, contentKey: 'KEY' }), expected);
  });
}

test('Ctrl/Cmd+Enter posts; Enter alone does not', () => {
  assert.equal(isPostShortcut({ key: 'Enter', ctrlKey: true }), true);
  assert.equal(isPostShortcut({ key: 'Enter', metaKey: true }), true);
  assert.equal(isPostShortcut({ key: 'Enter' }), false);
  assert.equal(isPostShortcut({ key: 'a', ctrlKey: true }), false);
});

test('a reason needs 10 characters besides surrounding spaces', () => {
  assert.equal(reasonIsValid('Ouders gaven mondeling toestemming'), true);
  assert.equal(reasonIsValid('1234567890'), true);
  assert.equal(reasonIsValid('   123456789   '), false);
  assert.equal(reasonIsValid(''), false);
  assert.equal(reasonIsValid(undefined), false);
});
