// Debounce with injectable timers, so tests drive time by hand instead of waiting.

/**
 * Returns a function that calls `fn` once `ms` milliseconds have passed without another
 * call, with the arguments of the last call. `.flush()` runs a pending call now, `.cancel()`
 * drops it, `.pending()` says whether one is waiting.
 */
export function debounce(fn, ms, timers = globalThis) {
  let handle = null;
  let lastArgs = [];
  const run = () => {
    handle = null;
    return fn(...lastArgs);
  };
  const debounced = (...args) => {
    lastArgs = args;
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(run, ms);
  };
  debounced.flush = () => {
    if (handle === null) return undefined;
    timers.clearTimeout(handle);
    return run();
  };
  debounced.cancel = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
  debounced.pending = () => handle !== null;
  return debounced;
}
