// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";

  function describeFiles(input, list) {
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      if (file.type && file.type.indexOf("image/") === 0 && window.URL && URL.createObjectURL) {
        var img = document.createElement("img");
        img.alt = "";
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.appendChild(img);
      }
      item.appendChild(document.createTextNode(file.name));
      list.appendChild(item);
    });
  }

  function enhanceDropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector(".file-list");
    if (!input || !list) { return; }
    input.addEventListener("change", function () { describeFiles(input, list); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) { return; }
      try {
        // Add the dropped photos to the ones already chosen.
        var all = new DataTransfer();
        Array.prototype.forEach.call(input.files || [], function (f) { all.items.add(f); });
        Array.prototype.forEach.call(dropped, function (f) { all.items.add(f); });
        input.files = all.files;
      } catch (e) {
        input.files = dropped;  // older browsers: the dropped photos replace the chosen ones
      }
      describeFiles(input, list);
    });
  }

  function totalSize(form) {
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
    });
    return total;
  }

  function busyOnSubmit(form) {
    form.addEventListener("submit", function (event) {
      // The server refuses a body over its limit before reading it; say so here instead,
      // while the draft is still in the form.
      var limit = parseInt(form.dataset.maxBytes || "0", 10);
      var warning = form.querySelector("#photos-size-error");
      if (limit && warning && totalSize(form) > limit - 65536) {
        event.preventDefault();
        warning.textContent = form.dataset.tooLarge || "";
        warning.hidden = false;
        return;
      }
      if (warning) { warning.hidden = true; }
      var button = form.querySelector("button[type=submit]");
      if (button && form.dataset.busy) {
        button.textContent = form.dataset.busy;
        button.setAttribute("aria-disabled", "true");
      }
    });
  }

  // Issue 16 points 1 and 5 (officer's result page): one control opens every folded article
  // text; a link to a folded article opens it; a photo opens full size in a dialog.
  function enhanceArticlesToggle(button) {
    var articles = document.querySelectorAll("details.article");
    if (!articles.length) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      Array.prototype.forEach.call(articles, function (d) { d.open = open; });
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? button.dataset.close : button.dataset.open;
    });
  }

  function openTargetArticle() {
    var id = decodeURIComponent((location.hash || "").slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }

  function enhanceEnlarge(link) {
    var dialog = document.getElementById("photo-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var img = dialog.querySelector("img");
      var thumb = link.closest("figure") && link.closest("figure").querySelector("img");
      img.src = link.getAttribute("href");
      img.alt = thumb ? thumb.alt : "";
      dialog.showModal();
    });
  }
  // End of issue 16 points 1 and 5.

  document.addEventListener("DOMContentLoaded", function () {
    // Issue 16 points 1 and 5 (officer's result page).
    Array.prototype.forEach.call(document.querySelectorAll("[data-articles-toggle]"), enhanceArticlesToggle);
    Array.prototype.forEach.call(document.querySelectorAll("a[data-enlarge]"), enhanceEnlarge);
    window.addEventListener("hashchange", openTargetArticle);
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href^="#article-"]');
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.tagName === "DETAILS") { target.open = true; }
    });
    openTargetArticle();
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), enhanceDropzone);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), busyOnSubmit);
    // After a screening, start reading (and tabbing) at the verdict.
    var target = document.getElementById("foutmeldingen") || document.getElementById("uitslag");
    if (target) { target.focus(); }
  });
})();
