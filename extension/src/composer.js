// Finding the compose box and its Post button in a page. Uses only a small part of the DOM
// (querySelectorAll, matches, closest, parentElement, attributes, innerText/value,
// getBoundingClientRect) so the unit tests can run it on a tiny fake DOM.

import { buttonText, findChosenButton, matchesChosen } from './publish_button.js';

const BUTTON_SELECTOR = 'button, [role="button"], input[type="submit"], input[type="button"]';
const DIALOG_SELECTOR = '[role="dialog"], [role="alertdialog"], [aria-modal="true"], dialog';
// How far up from the box a container may be for a button found by its label alone; deeper
// than any composer we have seen, shallower than "the whole page".
const MAX_COMPOSER_DEPTH = 14;

/** True when the element takes up space on the page (hidden templates do not count). */
export function isVisible(el) {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

/** The nearest dialog around an element, or null. */
export function dialogOf(el) {
  return el.closest(DIALOG_SELECTOR);
}

/** The outermost editable element (textarea or contenteditable) that contains `el`. */
export function editableRoot(el) {
  let node = el && el.nodeType === 1 ? el : el?.parentElement;
  if (!node) return null;
  if (node.tagName === 'TEXTAREA') return node;
  if (!node.isContentEditable) return null;
  while (node.parentElement && node.parentElement.isContentEditable) node = node.parentElement;
  return node;
}

/** Whether `el` is a compose box under `site`'s rules. */
export function isComposeBox(el, site) {
  if (!el || !site.boxSelectors.some((sel) => el.matches(sel))) return false;
  if (el.tagName === 'TEXTAREA' && (el.disabled || el.readOnly)) return false;
  if (site.inDialog && !dialogOf(el)) return false;
  return isVisible(el);
}

/** Every compose box on the page under `site`'s rules, in document order. */
export function findComposeBoxes(root, site) {
  return [...root.querySelectorAll(site.boxSelectors.join(', '))].filter(
    (el) => editableRoot(el) === el && isComposeBox(el, site),
  );
}

/** The compose box an event target (a focused or typed-in node) belongs to, or null. */
export function composeBoxFor(target, site) {
  const root = editableRoot(target);
  return root && isComposeBox(root, site) ? root : null;
}

/** The post text as the user sees it. */
export function readText(box) {
  const raw = box.tagName === 'TEXTAREA' ? box.value : box.innerText;
  // Editors pad with no-break spaces and zero-width characters; the service should see
  // the words, not the editor's bookkeeping.
  return String(raw ?? '')
    .replace(/\u00a0/g, ' ')
    .replace(/[\u200b\ufeff]/g, '');
}

/** The button (or button-like element) an event target is part of, or null. */
export function buttonFrom(target) {
  const el = target && target.nodeType === 1 ? target : target?.parentElement;
  return el ? el.closest(BUTTON_SELECTOR) : null;
}

/** A button's visible label, normalised for comparison. */
export function buttonLabel(btn) {
  return buttonText(btn).toLowerCase();
}

/** The ancestors of `el`, nearest first, up to `limit` of them. */
function ancestors(el, limit) {
  const out = [];
  let node = el.parentElement;
  while (node && out.length < limit) {
    out.push(node);
    node = node.parentElement;
  }
  return out;
}

/**
 * Whether pressing `btn` would post the text of `box`: it is the publish button the school
 * chose for its site (wherever it is on the page), or it matches the site's post selectors
 * or carries a post label and sits in the same composer as the box.
 */
export function isPostButton(btn, box, site) {
  if (!btn || !box || btn.disabled) return false;
  // A site's own publish button often sits in a toolbar far from the editor (a CMS header).
  if (matchesChosen(btn, site.chosenButton)) return true;
  const dialog = dialogOf(box);
  // A dialog is the composer: a button outside it belongs to the page behind.
  if (dialog && !dialog.contains(btn)) return false;
  if (site.postSelectors.some((sel) => btn.matches(sel))) return true;
  const form = box.closest('form');
  const submits = (btn.tagName === 'INPUT' || btn.tagName === 'BUTTON') && btn.type === 'submit';
  if (!site.postLabels.includes(buttonLabel(btn)) && !(submits && form)) return false;
  if (dialog) return true;
  if (form) return form.contains(btn);
  return ancestors(box, MAX_COMPOSER_DEPTH).some(
    (a) => a.tagName !== 'BODY' && a.tagName !== 'HTML' && a.contains(btn),
  );
}

/** The Post button of the composer around `box`, or null (used for keyboard shortcuts). */
export function findPostButton(root, box, site) {
  const chosen = findChosenButton(root, site.chosenButton);
  if (chosen) return chosen;
  return [...root.querySelectorAll(BUTTON_SELECTOR)].find((btn) => isPostButton(btn, box, site)) ?? null;
}
