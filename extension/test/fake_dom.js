// A tiny fake DOM: just enough of elements, events, shadow roots and selectors for the
// extension's DOM code. Selectors are limited to simple compound selectors (tag, #id,
// .class, [attr], [attr=v], [attr^=v], [attr*=v], [attr$=v], optional " i"), comma lists
// allowed — exactly what src/sites.js promises to use. Anything else throws, so a rule the
// fake cannot judge fails the tests instead of passing quietly.

const VOID_RECT = { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 };

function parseCompound(sel) {
  const s = sel.trim();
  const parts = { tag: null, id: null, classes: [], attrs: [] };
  let i = 0;
  const tag = /^(\*|[a-zA-Z][a-zA-Z0-9-]*)/.exec(s);
  if (tag) {
    parts.tag = tag[1] === '*' ? null : tag[1].toUpperCase();
    i = tag[0].length;
  }
  while (i < s.length) {
    const rest = s.slice(i);
    let m;
    if ((m = /^#([\w-]+)/.exec(rest))) parts.id = m[1];
    else if ((m = /^\.([\w-]+)/.exec(rest))) parts.classes.push(m[1]);
    else if ((m = /^\[\s*([\w-]+)\s*(?:([*^$]?=)\s*(?:"([^"]*)"|'([^']*)'|([\w-]+))\s*(i)?\s*)?\]/.exec(rest))) {
      parts.attrs.push({ name: m[1], op: m[2] ?? null, value: m[3] ?? m[4] ?? m[5] ?? null, ci: Boolean(m[6]) });
    } else throw new Error(`fake DOM: unsupported selector ${JSON.stringify(sel)}`);
    i += m[0].length;
  }
  return parts;
}

function matchesCompound(el, p) {
  if (p.tag && el.tagName !== p.tag) return false;
  if (p.id && el.getAttribute('id') !== p.id) return false;
  const classes = (el.getAttribute('class') ?? '').split(/\s+/);
  if (!p.classes.every((c) => classes.includes(c))) return false;
  return p.attrs.every(({ name, op, value, ci }) => {
    let actual = el.getAttribute(name);
    if (actual === null) return false;
    if (!op) return true;
    let want = value;
    if (ci) {
      actual = actual.toLowerCase();
      want = want.toLowerCase();
    }
    if (op === '=') return actual === want;
    if (op === '^=') return want !== '' && actual.startsWith(want);
    if (op === '$=') return want !== '' && actual.endsWith(want);
    return want !== '' && actual.includes(want);
  });
}

export function parseSelectorList(list) {
  return list.split(',').map(parseCompound);
}

export class FakeEvent {
  constructor(type, init = {}) {
    this.type = type;
    this.bubbles = init.bubbles ?? true;
    this.cancelable = init.cancelable ?? true;
    Object.assign(this, init);
    this.defaultPrevented = false;
    this.propagationStopped = false;
    this.immediateStopped = false;
    this.isTrusted = false;
  }
  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true;
  }
  stopPropagation() {
    this.propagationStopped = true;
  }
  stopImmediatePropagation() {
    this.propagationStopped = true;
    this.immediateStopped = true;
  }
}

class EventTargetBase {
  constructor() {
    this.listeners = [];
  }
  addEventListener(type, fn, options) {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    if (!this.listeners.some((l) => l.type === type && l.fn === fn && l.capture === capture)) {
      this.listeners.push({ type, fn, capture });
    }
  }
  removeEventListener(type, fn, options) {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    this.listeners = this.listeners.filter((l) => !(l.type === type && l.fn === fn && l.capture === capture));
  }
  eventParent() {
    return null;
  }
  dispatchEvent(event) {
    // Path from the target up to the window; listeners outside a shadow root see its host
    // as the target, as in a browser.
    const path = [];
    let node = this;
    let seenAs = this;
    while (node) {
      path.push({ node, target: seenAs });
      if (node instanceof FakeShadowRoot) seenAs = node.host;
      node = node.eventParent();
    }
    const run = (entry, capturePhase) => {
      event.currentTarget = entry.node;
      event.target = entry.target;
      for (const l of [...entry.node.listeners]) {
        if (l.type !== event.type) continue;
        const atTarget = entry.node === this;
        if (!atTarget && l.capture !== capturePhase) continue;
        l.fn.call(entry.node, event);
        if (event.immediateStopped) return;
      }
    };
    for (let i = path.length - 1; i > 0 && !event.propagationStopped; i -= 1) run(path[i], true);
    if (!event.propagationStopped) run(path[0], true);
    if (event.bubbles) {
      for (let i = 1; i < path.length && !event.propagationStopped; i += 1) run(path[i], false);
    }
    event.target = this;
    return !event.defaultPrevented;
  }
}

class FakeNode extends EventTargetBase {
  constructor(doc) {
    super();
    this.ownerDocument = doc;
    this.parentNode = null;
    this.childNodes = [];
  }
  get parentElement() {
    return this.parentNode instanceof FakeElement ? this.parentNode : null;
  }
  eventParent() {
    return this.parentNode ?? null;
  }
  get isConnected() {
    let n = this;
    while (n) {
      if (n === this.ownerDocument) return true;
      n = n instanceof FakeShadowRoot ? n.host : n.parentNode;
    }
    return false;
  }
  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(text) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    if (text) this.append(this.ownerDocument.createTextNode(String(text)));
  }
  append(...nodes) {
    for (const n of nodes) {
      const node = typeof n === 'string' ? this.ownerDocument.createTextNode(n) : n;
      node.remove?.();
      node.parentNode = this;
      this.childNodes.push(node);
    }
    this.ownerDocument?.notifyMutation?.();
  }
  appendChild(node) {
    this.append(node);
    return node;
  }
  remove() {
    if (!this.parentNode) return;
    this.parentNode.childNodes = this.parentNode.childNodes.filter((c) => c !== this);
    this.parentNode = null;
    this.ownerDocument?.notifyMutation?.();
  }
  replaceWith(node) {
    const parent = this.parentNode;
    const i = parent.childNodes.indexOf(this);
    node.remove();
    node.parentNode = parent;
    parent.childNodes[i] = node;
    this.parentNode = null;
  }
  contains(other) {
    let n = other;
    while (n) {
      if (n === this) return true;
      n = n.parentNode;
    }
    return false;
  }
  get children() {
    return this.childNodes.filter((c) => c instanceof FakeElement);
  }
  *descendants() {
    for (const c of this.children) {
      yield c;
      yield* c.descendants();
    }
  }
  querySelectorAll(sel) {
    const parsed = parseSelectorList(sel);
    return [...this.descendants()].filter((el) => parsed.some((p) => matchesCompound(el, p)));
  }
  querySelector(sel) {
    return this.querySelectorAll(sel)[0] ?? null;
  }
}

class FakeText extends FakeNode {
  constructor(doc, data) {
    super(doc);
    this.nodeType = 3;
    this.data = data;
  }
  get textContent() {
    return this.data;
  }
  set textContent(v) {
    this.data = String(v);
  }
}

const DEFAULT_TYPES = { BUTTON: 'submit', INPUT: 'text' };

export class FakeElement extends FakeNode {
  constructor(doc, tag) {
    super(doc);
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    this.attrs = new Map();
    this.style = {};
    this.shadowRoot = null;
    this.rect = { left: 10, top: 10, right: 310, bottom: 110, width: 300, height: 100 };
    this._value = '';
    this.files = null;
  }
  setAttribute(name, value) {
    this.attrs.set(name.toLowerCase(), String(value));
    if (name.toLowerCase() === 'style') {
      for (const decl of String(value).split(';')) {
        const [k, v] = decl.split(':').map((x) => x?.trim());
        if (k && v) this.style[k.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = v;
      }
    }
  }
  getAttribute(name) {
    return this.attrs.has(name.toLowerCase()) ? this.attrs.get(name.toLowerCase()) : null;
  }
  hasAttribute(name) {
    return this.attrs.has(name.toLowerCase());
  }
  removeAttribute(name) {
    this.attrs.delete(name.toLowerCase());
  }
  get id() {
    return this.getAttribute('id') ?? '';
  }
  get dataset() {
    const out = {};
    for (const [k, v] of this.attrs) {
      if (k.startsWith('data-')) out[k.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = v;
    }
    return out;
  }
  get type() {
    return (this.getAttribute('type') ?? DEFAULT_TYPES[this.tagName] ?? '').toLowerCase();
  }
  get disabled() {
    return this.hasAttribute('disabled');
  }
  set disabled(v) {
    if (v) this.setAttribute('disabled', '');
    else this.removeAttribute('disabled');
  }
  get readOnly() {
    return this.hasAttribute('readonly');
  }
  get value() {
    return this.tagName === 'TEXTAREA' || this.tagName === 'INPUT' ? this._value : (this.getAttribute('value') ?? '');
  }
  set value(v) {
    this._value = String(v);
  }
  get innerText() {
    return this.textContent;
  }
  set innerText(v) {
    this.textContent = v;
  }
  get isContentEditable() {
    const v = this.getAttribute('contenteditable');
    if (v === '' || v === 'true' || v === 'plaintext-only') return true;
    if (v === 'false') return false;
    return this.parentElement ? this.parentElement.isContentEditable : false;
  }
  get form() {
    return this.closest('form');
  }
  getBoundingClientRect() {
    return this.isConnected ? { ...this.rect } : { ...VOID_RECT };
  }
  matches(sel) {
    return parseSelectorList(sel).some((p) => matchesCompound(this, p));
  }
  closest(sel) {
    const parsed = parseSelectorList(sel);
    let n = this;
    while (n instanceof FakeElement) {
      if (parsed.some((p) => matchesCompound(n, p))) return n;
      n = n.parentElement;
    }
    return null;
  }
  attachShadow() {
    this.shadowRoot = new FakeShadowRoot(this.ownerDocument, this);
    return this.shadowRoot;
  }
  focus() {
    const doc = this.ownerDocument;
    doc.activeElement = this;
    this.dispatchEvent(new FakeEvent('focusin'));
  }
  click() {
    const ok = this.dispatchEvent(new FakeEvent('click'));
    if (ok && !this.disabled && this.type === 'submit' && (this.tagName === 'BUTTON' || this.tagName === 'INPUT')) {
      const form = this.form;
      if (form) form.dispatchEvent(new FakeEvent('submit', { submitter: this }));
    }
  }
  requestSubmit() {
    this.dispatchEvent(new FakeEvent('submit', { submitter: null }));
  }
}

export class FakeShadowRoot extends FakeNode {
  constructor(doc, host) {
    super(doc);
    this.host = host;
    this.nodeType = 11;
  }
  eventParent() {
    return this.host;
  }
  getElementById(id) {
    return this.querySelector(`#${id}`);
  }
}

export class FakeDocument extends FakeNode {
  constructor(win) {
    super(null);
    this.ownerDocument = this;
    this.nodeType = 9;
    this.defaultView = win;
    this.documentElement = this.createElement('html');
    this.body = this.createElement('body');
    this.documentElement.append(this.body);
    this.append(this.documentElement);
    this.activeElement = this.body;
  }
  notifyMutation() {
    this.defaultView?.notifyMutation();
  }
  eventParent() {
    return this.defaultView;
  }
  createElement(tag) {
    return new FakeElement(this, tag);
  }
  createTextNode(text) {
    return new FakeText(this, text);
  }
  getElementById(id) {
    return this.querySelector(`#${id}`);
  }
}

/** Manual timers: `advance(ms)` runs everything that falls due, in order. */
export class FakeTimers {
  constructor() {
    this.now = 0;
    this.nextId = 1;
    this.tasks = new Map();
  }
  setTimeout(fn, ms = 0) {
    const id = this.nextId++;
    this.tasks.set(id, { fn, at: this.now + ms, every: null });
    return id;
  }
  clearTimeout(id) {
    this.tasks.delete(id);
  }
  setInterval(fn, ms) {
    const id = this.nextId++;
    this.tasks.set(id, { fn, at: this.now + ms, every: ms });
    return id;
  }
  clearInterval(id) {
    this.tasks.delete(id);
  }
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.tasks.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, task] = due;
      this.now = task.at;
      if (task.every) task.at += task.every;
      else this.tasks.delete(id);
      task.fn();
    }
    this.now = end;
  }
  pendingCount() {
    return [...this.tasks.values()].filter((t) => !t.every).length;
  }
}

export class FakeWindow extends EventTargetBase {
  constructor(href = 'https://www.instagram.com/') {
    super();
    this.location = { href };
    this.innerWidth = 1280;
    this.innerHeight = 800;
    this.timers = new FakeTimers();
    this.observers = [];
    const win = this;
    this.MutationObserver = class {
      constructor(cb) {
        this.cb = cb;
      }
      observe() {
        win.observers.push(this);
      }
      disconnect() {
        win.observers = win.observers.filter((o) => o !== this);
      }
    };
    this.document = new FakeDocument(this);
  }
  notifyMutation() {
    for (const o of this.observers) o.cb([]);
  }
  setTimeout(fn, ms) {
    return this.timers.setTimeout(fn, ms);
  }
  clearTimeout(id) {
    this.timers.clearTimeout(id);
  }
  setInterval(fn, ms) {
    return this.timers.setInterval(fn, ms);
  }
  clearInterval(id) {
    this.timers.clearInterval(id);
  }
}

/** Builds elements from a compact description: [tag, {attrs}, ...children]. */
export function build(doc, spec) {
  if (typeof spec === 'string') return doc.createTextNode(spec);
  const [tag, attrs = {}, ...children] = spec;
  const el = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(build(doc, c));
  return el;
}

/** Lets pending promise callbacks run (several rounds, for chains of awaits). */
export async function settle(rounds = 10) {
  for (let i = 0; i < rounds; i += 1) await new Promise((r) => setImmediate(r));
}

/** Every text in an element tree, shadow roots included, in document order. */
export function allText(node) {
  const own = node.shadowRoot ? allText(node.shadowRoot) : '';
  if (node.nodeType === 3) return node.data;
  return own + node.childNodes.map(allText).join(' ');
}
