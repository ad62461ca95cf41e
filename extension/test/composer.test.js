import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  buttonFrom,
  composeBoxFor,
  editableRoot,
  findComposeBoxes,
  findPostButton,
  isPostButton,
  readText,
} from '../src/composer.js';
import { extraSiteRule, PLATFORMS } from '../src/sites.js';
import { build, FakeWindow } from './fake_dom.js';

const rule = (id) => PLATFORMS.find((p) => p.id === id);
const GENERIC = extraSiteRule({ pattern: 'https://cms.school.nl/*', channel: 'website' });

/** A page built from `spec`, returning a lookup of elements by their data-t attribute. */
function page(spec) {
  const win = new FakeWindow();
  const doc = win.document;
  doc.body.append(build(doc, spec));
  const byT = (name) => doc.querySelector(`[data-t="${name}"]`);
  return { doc, byT };
}

// Each case: a page, the platform rules, which elements must be found as compose boxes.
const DETECTION = [
  {
    name: 'Instagram caption box in the create-post dialog',
    site: rule('instagram'),
    spec: ['div', {}, ['div', { role: 'dialog' },
      ['div', { 'data-t': 'box', contenteditable: 'true', role: 'textbox', 'aria-label': 'Write a caption...' }, ['p', {}, 'Hoi']]],
      ['textarea', { 'data-t': 'comment', 'aria-label': 'Add a comment…' }]],
    found: ['box'],
  },
  {
    name: 'Instagram in Dutch',
    site: rule('instagram'),
    spec: ['div', {}, ['div', { 'data-t': 'box', contenteditable: 'true', 'aria-label': 'Schrijf een bijschrift...' }]],
    found: ['box'],
  },
  {
    name: 'Instagram direct message box does not count',
    site: rule('instagram'),
    spec: ['div', {}, ['div', { 'data-t': 'dm', contenteditable: 'true', role: 'textbox', 'aria-label': 'Message' }]],
    found: [],
  },
  {
    name: 'Facebook post composer (dialog), not the comment box in the feed',
    site: rule('facebook'),
    spec: ['div', {},
      ['div', { 'data-t': 'comment', contenteditable: 'true', role: 'textbox', 'aria-label': 'Schrijf een opmerking' }],
      ['div', { role: 'dialog' },
        ['div', { 'data-t': 'box', contenteditable: 'true', role: 'textbox', 'aria-label': 'Wat wil je delen?' }]]],
    found: ['box'],
  },
  {
    name: 'LinkedIn share box (Quill editor)',
    site: rule('linkedin'),
    spec: ['div', { role: 'dialog' }, ['div', { 'data-t': 'box', class: 'ql-editor ql-blank', contenteditable: 'true' }, ['p', {}, '']]],
    found: ['box'],
  },
  {
    name: 'X inline composer and the reply composer',
    site: rule('x'),
    spec: ['div', {},
      ['div', { 'data-t': 'box', contenteditable: 'true', role: 'textbox', 'data-testid': 'tweetTextarea_0' }],
      ['div', { 'data-t': 'box2', contenteditable: 'true', role: 'textbox', 'data-testid': 'tweetTextarea_1' }],
      ['input', { 'data-t': 'search', 'data-testid': 'SearchBox_Search_Input' }]],
    found: ['box', 'box2'],
  },
  {
    name: 'extra site: textarea and contenteditable; not inputs, hidden or read-only boxes',
    site: GENERIC,
    spec: ['form', {},
      ['textarea', { 'data-t': 'box' }],
      ['div', { 'data-t': 'rich', contenteditable: '' }, ['b', { 'data-t': 'inner' }, 'vet']],
      ['input', { 'data-t': 'search', type: 'text' }],
      ['textarea', { 'data-t': 'ro', readonly: '' }],
      ['textarea', { 'data-t': 'hidden' }],
      ['div', { contenteditable: 'false' }, ['span', {}, 'x']]],
    hidden: ['hidden'],
    found: ['box', 'rich'],
  },
];

for (const c of DETECTION) {
  test(`detects: ${c.name}`, () => {
    const { doc, byT } = page(c.spec);
    for (const h of c.hidden ?? []) byT(h).rect = { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 };
    const found = findComposeBoxes(doc, c.site).map((el) => el.getAttribute('data-t'));
    assert.deepEqual(found, c.found);
  });
}

test('a node inside a contenteditable belongs to the outermost editable box', () => {
  const { byT } = page(['div', { 'data-t': 'rich', contenteditable: 'true' }, ['p', {}, ['b', { 'data-t': 'inner' }, 'x']]]);
  assert.equal(editableRoot(byT('inner')), byT('rich'));
  assert.equal(composeBoxFor(byT('inner').childNodes[0], GENERIC), byT('rich'));
  assert.equal(composeBoxFor(byT('inner'), rule('x')), null);
});

test('readText takes a textarea value or the editor text, without editor padding', () => {
  const { byT } = page(['div', {}, ['textarea', { 'data-t': 'ta' }], ['div', { 'data-t': 'ce', contenteditable: 'true' }, 'Bel\u00a006\u200b-12345678']]);
  byT('ta').value = 'Hallo klas 5';
  assert.equal(readText(byT('ta')), 'Hallo klas 5');
  assert.equal(readText(byT('ce')), 'Bel 06-12345678');
});

// Each case: page, rules, box, button, whether pressing it posts that box.
const POST_BUTTONS = [
  {
    name: 'Instagram Share in the same dialog',
    site: rule('instagram'),
    spec: ['div', {}, ['div', { role: 'dialog' },
      ['div', {}, ['div', { role: 'button', 'data-t': 'share' }, 'Share']],
      ['div', { 'data-t': 'box', contenteditable: 'true', 'aria-label': 'Write a caption...' }]],
      ['div', { role: 'button', 'data-t': 'behind' }, 'Share']],
    cases: [['share', true], ['behind', false]],
  },
  {
    name: 'Facebook Plaatsen by aria-label; Annuleren is not posting',
    site: rule('facebook'),
    spec: ['div', { role: 'dialog' },
      ['div', { 'data-t': 'box', contenteditable: 'true', role: 'textbox' }],
      ['div', { role: 'button', 'aria-label': 'Plaatsen', 'data-t': 'post' }, ['span', { 'data-t': 'label' }, 'Plaatsen']],
      ['div', { role: 'button', 'aria-label': 'Annuleren', 'data-t': 'cancel' }]],
    cases: [['post', true], ['cancel', false]],
  },
  {
    name: 'LinkedIn primary action; a disabled one does nothing',
    site: rule('linkedin'),
    spec: ['div', { role: 'dialog' },
      ['div', { 'data-t': 'box', class: 'ql-editor', contenteditable: 'true' }],
      ['button', { class: 'share-actions__primary-action artdeco-button', 'data-t': 'post' }, 'Post'],
      ['button', { class: 'share-actions__primary-action', disabled: '', 'data-t': 'off' }, 'Post']],
    cases: [['post', true], ['off', false]],
  },
  {
    name: 'X tweet button by test id, far from the box; other buttons are not',
    site: rule('x'),
    spec: ['div', {},
      ['div', {}, ['div', {}, ['div', { 'data-t': 'box', contenteditable: 'true', 'data-testid': 'tweetTextarea_0' }]]],
      ['div', {}, ['button', { 'data-testid': 'tweetButtonInline', 'data-t': 'post' }, ['span', {}, 'Post']]],
      ['button', { 'data-testid': 'like', 'data-t': 'like' }, 'Like']],
    cases: [['post', true], ['like', false]],
  },
  {
    name: 'extra site: submit of the same form posts, a submit of another form does not',
    site: GENERIC,
    spec: ['div', {},
      ['form', {}, ['textarea', { 'data-t': 'box' }], ['button', { 'data-t': 'save' }, 'Opslaan'],
        ['button', { type: 'button', 'data-t': 'preview' }, 'Voorbeeld']],
      ['form', {}, ['input', { type: 'search' }], ['button', { 'data-t': 'search' }, 'Zoeken']]],
    cases: [['save', true], ['preview', false], ['search', false]],
  },
  {
    name: 'extra site: the publish button the school chose posts from the page header',
    site: extraSiteRule({
      pattern: 'https://cms.school.nl/*',
      channel: 'website',
      publishButton: { selector: 'button.editor-post-publish-button', label: 'Bijwerken' },
    }),
    spec: ['div', {},
      ['header', {}, ['button', { type: 'button', class: 'editor-post-publish-button', 'data-t': 'update' }, 'Bijwerken'],
        ['button', { type: 'button', class: 'editor-post-preview', 'data-t': 'preview' }, 'Voorbeeld']],
      ['main', {}, ['div', {}, ['div', {}, ['textarea', { 'data-t': 'box' }]]]]],
    cases: [['update', true], ['preview', false]],
  },
  {
    name: 'extra site without a chosen button: a header button with its own label is not known',
    site: GENERIC,
    spec: ['div', {},
      ['header', {}, ['button', { type: 'button', class: 'editor-post-publish-button', 'data-t': 'update' }, 'Bijwerken']],
      ['main', {}, ['div', {}, ['div', {}, ['textarea', { 'data-t': 'box' }]]]]],
    cases: [['update', false]],
  },
  {
    name: 'extra site without a form: a labelled button near the box',
    site: GENERIC,
    spec: ['div', {},
      ['section', {}, ['div', { 'data-t': 'box', contenteditable: 'true' }], ['div', {}, ['button', { type: 'button', 'data-t': 'pub' }, ' Publiceren ']]],
      ['button', { type: 'button', 'data-t': 'other' }, 'Help']],
    cases: [['pub', true], ['other', false]],
  },
];

for (const c of POST_BUTTONS) {
  for (const [button, expected] of c.cases) {
    test(`post button: ${c.name} — ${button} ${expected ? 'posts' : 'does not post'}`, () => {
      const { byT } = page(c.spec);
      assert.equal(isPostButton(byT(button), byT('box'), c.site), expected);
    });
  }
}

test('a click on the label inside a button is a click on the button', () => {
  const { byT } = page(['div', { role: 'button', 'data-t': 'b' }, ['span', { 'data-t': 's' }, 'Post']]);
  assert.equal(buttonFrom(byT('s')), byT('b'));
  assert.equal(buttonFrom(byT('s').childNodes[0]), byT('b'));
  assert.equal(buttonFrom(null), null);
});

test('findPostButton finds the composer’s button for a keyboard shortcut', () => {
  const { doc, byT } = page(['div', {},
    ['button', { 'data-testid': 'like' }, 'Like'],
    ['div', { 'data-t': 'box', contenteditable: 'true', 'data-testid': 'tweetTextarea_0' }],
    ['button', { 'data-testid': 'tweetButtonInline', 'data-t': 'post' }, 'Post']]);
  assert.equal(findPostButton(doc, byT('box'), rule('x')), byT('post'));
  byT('post').remove();
  assert.equal(findPostButton(doc, byT('box'), rule('x')), null);
});

test('findPostButton prefers the chosen publish button for a keyboard shortcut', () => {
  const site = extraSiteRule({
    pattern: 'https://cms.school.nl/*',
    channel: 'website',
    publishButton: { selector: null, label: 'Bijwerken' },
  });
  const { doc, byT } = page(['div', {},
    ['header', {}, ['button', { type: 'button', 'data-t': 'update' }, 'Bijwerken']],
    ['form', {}, ['textarea', { 'data-t': 'box' }], ['button', { 'data-t': 'save' }, 'Concept opslaan']]]);
  assert.equal(findPostButton(doc, byT('box'), site), byT('update'));
  assert.equal(findPostButton(doc, byT('box'), GENERIC), byT('save'));
});
