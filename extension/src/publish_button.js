// The publish button a school chose on its own site (issue 16, point 4): how a clicked
// element is remembered, and how it is recognised again. Pure apart from the small DOM
// subset composer.js uses, so the unit tests run it on the fake DOM.
//
// A communications officer does not write CSS selectors: she clicks the button once (see
// picker.js) and the extension remembers it here as a selector that found exactly that
// button at the time, plus its text (shown back to her, and the fallback when no selector
// was unique).

/** Elements that can be a site's publish control: buttons and links styled as buttons. */
export const PICKABLE_SELECTOR =
  'button, [role="button"], input[type="submit"], input[type="button"], a[href]';

const MAX_LABEL = 80;
const MAX_SELECTOR = 200;
// Identifiers safe to put in a selector without escaping; ids such as React's ":r1:" are not.
const IDENT = /^[A-Za-z_][\w-]*$/;
// Attribute values safe between double quotes without escaping.
const SAFE_VALUE = /^[^"\\\n\r]{1,80}$/;
// Attributes sites use to name a control, most stable first.
const NAMING_ATTRIBUTES = ['name', 'data-testid', 'data-test', 'data-action', 'aria-label', 'title', 'value'];
// Classes that describe a state, not the control; a selector with them breaks on the next render.
const STATE_CLASS = /^(is-|has-)|(^|-)(active|disabled|busy|hover|focus|focused|loading|selected)$/i;

/**
 * @typedef {object} ChosenButton
 * @property {string|null} selector  a CSS selector that matched only this button when chosen
 * @property {string} label          its visible text, as the officer saw it
 */

/** A button's visible text, whitespace collapsed, case kept. */
export function buttonText(el) {
  const text = el.getAttribute('aria-label') || el.innerText || el.value || '';
  return String(text).replace(/\s+/g, ' ').trim();
}

/** The pickable element an event target is part of, or null. */
export function pickableFrom(target) {
  const el = target && target.nodeType === 1 ? target : target?.parentElement;
  return el ? el.closest(PICKABLE_SELECTOR) : null;
}

function uniquelyFinds(root, selector, el) {
  try {
    const found = root.querySelectorAll(selector);
    return found.length === 1 && found[0] === el;
  } catch {
    return false;
  }
}

/** Selectors that could name `el`, most specific and stable first. */
export function candidateSelectors(el) {
  const tag = el.tagName.toLowerCase();
  const out = [];
  const id = el.getAttribute('id');
  if (id && IDENT.test(id)) out.push(`#${id}`);
  for (const attr of NAMING_ATTRIBUTES) {
    const value = el.getAttribute(attr);
    if (value && SAFE_VALUE.test(value)) out.push(`${tag}[${attr}="${value}"]`);
  }
  const classes = (el.getAttribute('class') ?? '')
    .split(/\s+/)
    .filter((c) => IDENT.test(c) && !STATE_CLASS.test(c));
  if (classes.length) out.push(`${tag}${classes.map((c) => `.${c}`).join('')}`);
  return out;
}

/**
 * Remembers the button the officer clicked: the first candidate selector that finds only
 * this element in `root`, and its text. Returns null when there is nothing to recognise it by.
 * @returns {ChosenButton|null}
 */
export function describeButton(el, root) {
  const label = buttonText(el).slice(0, MAX_LABEL);
  const selector = candidateSelectors(el).find((sel) => uniquelyFinds(root, sel, el)) ?? null;
  if (!selector && !label) return null;
  return { selector, label };
}

/** Whether a value (from storage or a message) is a well-formed chosen button. */
export function isChosenButton(value) {
  if (!value || typeof value !== 'object') return false;
  const { selector, label } = value;
  const selectorOk =
    selector === null || (typeof selector === 'string' && selector.length > 0 && selector.length <= MAX_SELECTOR);
  const labelOk = typeof label === 'string' && label.length <= MAX_LABEL;
  return selectorOk && labelOk && Boolean(selector || label.trim());
}

/** Whether `el` is the chosen button (by its selector, or by its text when there was none). */
export function matchesChosen(el, chosen) {
  if (!el || el.nodeType !== 1 || !chosen) return false;
  if (chosen.selector) {
    try {
      return el.matches(chosen.selector);
    } catch {
      return false; // a selector this browser cannot parse recognises nothing
    }
  }
  return el.matches(PICKABLE_SELECTOR) && buttonText(el).toLowerCase() === chosen.label.toLowerCase();
}

/** The chosen button an event target is part of (the target or an ancestor), or null. */
export function chosenButtonFrom(target, chosen) {
  if (!chosen) return null;
  let el = target && target.nodeType === 1 ? target : target?.parentElement;
  while (el) {
    if (matchesChosen(el, chosen)) return el;
    el = el.parentElement;
  }
  return null;
}

/** The chosen button on the page, or null (for keyboard shortcuts). */
export function findChosenButton(root, chosen) {
  if (!chosen) return null;
  const pool = chosen.selector ? safeAll(root, chosen.selector) : safeAll(root, PICKABLE_SELECTOR);
  return pool.find((el) => matchesChosen(el, chosen) && !el.disabled) ?? null;
}

function safeAll(root, selector) {
  try {
    return [...root.querySelectorAll(selector)];
  } catch {
    return [];
  }
}
