import assert from 'node:assert/strict';
import { test } from 'node:test';

import { attach } from '../src/content_main.js';
import { extraSiteRule, PLATFORMS } from '../src/sites.js';
import { allText, build, FakeEvent, FakeWindow, settle } from './fake_dom.js';
import { cleanPublish, phoneHold } from './fixtures.js';

const X = PLATFORMS.find((p) => p.id === 'x');

/**
 * An imitation of X's composer with the extension attached. `answer(msg)` plays the
 * background worker. `posts` counts how often the platform's own Post handler ran.
 */
function setup(answer, { filesBeforeStart = [] } = {}) {
  const win = new FakeWindow('https://x.com/home');
  const doc = win.document;
  doc.body.append(
    build(doc, ['div', { id: 'app' },
      ['div', {}, ['div', { id: 'box', contenteditable: 'true', role: 'textbox', 'data-testid': 'tweetTextarea_0' }]],
      ['button', { id: 'post', 'data-testid': 'tweetButtonInline', type: 'button' }, ['span', { id: 'label' }, 'Post']],
      ['input', { id: 'file', type: 'file' }],
      ['button', { id: 'like', type: 'button' }, 'Like']]),
  );
  doc.getElementById('file').files = filesBeforeStart;
  const posts = [];
  const pageKeys = [];
  // The platform listens at its root, like React does.
  doc.getElementById('app').addEventListener('click', (e) => {
    if (e.target.closest('#post')) posts.push(doc.getElementById('box').textContent);
  });
  doc.addEventListener('keydown', (e) => pageKeys.push(e.key));
  const sent = [];
  const send = async (msg) => {
    sent.push(msg);
    return answer(msg);
  };
  const prepareImage = async (f) => ({ ok: true, image: { name: f.name, data: 'QUJD' } });
  const handle = attach({ win, doc, site: X, lang: 'nl', send, prepareImage });
  const box = doc.getElementById('box');
  const type = async (text) => {
    box.focus();
    box.textContent = text;
    box.dispatchEvent(new FakeEvent('input'));
    win.timers.advance(1000);
    await settle();
  };
  const badge = () => doc.querySelector('[data-school-screening-badge]');
  const badgeStatus = () => badge()?.shadowRoot.querySelector('[role="status"]');
  const dialog = () => doc.querySelector('[data-school-screening-dialog]')?.shadowRoot ?? null;
  return { win, doc, box, posts, pageKeys, sent, handle, type, badge, badgeStatus, dialog, post: doc.getElementById('post') };
}

const service = (msg) => {
  if (msg.type === 'override') return { ok: true, data: { id: 'o1' } };
  return { ok: true, lang: 'nl', data: /06-\d{8}/.test(msg.text) ? phoneHold() : cleanPublish() };
};

test('a clean text turns the badge green and Post goes straight through', async () => {
  const s = setup(service);
  await s.type('Wat een mooie sportdag!');
  assert.equal(s.badgeStatus().getAttribute('data-tone'), 'green');
  s.doc.getElementById('label').click();
  assert.deepEqual(s.posts, ['Wat een mooie sportdag!']);
  assert.equal(s.dialog(), null);
  s.handle.stop();
});

test('a phone number turns the badge red with the article, and Post is stopped', async () => {
  const s = setup(service);
  await s.type('Bel me op 06-12345678');
  const status = s.badgeStatus();
  assert.equal(status.getAttribute('data-tone'), 'red');
  assert.match(allText(status), /Telefoonnummer/);
  assert.match(allText(status), /Artikel III\.A\.3/);
  s.post.click();
  await settle();
  assert.deepEqual(s.posts, [], 'the platform never saw the click');
  assert.match(allText(s.dialog()), /Dit bericht niet plaatsen/);
  // Going back keeps the post unposted.
  s.dialog().querySelector('button.back').click();
  await settle();
  assert.equal(s.dialog(), null);
  assert.deepEqual(s.posts, []);
  s.handle.stop();
});

test('going on after a hold needs a reason, which is recorded before the post goes', async () => {
  const s = setup(service);
  await s.type('Bel me op 06-12345678');
  s.post.click();
  await settle();
  const d = s.dialog();
  const go = d.querySelector('button.go');
  const reason = d.querySelector('textarea');
  assert.equal(go.disabled, true);
  reason.value = 'kort';
  reason.dispatchEvent(new FakeEvent('input'));
  assert.equal(go.disabled, true, 'a short reason is not enough');
  reason.value = 'Schoolnummer, staat ook op de website';
  reason.dispatchEvent(new FakeEvent('input'));
  d.querySelector('#officer').value = 'Jan';
  assert.equal(go.disabled, false);
  go.click();
  await settle();
  const override = s.sent.find((m) => m.type === 'override');
  assert.deepEqual(override, {
    type: 'override',
    postId: 'p-123',
    findingIds: ['f1'],
    reason: 'Schoolnummer, staat ook op de website',
    officer: 'Jan',
  });
  assert.deepEqual(s.posts, ['Bel me op 06-12345678'], 'posted once, after the reason was recorded');
  assert.equal(s.dialog(), null);
  // The same content may now go without asking again.
  s.post.click();
  assert.equal(s.posts.length, 2);
  s.handle.stop();
});

test('when the reason cannot be recorded, the post does not go', async () => {
  const s = setup((msg) =>
    msg.type === 'override'
      ? { ok: false, error: { kind: 'unreachable' } }
      : service(msg),
  );
  await s.type('Bel me op 06-12345678');
  s.post.click();
  await settle();
  const d = s.dialog();
  d.querySelector('textarea').value = 'Toestemming is er echt';
  d.querySelector('textarea').dispatchEvent(new FakeEvent('input'));
  d.querySelector('button.go').click();
  await settle();
  assert.deepEqual(s.posts, []);
  assert.match(allText(d), /kon niet worden vastgelegd.*onbereikbaar/);
  s.handle.stop();
});

test('service unreachable: the badge says so, never green, and Post asks first', async () => {
  const s = setup(() => ({ ok: false, error: { kind: 'unreachable' }, lang: 'nl' }));
  await s.type('Wat een mooie sportdag!');
  const status = s.badgeStatus();
  assert.equal(status.getAttribute('data-state'), 'unreachable');
  assert.notEqual(status.getAttribute('data-tone'), 'green');
  assert.match(allText(status), /onbereikbaar/);
  s.post.click();
  await settle();
  assert.deepEqual(s.posts, []);
  assert.match(allText(s.dialog()), /niet gecontroleerd/);
  s.dialog().querySelector('button.go').click();
  await settle();
  assert.deepEqual(s.posts, ['Wat een mooie sportdag!'], 'an explicit choice lets it go');
  s.handle.stop();
});

test('Post pressed before the check finished waits for it, then lets a clean post go', async () => {
  const s = setup(service);
  s.box.focus();
  s.box.textContent = 'Goed gedaan allemaal';
  s.box.dispatchEvent(new FakeEvent('input'));
  s.post.click();
  assert.deepEqual(s.posts, [], 'not before the check');
  await settle();
  assert.equal(s.sent.filter((m) => m.type === 'precheck').length, 1);
  assert.deepEqual(s.posts, ['Goed gedaan allemaal']);
  s.handle.stop();
});

test('text changed after the check counts as unchecked', async () => {
  const s = setup(service);
  await s.type('Goed gedaan allemaal');
  // The editor changed the text without an input event (e.g. autocomplete).
  s.box.textContent = 'Goed gedaan allemaal, bel 06-12345678';
  s.post.click();
  await settle();
  assert.deepEqual(s.posts, []);
  assert.match(allText(s.dialog()), /Dit bericht niet plaatsen/);
  s.handle.stop();
});

test('Ctrl+Enter on a hold is stopped like the button', async () => {
  const s = setup(service);
  await s.type('Bel me op 06-12345678');
  const ev = new FakeEvent('keydown', { key: 'Enter', ctrlKey: true });
  s.box.dispatchEvent(ev);
  await settle();
  assert.equal(ev.defaultPrevented, true);
  assert.ok(!s.pageKeys.includes('Enter'), 'the platform did not see the shortcut');
  assert.ok(s.dialog(), 'the warning is shown');
  s.handle.stop();
});

test('keys typed in the warning do not reach the platform’s shortcuts', async () => {
  const s = setup(service);
  await s.type('Bel me op 06-12345678');
  s.post.click();
  await settle();
  s.dialog().querySelector('textarea').dispatchEvent(new FakeEvent('keydown', { key: 'n' }));
  assert.deepEqual(s.pageKeys, []);
  s.handle.stop();
});

test('other buttons are left alone', async () => {
  const s = setup(service);
  await s.type('Bel me op 06-12345678');
  const ev = new FakeEvent('click');
  s.doc.getElementById('like').dispatchEvent(ev);
  assert.equal(ev.defaultPrevented, false);
  assert.equal(s.dialog(), null);
  s.handle.stop();
});

test('attached photos go with the text', async () => {
  const s = setup(service);
  const input = s.doc.getElementById('file');
  input.files = [{ name: 'klas.jpg', type: 'image/jpeg' }];
  input.dispatchEvent(new FakeEvent('change'));
  await s.type('Klassenfoto');
  const last = s.sent.filter((m) => m.type === 'precheck').at(-1);
  assert.deepEqual(last.images, [{ name: 'klas.jpg', data: 'QUJD' }]);
  s.handle.stop();
});

test('photos chosen before the script started are picked up, not missed', async () => {
  const s = setup(service, { filesBeforeStart: [{ name: 'vooraf.jpg', type: 'image/jpeg' }] });
  await s.type('Klassenfoto');
  const last = s.sent.filter((m) => m.type === 'precheck').at(-1);
  assert.deepEqual(last.images, [{ name: 'vooraf.jpg', data: 'QUJD' }]);
  s.handle.stop();
});

test('when the composer goes away, so does the badge', async () => {
  const s = setup(service);
  await s.type('Hallo');
  assert.ok(s.badge());
  s.box.parentNode.remove();
  s.win.timers.advance(300);
  await settle();
  assert.equal(s.badge(), null);
  assert.equal(s.handle.controller.view.state, 'empty');
  s.handle.stop();
});

test('stop() removes every listener and the badge', async () => {
  const s = setup(service);
  await s.type('Bel me op 06-12345678');
  s.handle.stop();
  assert.equal(s.badge(), null);
  s.post.click();
  assert.equal(s.posts.length, 1, 'no longer intercepted');
});

// --- a school's own site (issue 16, point 4) ------------------------------------------------

/**
 * A CMS-like page on a site the school added: the editor in the page, the publish button
 * ("Bijwerken") in a header toolbar, far from the editor and outside any form.
 */
function cmsSetup(answer, publishButton) {
  const win = new FakeWindow('https://cms.school.nl/bericht/4');
  const doc = win.document;
  doc.body.append(
    build(doc, ['div', { id: 'app' },
      ['header', {}, ['button', { type: 'button', class: 'editor-post-publish-button', id: 'update' }, 'Bijwerken']],
      ['main', {}, ['div', {}, ['textarea', { id: 'box' }]]]]),
  );
  const published = [];
  doc.getElementById('app').addEventListener('click', (e) => {
    if (e.target.closest('#update')) published.push(doc.getElementById('box').value);
  });
  const sent = [];
  const send = async (msg) => {
    sent.push(msg);
    return answer(msg);
  };
  const site = extraSiteRule({ pattern: 'https://cms.school.nl/*', channel: 'website', publishButton });
  const handle = attach({ win, doc, site, lang: 'nl', send, prepareImage: async () => ({ ok: false }) });
  const box = doc.getElementById('box');
  const type = async (text) => {
    box.focus();
    box.value = text;
    box.dispatchEvent(new FakeEvent('input'));
    win.timers.advance(1000);
    await settle();
  };
  const badgeRoot = () => doc.querySelector('[data-school-screening-badge]')?.shadowRoot ?? null;
  const dialog = () => doc.querySelector('[data-school-screening-dialog]')?.shadowRoot ?? null;
  const picker = () => doc.querySelector('[data-school-screening-picker]')?.shadowRoot ?? null;
  return { win, doc, box, published, sent, handle, type, badgeRoot, dialog, picker, update: doc.getElementById('update') };
}

const cmsService = (msg) => (msg.type === 'publishButton' ? { ok: true, pattern: 'https://cms.school.nl/*' } : service(msg));

test('own site: the officer chooses the publish button in the badge; choosing publishes nothing', async () => {
  const s = cmsSetup(cmsService, undefined);
  s.box.focus();
  assert.match(allText(s.badgeRoot()), /Publiceerknop van deze website: niet gekozen/);
  s.badgeRoot().querySelector('button.pick').click();
  assert.match(allText(s.picker()), /Klik op de knop waarmee u op deze website publiceert/);
  s.update.click();
  await settle();
  assert.deepEqual(s.published, [], 'the pick itself did not publish');
  assert.deepEqual(s.sent.filter((m) => m.type === 'publishButton'), [
    { type: 'publishButton', button: { selector: '#update', label: 'Bijwerken' } },
  ]);
  assert.equal(s.picker(), null);
  assert.match(allText(s.badgeRoot()), /Publiceerknop van deze website: “Bijwerken”/);
  assert.match(allText(s.badgeRoot()), /Andere knop kiezen/);
  // From now on the header button is screened like a platform's Post button.
  await s.type('Bel me op 06-12345678');
  s.update.click();
  await settle();
  assert.deepEqual(s.published, []);
  assert.match(allText(s.dialog()), /Dit bericht niet plaatsen/);
  s.handle.stop();
});

test('own site: a chosen publish button holds a post with a finding and lets a clean one go', async () => {
  const chosen = { selector: 'button.editor-post-publish-button', label: 'Bijwerken' };
  const s = cmsSetup(cmsService, chosen);
  await s.type('Bel me op 06-12345678');
  s.update.click();
  await settle();
  assert.deepEqual(s.published, [], 'held: the site never saw the click');
  s.dialog().querySelector('button.back').click();
  await settle();
  await s.type('Wat een mooie sportdag!');
  s.update.click();
  await settle();
  assert.deepEqual(s.published, ['Wat een mooie sportdag!']);
  s.handle.stop();
});

test('own site without a chosen button: the header button is not recognised (why the choice exists)', async () => {
  const s = cmsSetup(cmsService, undefined);
  await s.type('Bel me op 06-12345678');
  s.update.click();
  await settle();
  assert.deepEqual(s.published, ['Bel me op 06-12345678']);
  s.handle.stop();
});

test('own site: when the choice cannot be saved the badge says so and offers to choose again', async () => {
  const s = cmsSetup((msg) => (msg.type === 'publishButton' ? { ok: false, error: { kind: 'rejected' } } : service(msg)));
  s.box.focus();
  s.badgeRoot().querySelector('button.pick').click();
  s.update.click();
  await settle();
  assert.match(allText(s.badgeRoot()), /kon niet worden bewaard/);
  assert.equal(allText(s.badgeRoot().querySelector('button.pick')), 'Kies de publiceerknop');
  s.handle.stop();
});

test('a platform composer has no publish-button line in its badge', async () => {
  const s = setup(service);
  await s.type('Hallo');
  assert.equal(s.badge().shadowRoot.querySelector('button.pick'), null);
  s.handle.stop();
});
