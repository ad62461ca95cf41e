// The WebExtension namespace: Firefox's promise-based `browser`, or Chromium's `chrome`
// (whose MV3 APIs return promises too).

/** The extension API object of the running browser. */
export function extensionApi() {
  return globalThis.browser ?? globalThis.chrome;
}
