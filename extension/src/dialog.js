// The warning shown when Post is pressed on a held or unchecked post.

import { h, shadowHost } from './dom.js';
import { reasonIsValid } from './guard.js';
import { t } from './i18n.js';

const CSS = `
:host { all: initial; }
.overlay { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex;
  align-items: center; justify-content: center;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; }
.dialog { box-sizing: border-box; width: min(580px, 94vw); max-height: 90vh; overflow: auto;
  background: #fff; border-radius: 8px; border-top: 6px solid #c62828; padding: 16px 18px;
  box-shadow: 0 8px 30px rgba(0,0,0,.35); }
.dialog.unchecked { border-top-color: #6d6d6d; }
h2 { margin: 0 0 8px; font-size: 18px; color: #b71c1c; }
.unchecked h2 { color: #333; }
ul { margin: 6px 0 10px; padding-left: 20px; }
label { display: block; margin: 10px 0 4px; font-weight: 600; }
textarea, input { box-sizing: border-box; width: 100%; font: inherit; padding: 6px;
  border: 1px solid #999; border-radius: 4px; }
textarea { min-height: 70px; resize: vertical; }
.error { color: #b71c1c; margin: 8px 0 0; min-height: 1em; }
.buttons { display: flex; gap: 8px; justify-content: flex-end; flex-wrap: wrap; margin-top: 14px; }
button { font: inherit; padding: 7px 12px; border-radius: 4px; cursor: pointer; border: 1px solid #555; }
button.back { background: #1565c0; border-color: #1565c0; color: #fff; font-weight: 600; }
button.go { background: #fff; color: #b71c1c; border-color: #b71c1c; }
button:disabled { opacity: .5; cursor: not-allowed; }
`;

const ERROR_TITLES = {
  not_configured: 'notConfigured',
  no_permission: 'noPermission',
  unreachable: 'unreachable',
  starting: 'starting',
  auth: 'auth',
  rejected: 'rejected',
  bad_response: 'error',
};

/** Why an override could not be recorded, in the user's language. */
export function failureText(error, lang) {
  const own = error?.message?.[lang] || error?.message?.nl;
  return own || t(lang, ERROR_TITLES[error?.kind] ?? 'error');
}

// Keys typed in the dialog must not reach the platform's keyboard shortcuts (seen from the
// page, every event in the shadow root comes from the host element, not from a text field).
const CONTAINED_EVENTS = ['keydown', 'keyup', 'keypress', 'beforeinput', 'input', 'paste', 'copy', 'cut'];

/**
 * Shows the dialog and resolves with 'go' (post anyway) or 'back'.
 * kind 'hold': the user must give a reason, which `onOverride({reason, officer})` records
 * (resolving with the service result); only a recorded reason lets the post go.
 * kind 'unchecked': the post could not be checked; the user may explicitly go on.
 */
export function showPostDialog(doc, { kind, view, lang, onOverride }) {
  const { host, root } = shadowHost(doc, 'data-school-screening-dialog', CSS);
  host.setAttribute('style', 'all: initial; position: fixed; inset: 0; z-index: 2147483647;');
  return new Promise((resolve) => {
    const close = (answer) => {
      host.remove();
      resolve(answer);
    };
    const hold = kind === 'hold';
    const error = h(doc, 'p', { className: 'error', role: 'alert' });
    const reason = hold ? h(doc, 'textarea', { id: 'reason', minlength: '10', required: true }) : null;
    const officer = hold ? h(doc, 'input', { id: 'officer', type: 'text', autocomplete: 'name' }) : null;
    const back = h(doc, 'button', { type: 'button', className: 'back' }, t(lang, 'back'));
    const go = h(
      doc,
      'button',
      { type: 'button', className: 'go', disabled: hold },
      t(lang, hold ? 'overrideGo' : 'uncheckedGo'),
    );
    const body = hold
      ? [
          h(doc, 'p', { id: 'intro' }, t(lang, 'holdIntro')),
          h(
            doc,
            'ul',
            {},
            view.items.map((item) =>
              h(doc, 'li', {}, [
                h(doc, 'strong', {}, item.title),
                item.where ? ` — ${item.where}` : '',
                item.articles.length ? ` (${item.articles.map((a) => a.label).join('; ')})` : '',
              ]),
            ),
          ),
          h(doc, 'label', { for: 'reason' }, t(lang, 'holdReasonLabel')),
          reason,
          h(doc, 'label', { for: 'officer' }, t(lang, 'officerLabel')),
          officer,
        ]
      : [h(doc, 'p', { id: 'intro' }, t(lang, 'uncheckedIntro')), h(doc, 'p', {}, view.detail)];
    const dialog = h(
      doc,
      'div',
      {
        className: hold ? 'dialog' : 'dialog unchecked',
        role: 'alertdialog',
        'aria-modal': 'true',
        'aria-labelledby': 'title',
        'aria-describedby': 'intro',
        lang,
      },
      [
        h(doc, 'h2', { id: 'title' }, t(lang, hold ? 'holdTitle' : 'uncheckedTitle')),
        ...body,
        error,
        h(doc, 'div', { className: 'buttons' }, [back, go]),
      ],
    );
    const overlay = h(doc, 'div', { className: 'overlay' }, [dialog]);
    root.append(overlay);
    for (const type of CONTAINED_EVENTS) overlay.addEventListener(type, (e) => e.stopPropagation());
    overlay.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close('back');
    });
    back.addEventListener('click', () => close('back'));
    if (reason) {
      reason.addEventListener('input', () => {
        go.disabled = !reasonIsValid(reason.value);
        if (go.disabled === false) error.textContent = '';
      });
    }
    go.addEventListener('click', async () => {
      if (!hold) {
        close('go');
        return;
      }
      if (!reasonIsValid(reason.value)) {
        error.textContent = t(lang, 'reasonTooShort');
        return;
      }
      go.disabled = true;
      back.disabled = true;
      error.textContent = t(lang, 'overrideSaving');
      const result = await onOverride({ reason: reason.value, officer: officer.value });
      if (result && result.ok) {
        close('go');
        return;
      }
      error.textContent = t(lang, 'overrideFailed', { why: failureText(result?.error, lang) });
      go.disabled = false;
      back.disabled = false;
    });
    (reason ?? back).focus();
  });
}
