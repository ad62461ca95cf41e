import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  candidateSelectors,
  chosenButtonFrom,
  describeButton,
  findChosenButton,
  isChosenButton,
  matchesChosen,
  pickableFrom,
} from '../src/publish_button.js';
import { build, FakeWindow } from './fake_dom.js';

/** A page built from `spec`, returning the document and a lookup by data-t. */
function page(spec) {
  const doc = new FakeWindow().document;
  doc.body.append(build(doc, spec));
  return { doc, byT: (name) => doc.querySelector(`[data-t="${name}"]`) };
}

// Each case: the page, the clicked element, the remembered description.
const DESCRIBE = [
  {
    name: 'an id is the most specific name',
    spec: ['div', {}, ['button', { id: 'publish', class: 'button button-primary', 'data-t': 'b' }, 'Publiceren']],
    expected: { selector: '#publish', label: 'Publiceren' },
  },
  {
    name: 'a generated id (React ":r1:") is skipped for a naming attribute',
    spec: ['div', {}, ['button', { id: ':r1:', name: 'publish', 'data-t': 'b' }, 'Bijwerken']],
    expected: { selector: 'button[name="publish"]', label: 'Bijwerken' },
  },
  {
    name: 'a class list that finds only this button (state classes left out)',
    spec: ['header', {},
      ['button', { class: 'editor-post-publish-button is-busy', 'data-t': 'b' }, ' Bijwerken '],
      ['button', { class: 'editor-post-preview' }, 'Voorbeeld']],
    expected: { selector: 'button.editor-post-publish-button', label: 'Bijwerken' },
  },
  {
    name: 'a class shared with another button is not unique: the aria-label is',
    spec: ['div', {},
      ['div', { role: 'button', class: 'btn', 'aria-label': 'Nu publiceren', 'data-t': 'b' }, ['span', {}, 'Publiceren']],
      ['div', { role: 'button', class: 'btn', 'aria-label': 'Opslaan' }, 'Opslaan']],
    expected: { selector: 'div[aria-label="Nu publiceren"]', label: 'Nu publiceren' },
  },
  {
    name: 'nothing unique: the text alone recognises it',
    spec: ['div', {}, ['button', { class: 'btn', 'data-t': 'b' }, 'Versturen'], ['button', { class: 'btn' }, 'Annuleren']],
    expected: { selector: null, label: 'Versturen' },
  },
  {
    name: 'a value with a quote is not put in a selector',
    spec: ['div', {}, ['button', { 'aria-label': 'Zeg "ja"', 'data-t': 'b' }], ['button', { 'aria-label': 'Nee' }]],
    expected: { selector: null, label: 'Zeg "ja"' },
  },
  {
    name: 'no text and no name: nothing to recognise it by',
    spec: ['div', {}, ['button', { 'data-t': 'b' }], ['button', {}]],
    expected: null,
  },
];

for (const c of DESCRIBE) {
  test(`describeButton: ${c.name}`, () => {
    const { doc, byT } = page(c.spec);
    assert.deepEqual(describeButton(byT('b'), doc), c.expected);
  });
}

test('candidate selectors never contain combinators (the fake DOM and the badge rules agree)', () => {
  const { byT } = page(['a', { href: '/x', id: 'go', name: 'n', class: 'a b', 'aria-label': 'Plaats', 'data-t': 'b' }, 'x']);
  for (const sel of candidateSelectors(byT('b'))) assert.doesNotMatch(sel, /[\s>+~]/);
});

const VALID = [
  [{ selector: '#publish', label: 'Publiceren' }, true],
  [{ selector: null, label: 'Versturen' }, true],
  [{ selector: '#publish', label: '' }, true],
  [{ selector: null, label: '   ' }, false],
  [{ selector: '', label: 'x' }, false],
  [{ selector: 5, label: 'x' }, false],
  [{ selector: 'a'.repeat(201), label: 'x' }, false],
  [{ selector: null, label: 'x'.repeat(81) }, false],
  [null, false],
  ['#publish', false],
];

for (const [value, expected] of VALID) {
  test(`isChosenButton(${JSON.stringify(value)?.slice(0, 60)}) is ${expected}`, () => {
    assert.equal(isChosenButton(value), expected);
  });
}

test('the chosen button is recognised by its selector even after its text changed', () => {
  const { byT } = page(['div', {}, ['button', { class: 'publish', 'data-t': 'b' }, 'Bijwerken'], ['button', { 'data-t': 'o' }, 'Publiceren']]);
  const chosen = { selector: 'button.publish', label: 'Publiceren' };
  assert.equal(matchesChosen(byT('b'), chosen), true);
  assert.equal(matchesChosen(byT('o'), chosen), false, 'the old text does not count when there is a selector');
});

test('without a selector the text decides, case-insensitively, on pickable elements only', () => {
  const { byT } = page(['div', {},
    ['button', { 'data-t': 'b' }, 'VERSTUREN'],
    ['span', { 'data-t': 's' }, 'Versturen'],
    ['a', { href: '/send', 'data-t': 'a' }, 'Versturen']]);
  const chosen = { selector: null, label: 'Versturen' };
  assert.equal(matchesChosen(byT('b'), chosen), true);
  assert.equal(matchesChosen(byT('s'), chosen), false);
  assert.equal(matchesChosen(byT('a'), chosen), true);
});

test('a selector the browser cannot parse recognises nothing instead of throwing', () => {
  const { doc, byT } = page(['div', {}, ['button', { 'data-t': 'b' }, 'x']]);
  const chosen = { selector: 'div > > button', label: 'x' };
  assert.equal(matchesChosen(byT('b'), chosen), false);
  assert.equal(findChosenButton(doc, chosen), null);
});

test('a click on the icon inside the chosen link belongs to the link', () => {
  const { byT } = page(['nav', {}, ['a', { href: '/publish', id: 'pub', 'data-t': 'a' }, ['i', { 'data-t': 'icon' }, '✓']]]);
  const chosen = { selector: '#pub', label: '' };
  assert.equal(chosenButtonFrom(byT('icon'), chosen), byT('a'));
  assert.equal(chosenButtonFrom(byT('icon').childNodes[0], chosen), byT('a'));
  assert.equal(chosenButtonFrom(byT('icon'), null), null);
  assert.equal(pickableFrom(byT('icon')), byT('a'));
});

test('findChosenButton skips a disabled copy and finds the enabled one', () => {
  const { doc, byT } = page(['div', {},
    ['button', { class: 'pub', disabled: '' }, 'Publiceren'],
    ['button', { class: 'pub', 'data-t': 'on' }, 'Publiceren']]);
  assert.equal(findChosenButton(doc, { selector: 'button.pub', label: 'Publiceren' }), byT('on'));
  assert.equal(findChosenButton(doc, null), null);
});
