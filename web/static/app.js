// Progressive enhancement only: the pages work without this file.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function setupCopyButtons() {
    document.querySelectorAll("button.copy[data-citation]").forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(button.dataset.citation).then(function () {
          button.textContent = button.dataset.done || "Copied";
          button.setAttribute("data-copied", "");
        }, function () {
          button.textContent = button.dataset.failed || "Copy failed";
        }).finally(function () {
          setTimeout(function () {
            button.textContent = label;
            button.removeAttribute("data-copied");
          }, 2000);
        });
      });
    });
  }

  // A permalink (/doc/<id>#<passage>) to a passage of another part of the document: open
  // the part that holds it (the server finds it from ?at=).
  function openPartOfTarget() {
    var doc = document.querySelector("article.document[data-doc-path]");
    var id = decodeURIComponent(location.hash.slice(1));
    if (!doc || !id || document.getElementById(id)) { return false; }
    if (new URLSearchParams(location.search).has("at")) { return false; }
    location.replace(doc.getAttribute("data-doc-path") + "?at=" + encodeURIComponent(id) +
      location.hash);
    return true;
  }

  // The cited passage in the middle of the screen, below the sticky title bar.
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el || !el.classList.contains("passage")) { return; }
    var folded = el.closest("details");
    if (folded) { folded.open = true; }
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center" });
  }

  function slashFocusesSearch() {
    document.addEventListener("keydown", function (event) {
      var box = document.getElementById("q");
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (event.key === "/" && box && !typing) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });
  }

  // Choosing a language (or a document) runs the search again.
  function rerunOnChange() {
    var form = document.querySelector("form.search");
    var box = document.getElementById("q");
    if (!form || !box) { return; }
    form.querySelectorAll("input[name=lang]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (box.value.trim()) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
      });
    });
  }

  function historyBack() {
    document.querySelectorAll("a[data-history-back]").forEach(function (link) {
      var sameSite = document.referrer && new URL(document.referrer).origin === location.origin;
      if (!sameSite) { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        history.back();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (openPartOfTarget()) { return; }
    setupCopyButtons();
    slashFocusesSearch();
    rerunOnChange();
    historyBack();
    focusTarget();
    window.addEventListener("hashchange", function () { if (!openPartOfTarget()) { focusTarget(); } });
  });
  // after fonts and layout settle, the browser's own jump to #id would leave it at the top
  window.addEventListener("load", function () { requestAnimationFrame(focusTarget); });
})();
