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
      var label = Array.prototype.map.call(button.childNodes, function (n) {
        return n.cloneNode(true);
      });
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(button.dataset.citation).then(function () {
          button.textContent = "已复制 · Copied";
          button.setAttribute("data-copied", "");
        }, function () {
          button.textContent = "复制失败 · Copy failed";
        }).finally(function () {
          setTimeout(function () {
            button.replaceChildren.apply(button, label.map(function (n) {
              return n.cloneNode(true);
            }));
            button.removeAttribute("data-copied");
          }, 2000);
        });
      });
    });
  }

  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.classList.contains("passage")) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "center" });
    }
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

  document.addEventListener("DOMContentLoaded", function () {
    setupCopyButtons();
    focusTarget();
    slashFocusesSearch();
    window.addEventListener("hashchange", focusTarget);
  });
})();
