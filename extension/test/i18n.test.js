import assert from 'node:assert/strict';
import { test } from 'node:test';

import { messageKeys, pickLang, t } from '../src/i18n.js';

test('Dutch and English define the same messages', () => {
  assert.deepEqual(messageKeys('en').sort(), messageKeys('nl').sort());
});

test('placeholders are filled; Dutch is the default language', () => {
  assert.equal(t('nl', 'article', { label: '3.4' }), 'Artikel 3.4');
  assert.equal(t('en', 'article', { label: '3.4' }), 'Article 3.4');
  assert.equal(t(undefined, 'hold'), 'Niet plaatsen');
  assert.equal(t('fr', 'hold'), 'Niet plaatsen');
  assert.equal(pickLang('en'), 'en');
});

test('an unknown key is an error, not an empty string', () => {
  assert.throws(() => t('nl', 'noSuchKey'), /unknown message key/);
});
