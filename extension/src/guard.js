// What happens when the user presses the platform's Post button. Pure.

import { isGreen } from './verdict.js';

/**
 * @param {import('./verdict.js').View} view  the badge's current view
 * @param {{stale: boolean, allowedKey: string|null, contentKey: string}} state
 *   stale: the content changed since the view was made (a check is due or running);
 *   allowedKey: the content the user already chose to post despite the view.
 * @returns {'allow'|'wait'|'warn_hold'|'warn_unchecked'}
 */
export function postAttemptAction(view, { stale, allowedKey, contentKey }) {
  if (stale || view.state === 'checking') return 'wait';
  if (view.state === 'empty') return 'allow';
  if (isGreen(view)) return 'allow';
  // The user gave a reason (hold) or confirmed (unchecked) for exactly this content.
  if (allowedKey !== null && allowedKey === contentKey) return 'allow';
  return view.state === 'hold' ? 'warn_hold' : 'warn_unchecked';
}

/** Whether a keydown would post from inside the compose box (X: Ctrl/Cmd+Enter). */
export function isPostShortcut(event) {
  return event.key === 'Enter' && Boolean(event.ctrlKey || event.metaKey);
}

/** Whether a reason is long enough for the service's override route. */
export function reasonIsValid(reason) {
  return String(reason ?? '').trim().length >= 10;
}
