// Content script (loaded by content.js): finds the compose box, keeps the badge next to it,
// and stands between the user and the platform's Post button. It never calls the service
// itself; every check goes through the background worker.

import { createBadge } from './badge.js';
import { extensionApi } from './browser_api.js';
import {
  buttonFrom,
  composeBoxFor,
  dialogOf,
  findComposeBoxes,
  findPostButton,
  isPostButton,
  readText,
} from './composer.js';
import { PrecheckController } from './controller.js';
import { showPostDialog } from './dialog.js';
import { isPostShortcut } from './guard.js';
import { t } from './i18n.js';
import { prepareImage } from './images.js';
import { startPicker } from './picker.js';
import { chosenButtonFrom } from './publish_button.js';
import { siteFor } from './sites.js';

const SCAN_MS = 250;
const PLACE_MS = 500;

/** Starts the pre-check on this page if it is a platform or a site the school added. */
export async function start() {
  const ext = extensionApi();
  const send = (msg) => ext.runtime.sendMessage(msg);
  const config = await send({ type: 'config' });
  const site = siteFor(window.location.href, config?.extraSites ?? []);
  if (!site) return null;
  return attach({ win: window, doc: document, site, lang: config?.lang ?? 'nl', send, prepareImage });
}

/**
 * Wires the pre-check into a page. Returns {controller, stop} (tests use both).
 * `send` delivers a message to the background worker and resolves with its answer.
 */
export function attach({ win, doc, site, lang, send, prepareImage: prepare, timers = win }) {
  let box = null;
  let badge = null;
  let bypass = false;
  let busy = false;
  // Set once a post went through; when the platform then empties the box, the photos that
  // were attached belong to the sent post, not to the next one.
  let posted = false;
  // The "kies de publiceerknop" mode on a school's own site, while it runs.
  let picker = null;
  // Why the last choice of a publish button could not be saved (a message key), or null.
  let pickProblem = null;

  const controller = new PrecheckController({
    send,
    channel: site.channel,
    lang,
    prepareImage: prepare,
    timers,
    onView: (view) => badge?.show(view, controller.lang),
  });

  /** The badge's line about the site's own publish button (only on a school's own site). */
  function publishTool() {
    if (!site.extra) return null;
    const lang = controller.lang;
    const chosen = site.chosenButton;
    let text;
    if (pickProblem) text = t(lang, pickProblem);
    else if (chosen) text = t(lang, 'pickChosen', { label: chosen.label || chosen.selector });
    else text = t(lang, 'pickNone');
    return { text, action: t(lang, chosen ? 'pickAgain' : 'pickStart'), onAction: startPick };
  }

  function startPick() {
    if (picker) return;
    picker = startPicker(doc, win, {
      lang: controller.lang,
      onPicked: async (button) => {
        let answer = null;
        try {
          answer = await send({ type: 'publishButton', button });
        } catch {
          answer = null; // the background worker is gone (extension updated or disabled)
        }
        picker = null;
        if (answer?.ok) {
          site.chosenButton = button;
          pickProblem = null;
        } else {
          pickProblem = 'pickFailed';
        }
        badge?.setTool(publishTool());
        box?.focus?.();
      },
      onCancel: () => {
        picker = null;
        box?.focus?.();
      },
    });
  }

  function activate(next) {
    if (next === box) return;
    box = next;
    if (!badge) {
      badge = createBadge(doc, win);
      badge.setTool(publishTool());
    }
    badge.show(controller.view, controller.lang);
    badge.anchorTo(box);
    controller.setText(readText(box));
  }

  function deactivate() {
    box = null;
    posted = false;
    controller.reset();
    badge?.remove();
    badge = null;
  }

  function syncText() {
    if (!box) return;
    const text = readText(box);
    if (posted && text.trim() === '') {
      posted = false;
      controller.reset();
      return;
    }
    controller.setText(text);
  }

  function scan() {
    if (box && !box.isConnected) {
      // Editors sometimes replace their element; carry on with the new one if it is there.
      const text = controller.text;
      const replacement = findComposeBoxes(doc, site).find((b) => readText(b) === text);
      if (replacement) {
        box = replacement;
        badge?.anchorTo(box);
      } else {
        deactivate();
      }
    }
    if (!box) {
      // A draft the platform restored, or a box that has focus before any event reached us.
      const found = findComposeBoxes(doc, site).find(
        (b) => b.contains(doc.activeElement) || readText(b).trim() !== '',
      );
      if (found) activate(found);
      return;
    }
    syncText();
  }

  let scanTimer = null;
  const scheduleScan = () => {
    if (scanTimer !== null) return;
    scanTimer = timers.setTimeout(() => {
      scanTimer = null;
      scan();
    }, SCAN_MS);
  };

  const onFocus = (e) => {
    const b = composeBoxFor(e.target, site);
    if (b) activate(b);
  };
  const onInput = (e) => {
    const b = composeBoxFor(e.target, site);
    if (!b) return;
    activate(b);
    syncText();
  };
  const addFiles = (files) => {
    const list = [...(files ?? [])];
    if (list.length) controller.addFiles(list);
  };
  const onChange = (e) => {
    const el = e.target;
    if (el && el.tagName === 'INPUT' && el.type === 'file') addFiles(el.files);
  };
  const inComposer = (target) =>
    box !== null && (box.contains(target) || Boolean(dialogOf(box)?.contains(target)));
  const onDrop = (e) => {
    if (inComposer(e.target)) addFiles(e.dataTransfer?.files);
  };
  const onPaste = (e) => {
    if (inComposer(e.target)) addFiles(e.clipboardData?.files);
  };

  function replay(target) {
    posted = true;
    bypass = true;
    try {
      if (target.tagName === 'FORM') target.requestSubmit();
      else target.click();
    } finally {
      bypass = false;
    }
  }

  /** The post was stopped; decide with the user whether and how it may go on. */
  async function handleBlocked(target, first) {
    if (busy) return;
    busy = true;
    try {
      let action = first;
      if (action === 'wait') {
        await controller.flush();
        if (box) controller.setText(readText(box));
        action = controller.postAttempt();
        if (action === 'wait') return;
      }
      if (action === 'allow') {
        replay(target);
        return;
      }
      const kind = action === 'warn_hold' ? 'hold' : 'unchecked';
      const answer = await showPostDialog(doc, {
        kind,
        view: controller.view,
        lang: controller.lang,
        onOverride: (r) => controller.recordOverride(r),
      });
      if (answer === 'go') {
        controller.allowCurrent();
        replay(target);
      } else {
        box?.focus?.();
      }
    } finally {
      busy = false;
    }
  }

  /** Stops the event when the post may not go out as it is; returns whether it did. */
  function guard(e, target) {
    syncText();
    const action = busy ? 'wait' : controller.postAttempt();
    if (action === 'allow') {
      posted = true;
      return false;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    e.stopPropagation();
    if (target) handleBlocked(target, action);
    return true;
  }

  const onClick = (e) => {
    if (bypass || picker || !box) return;
    // The site's chosen publish button may be a link, or a button inside some other control.
    const btn = chosenButtonFrom(e.target, site.chosenButton) ?? buttonFrom(e.target);
    if (btn && isPostButton(btn, box, site)) guard(e, btn);
  };
  const onKeydown = (e) => {
    if (bypass || picker || !box) return;
    if (isPostShortcut(e) && box.contains(e.target)) {
      guard(e, findPostButton(doc, box, site));
      return;
    }
    // Enter or Space on a focused button-like element posts as a click would.
    if (e.key === 'Enter' || e.key === ' ') {
      const btn = buttonFrom(e.target);
      if (btn && btn.tagName !== 'BUTTON' && btn.tagName !== 'INPUT' && isPostButton(btn, box, site)) {
        guard(e, btn);
      }
    }
  };
  const onSubmit = (e) => {
    if (bypass || !box) return;
    const form = e.target;
    if (!form.contains(box)) return;
    guard(e, e.submitter ?? form);
  };
  const place = () => badge?.place();

  doc.addEventListener('focusin', onFocus, true);
  doc.addEventListener('input', onInput, true);
  doc.addEventListener('change', onChange, true);
  doc.addEventListener('drop', onDrop, true);
  doc.addEventListener('paste', onPaste, true);
  doc.addEventListener('submit', onSubmit, true);
  // On the window, in the capture phase: before any handler of the page sees the event.
  win.addEventListener('click', onClick, true);
  win.addEventListener('keydown', onKeydown, true);
  win.addEventListener('scroll', place, true);
  win.addEventListener('resize', place);
  const observer = new win.MutationObserver(scheduleScan);
  observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });
  const placeTimer = timers.setInterval(place, PLACE_MS);
  // Photos chosen before this script started (a slow page, an extension update) raised a
  // change event nobody heard: take what the file inputs hold now, so that no photo is missed
  // and the badge cannot turn green without it.
  for (const input of doc.querySelectorAll('input[type="file"]')) addFiles(input.files);
  scan();

  return {
    controller,
    get box() {
      return box;
    },
    stop() {
      picker?.stop();
      picker = null;
      observer.disconnect();
      timers.clearInterval(placeTimer);
      if (scanTimer !== null) timers.clearTimeout(scanTimer);
      doc.removeEventListener('focusin', onFocus, true);
      doc.removeEventListener('input', onInput, true);
      doc.removeEventListener('change', onChange, true);
      doc.removeEventListener('drop', onDrop, true);
      doc.removeEventListener('paste', onPaste, true);
      doc.removeEventListener('submit', onSubmit, true);
      win.removeEventListener('click', onClick, true);
      win.removeEventListener('keydown', onKeydown, true);
      win.removeEventListener('scroll', place, true);
      win.removeEventListener('resize', place);
      deactivate();
    },
  };
}
