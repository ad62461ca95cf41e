// Asking the browser for host permissions from the options page, and saying so while its
// prompt is open (issue 16, point 4): without that, Save looks as if nothing happened.

/**
 * Requests `origins`. Must be called synchronously in a click (browsers only prompt for a
 * user gesture). When any of them is not in `granted` (the origins the extension has now),
 * the browser shows its prompt, and `onWaiting(missing)` runs at once, before the answer.
 * Resolves with whether the browser granted them; a refused or failed request is false.
 */
export function requestOrigins(ext, origins, granted, onWaiting) {
  if (!origins.length) return Promise.resolve(true);
  let asked;
  try {
    asked = ext.permissions.request({ origins });
  } catch {
    return Promise.resolve(false);
  }
  const missing = origins.filter((o) => !granted.has(o));
  if (missing.length) onWaiting(missing);
  return Promise.resolve(asked).then(Boolean, () => false);
}
