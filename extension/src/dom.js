// A tiny element builder, so the badge and the dialog read as structure, not as DOM calls.
// Text always goes in as text nodes: nothing the service or the page says is parsed as HTML.

/** Creates `tag` with attributes/properties and children (strings become text). */
export function h(doc, tag, attrs = {}, children = []) {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'className') el.setAttribute('class', value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
  return el;
}

/** A host element with an open shadow root, styled so the page's CSS cannot reach in. */
export function shadowHost(doc, name, css) {
  const host = doc.createElement('div');
  host.setAttribute(name, '');
  // `all: initial` stops inherited page styles at the host; the shadow root does the rest.
  host.setAttribute('style', 'all: initial; position: fixed; z-index: 2147483647;');
  const root = host.attachShadow({ mode: 'open' });
  root.append(h(doc, 'style', {}, css));
  (doc.body ?? doc.documentElement).append(host);
  return { host, root };
}
