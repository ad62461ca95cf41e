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

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), enhanceDropzone);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), busyOnSubmit);
    // After a screening, start reading (and tabbing) at the verdict.
    var target = document.getElementById("foutmeldingen") || document.getElementById("uitslag");
    if (target) { target.focus(); }
  });
})();
