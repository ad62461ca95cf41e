import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkingView, emptyView, isGreen, viewFromResult } from '../src/verdict.js';
import { cleanPublish, faceHold, phoneHold, publishWithNotice, SVOK_III_A_3 } from './fixtures.js';

const ok = (data) => ({ ok: true, data });
const fail = (kind, extra = {}) => ({ ok: false, error: { kind, ...extra } });

test('a phone number: red, in Dutch, with the article quoted', () => {
  const v = viewFromResult(ok(phoneHold()));
  assert.equal(v.state, 'hold');
  assert.equal(v.tone, 'red');
  assert.equal(v.title, 'Niet plaatsen');
  assert.equal(v.policy, 'Gedragscode Social Media SVOK');
  assert.deepEqual(v.items, [
    {
      title: 'Telefoonnummer',
      where: 'gevonden: “06-12345678”',
      advice: 'Haal dit uit de tekst.',
      articles: [{ label: 'Artikel III.A.3', text: SVOK_III_A_3 }],
    },
  ]);
  assert.equal(v.postId, 'p-123');
  assert.deepEqual(v.holdFindingIds, ['f1']);
});

test('English when asked for; article text stays as the code says it', () => {
  const v = viewFromResult(ok(phoneHold()), { lang: 'en' });
  assert.equal(v.title, 'Do not post');
  assert.equal(v.items[0].title, 'Phone number');
  assert.equal(v.items[0].articles[0].label, 'Article III.A.3');
  assert.equal(v.items[0].articles[0].text, SVOK_III_A_3);
});

test('a face names the photo it is in', () => {
  const v = viewFromResult(ok(faceHold()), { imageCount: 2 });
  assert.equal(v.items[0].where, 'in foto 2');
  assert.deepEqual(v.notes, ['2 foto(’s) meegecontroleerd.']);
});

test('a clean text: green', () => {
  const v = viewFromResult(ok(cleanPublish()));
  assert.equal(v.state, 'publish');
  assert.equal(v.tone, 'green');
  assert.equal(v.title, 'Kan geplaatst worden');
  assert.deepEqual(v.items, []);
});

test('notices are shown but stay green', () => {
  const v = viewFromResult(ok(publishWithNotice()));
  assert.equal(v.tone, 'green');
  assert.equal(v.notices.length, 1);
  assert.equal(v.notices[0].title, 'Telefoonnummer');
});

test('publish with a photo that could not be checked is not green', () => {
  const v = viewFromResult(ok(cleanPublish()), { uncheckedImages: [{ name: 'a.heic', why: 'unreadable' }] });
  assert.equal(v.state, 'incomplete');
  assert.equal(v.tone, 'grey');
  assert.match(v.notes[0], /a\.heic/);
});

test('"publish" with a blocking finding is treated as a hold', () => {
  const d = phoneHold();
  d.action = 'publish';
  const v = viewFromResult(ok(d));
  assert.equal(v.state, 'hold');
  assert.equal(v.tone, 'red');
});

const ERRORS = [
  // result, state, title
  [fail('unreachable'), 'unreachable', 'Controledienst onbereikbaar'],
  [fail('starting', { status: 503 }), 'unreachable', 'Controledienst start nog op'],
  [fail('not_configured'), 'not_configured', 'Extensie niet ingesteld'],
  [fail('no_permission'), 'no_permission', 'Geen toegang tot de controledienst'],
  [fail('auth', { status: 401 }), 'error', 'Sleutel geweigerd'],
  [fail('bad_response'), 'error', 'Controle mislukt'],
  [fail('something new'), 'error', 'Controle mislukt'],
  [undefined, 'error', 'Controle mislukt'],
];

for (const [result, state, title] of ERRORS) {
  test(`error ${result?.error?.kind ?? 'none'}: ${title}, grey`, () => {
    const v = viewFromResult(result);
    assert.equal(v.state, state);
    assert.equal(v.title, title);
    assert.equal(v.tone, 'grey');
    assert.equal(isGreen(v), false);
  });
}

test('the service’s own explanation of a refused draft is shown', () => {
  const v = viewFromResult(fail('rejected', { status: 422, message: { nl: 'Tekst te lang.', en: 'Text too long.' } }), { lang: 'en' });
  assert.equal(v.detail, 'Text too long.');
});

test('green only for a clean, complete publish — never for any other result', () => {
  const results = [
    ok(phoneHold()),
    ok(faceHold()),
    ...ERRORS.map(([r]) => r),
    fail('rejected'),
    ok({ ...cleanPublish(), action: 'maybe' }),
  ];
  for (const r of results) {
    for (const lang of ['nl', 'en']) assert.equal(isGreen(viewFromResult(r, { lang })), false, String(JSON.stringify(r)).slice(0, 80));
  }
  assert.equal(isGreen(viewFromResult(ok(cleanPublish()))), true);
  assert.equal(isGreen(emptyView('nl')), false);
  assert.equal(isGreen(checkingView('nl')), false);
});
