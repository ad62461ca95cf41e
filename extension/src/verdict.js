// From the service's answer to what the badge shows. Pure: no DOM, no browser APIs.
//
// Invariant (tested): the tone is green only for a well-formed "publish" decision without
// a single blocking finding, with every photo checked. Everything else is red or grey.

import { t } from './i18n.js';

/**
 * @typedef {object} ViewItem
 * @property {string} title     what was found, in the user's language
 * @property {string} where     the text found, or which photo
 * @property {string} advice
 * @property {{label: string, text: string}[]} articles  quoted articles of the code
 *
 * @typedef {object} View
 * @property {'empty'|'checking'|'publish'|'hold'|'incomplete'|'unreachable'|'not_configured'|
 *   'no_permission'|'error'} state
 * @property {'green'|'red'|'grey'|'neutral'} tone
 * @property {string} title
 * @property {string} detail
 * @property {string} policy          the code of conduct the articles come from
 * @property {ViewItem[]} items       blocking findings
 * @property {ViewItem[]} notices     findings that are only shown
 * @property {string[]} notes         remarks about photos that were not checked
 * @property {string|null} postId
 * @property {string[]} holdFindingIds
 */

function base(state, tone, title, detail, notes = []) {
  return {
    state,
    tone,
    title,
    detail,
    policy: '',
    items: [],
    notices: [],
    notes,
    postId: null,
    holdFindingIds: [],
  };
}

/** The badge before there is anything to check. */
export function emptyView(lang) {
  return base('empty', 'neutral', t(lang, 'brand'), t(lang, 'empty'));
}

/** The badge while a check is under way (or waiting for the user to stop typing). */
export function checkingView(lang) {
  return base('checking', 'neutral', t(lang, 'checking'), '');
}

function pick(message, lang) {
  if (!message || typeof message !== 'object') return '';
  return String(message[lang] ?? message.nl ?? '');
}

function itemFor(finding, reasons, lang) {
  let where = '';
  if (finding.span && typeof finding.span.text === 'string') {
    where = t(lang, 'found', { text: finding.span.text });
  } else if (Number.isInteger(finding.image_index)) {
    where = t(lang, 'inImage', { n: finding.image_index + 1 });
  }
  const articles = (Array.isArray(finding.articles) ? finding.articles : []).map((id) => {
    const reason = reasons.find((r) => r.article_id === id);
    const label = reason?.label || id;
    const article = t(lang, 'article', { label });
    const heading = reason?.title ? `${article} — ${reason.title}` : article;
    return { label: heading, text: reason ? String(reason.text ?? '') : '' };
  });
  return {
    title: pick(finding.message, lang) || String(finding.kind ?? ''),
    where,
    advice: pick(finding.advice, lang),
    articles,
  };
}

function imageNotes(unchecked, lang) {
  return unchecked.map((u) =>
    u.why === 'too_many'
      ? t(lang, 'imagesTooMany', { max: u.max })
      : t(lang, 'imageUnreadable', { name: u.name }),
  );
}

const ERROR_VIEWS = {
  not_configured: ['not_configured', 'notConfigured', 'notConfiguredDetail'],
  no_permission: ['no_permission', 'noPermission', 'noPermissionDetail'],
  unreachable: ['unreachable', 'unreachable', 'unreachableDetail'],
  starting: ['unreachable', 'starting', 'startingDetail'],
  auth: ['error', 'auth', 'authDetail'],
  rejected: ['error', 'rejected', 'errorDetail'],
  bad_response: ['error', 'error', 'errorDetail'],
};

/**
 * The view for a service result ({ok, data} or {ok: false, error}).
 * `uncheckedImages` lists photos that did not go to the service ({name, why, max}).
 */
export function viewFromResult(result, { lang = 'nl', uncheckedImages = [], imageCount = 0 } = {}) {
  const notes = imageNotes(uncheckedImages, lang);
  if (!result || !result.ok) {
    const error = result?.error ?? { kind: 'bad_response' };
    const [state, titleKey, detailKey] = ERROR_VIEWS[error.kind] ?? ERROR_VIEWS.bad_response;
    // The service's own explanation (e.g. "text too long") says more than ours.
    const detail =
      error.kind === 'rejected' && error.message ? pick(error.message, lang) : t(lang, detailKey);
    return base(state, 'grey', t(lang, titleKey), detail, notes);
  }
  const d = result.data;
  const findings = Array.isArray(d.findings) ? d.findings : [];
  const reasons = Array.isArray(d.reasons) ? d.reasons : [];
  const blocking = findings.filter((f) => f.severity !== 'notice');
  const shownOnly = findings.filter((f) => f.severity === 'notice');
  const checkedImages = imageCount > 0 ? [t(lang, 'imagesChecked', { n: imageCount })] : [];
  const view =
    d.action === 'publish' && blocking.length === 0
      ? notes.length
        ? base('incomplete', 'grey', t(lang, 'incomplete'), t(lang, 'incompleteDetail'), notes)
        : base('publish', 'green', t(lang, 'publish'), t(lang, 'publishDetail'), checkedImages)
      : base('hold', 'red', t(lang, 'hold'), t(lang, 'holdDetail'), [...notes, ...checkedImages]);
  view.policy = d.policy && typeof d.policy.title === 'string' ? d.policy.title : '';
  view.items = view.state === 'hold' ? blocking.map((f) => itemFor(f, reasons, lang)) : [];
  view.notices = shownOnly.map((f) => itemFor(f, reasons, lang));
  view.postId = typeof d.post_id === 'string' ? d.post_id : null;
  view.holdFindingIds = blocking.map((f) => String(f.id));
  return view;
}

/** Whether the badge may be green: the one place that decides it. */
export function isGreen(view) {
  return view.state === 'publish' && view.tone === 'green';
}
