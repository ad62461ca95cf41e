// Where the extension looks for a compose box, and which button posts. Pure data + matching.
//
// The platforms change their markup without notice; every rule here is a best guess at the
// time of writing and lives in this one table so it can be fixed without touching the logic.
// Selectors are deliberately simple (one compound selector each, no combinators): nearness
// to the box is decided in code (composer.js), which keeps the rules readable and testable.

/** Labels of the buttons that post, in Dutch and English (compared case-insensitively). */
export const POST_LABELS = [
  'post',
  'posten',
  'plaatsen',
  'publiceren',
  'publish',
  'delen',
  'share',
  'nu delen',
  'share now',
  'tweet',
  'alles posten',
  'post all',
  'verzenden',
  'send',
  'opslaan en publiceren',
];

/**
 * @typedef {object} SiteRule
 * @property {string} id
 * @property {string} channel        channel sent to the service
 * @property {string[]} hosts        exact host names (platforms) — extra sites use `pattern`
 * @property {string[]} boxSelectors compose boxes, most specific first
 * @property {boolean} inDialog      the compose box only counts inside a role="dialog"
 * @property {string[]} postSelectors buttons that post wherever they are in the composer
 * @property {string[]} postLabels   button texts that post when near the box
 * @property {boolean} [extra]       a site the school added in the options
 * @property {string} [pattern]      that site's match pattern
 * @property {import('./publish_button.js').ChosenButton|null} [chosenButton]
 *   the site's own publish button, chosen by the school (posts wherever it is on the page)
 */

/** @type {SiteRule[]} */
export const PLATFORMS = [
  {
    id: 'instagram',
    channel: 'instagram',
    hosts: ['www.instagram.com', 'instagram.com'],
    boxSelectors: [
      'div[contenteditable="true"][aria-label*="caption" i]',
      'div[contenteditable="true"][aria-label*="bijschrift" i]',
      'textarea[aria-label*="caption" i]',
      'textarea[aria-label*="bijschrift" i]',
    ],
    inDialog: false,
    postSelectors: [],
    postLabels: ['share', 'delen', 'post', 'plaatsen'],
  },
  {
    id: 'facebook',
    channel: 'facebook',
    hosts: ['www.facebook.com', 'facebook.com', 'web.facebook.com', 'business.facebook.com'],
    // The feed's own comment boxes are textboxes too; the post composer is a dialog.
    boxSelectors: ['div[contenteditable="true"][role="textbox"]'],
    inDialog: true,
    postSelectors: ['div[role="button"][aria-label="Post"]', 'div[role="button"][aria-label="Plaatsen"]'],
    postLabels: ['post', 'plaatsen', 'publiceren', 'publish', 'delen', 'share now', 'nu delen'],
  },
  {
    id: 'linkedin',
    channel: 'linkedin',
    hosts: ['www.linkedin.com', 'linkedin.com'],
    boxSelectors: [
      'div.ql-editor[contenteditable="true"]',
      'div[contenteditable="true"][role="textbox"][aria-label*="text editor" i]',
      'div[contenteditable="true"][role="textbox"][aria-label*="teksteditor" i]',
    ],
    inDialog: false,
    postSelectors: ['button.share-actions__primary-action'],
    postLabels: ['post', 'posten', 'plaatsen', 'publiceren', 'publish'],
  },
  {
    id: 'x',
    channel: 'x',
    hosts: ['x.com', 'twitter.com', 'mobile.x.com', 'mobile.twitter.com'],
    boxSelectors: [
      'div[contenteditable="true"][data-testid^="tweetTextarea_"]',
      'div[role="textbox"][data-testid^="tweetTextarea_"]',
    ],
    inDialog: false,
    postSelectors: ['[data-testid="tweetButton"]', '[data-testid="tweetButtonInline"]'],
    postLabels: ['post', 'posten', 'plaatsen', 'tweet', 'alles posten', 'post all'],
  },
];

/**
 * Rules for a site the school added in the options: any textarea or contenteditable, and
 * the publish button the school chose there (if it did).
 */
export function extraSiteRule(site) {
  return {
    id: `extra:${site.pattern}`,
    extra: true,
    pattern: site.pattern,
    chosenButton: site.publishButton ?? null,
    channel: site.channel,
    hosts: [],
    boxSelectors: [
      'textarea',
      '[contenteditable="true"]',
      '[contenteditable=""]',
      '[contenteditable="plaintext-only"]',
    ],
    inDialog: false,
    postSelectors: [],
    postLabels: POST_LABELS,
  };
}

/** Every host name the platform rules cover, for the manifest's content_scripts matches. */
export function platformMatchPatterns() {
  return PLATFORMS.flatMap((p) => p.hosts.map((h) => `https://${h}/*`));
}

/** Whether a URL matches a WebExtension match pattern of the form scheme://host/path. */
export function matchesPattern(pattern, urlText) {
  const m = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/*]+)(\/.*)$/.exec(pattern);
  if (!m) return false;
  let url;
  try {
    url = new URL(urlText);
  } catch {
    return false;
  }
  const [, scheme, host, path] = m;
  const proto = url.protocol.slice(0, -1);
  if (scheme === '*' ? !['http', 'https'].includes(proto) : scheme !== proto) return false;
  const hostname = url.hostname.toLowerCase();
  if (host !== '*') {
    if (host.startsWith('*.')) {
      const base = host.slice(2);
      if (hostname !== base && !hostname.endsWith(`.${base}`)) return false;
    } else if (hostname !== host) {
      return false;
    }
  }
  const pathRe = new RegExp(`^${path.split('*').map(escapeRe).join('.*')}$`);
  return pathRe.test(url.pathname + url.search);
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The rule for the page at `urlText`: a platform, an extra site, or null (do nothing). */
export function siteFor(urlText, extraSites = []) {
  let url;
  try {
    url = new URL(urlText);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'https:') {
    const platform = PLATFORMS.find((p) => p.hosts.includes(host));
    if (platform) return platform;
  }
  const extra = extraSites.find((s) => matchesPattern(s.pattern, urlText));
  return extra ? extraSiteRule(extra) : null;
}
