/*
 * Bilingual search widget: mounts a search box and results into any page.
 *
 *   <div id="box"></div>
 *   <script src="https://HOST/static/widget.js" data-target="#box"></script>
 *
 * Optional attributes: data-k (results, default 5), data-lang (any|zh|en), data-api-key.
 * It calls HOST/api/search under CORS (HOST must list this page's origin in cors_origins),
 * renders inside a Shadow DOM (host styles neither leak in nor out) and inserts all text with
 * textContent. No framework, no build step.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var base = new URL("../", script.src); // widget.js lives at BASE/static/widget.js
  var opts = script.dataset;
  var WINDOW = 320;
  var SNAP = 20;
  var TIMEOUT_MS = 15000;

  var CSS = [
    ":host { all: initial; display: block; font-family: system-ui, -apple-system, 'Segoe UI',",
    "  'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; font-size: 15px;",
    "  line-height: 1.55; color: #1d232b; }",
    "* { box-sizing: border-box; }",
    ".box { border: 1px solid #dde1e6; border-radius: 8px; padding: 12px; background: #fff; }",
    "form { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 8px; }",
    "input { flex: 1 1 12em; min-width: 0; font: inherit; padding: 6px 8px;",
    "  border: 1px solid #9aa4b0; border-radius: 6px; color: inherit; background: #fff; }",
    "select, button { font: inherit; padding: 6px 10px; border-radius: 6px; }",
    "select { border: 1px solid #9aa4b0; background: #fff; color: inherit; }",
    "button { border: 0; background: #0b5cad; color: #fff; font-weight: 600; cursor: pointer; }",
    ":focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }",
    ".status { color: #5b6572; font-size: 13px; margin: 4px 0; }",
    ".status.error { color: #b3261e; }",
    "ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }",
    "li { border-top: 1px solid #eef0f2; padding-top: 8px; }",
    ".badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff;",
    "  padding: 0 5px; border-radius: 3px; margin-right: 6px; }",
    ".zh { background: #b3261e; } .en { background: #1f6f43; }",
    ".heading { font-weight: 600; }",
    ".snippet { margin: 4px 0; overflow-wrap: anywhere; }",
    "mark { background: #ffe58a; color: inherit; }",
    ".cite { color: #5b6572; font-size: 13px; overflow-wrap: anywhere; }",
    "a { color: #0b5cad; }"
  ].join("\n");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function addStyles(root) {
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* fall back to a style element */ }
    }
    root.appendChild(el("style", null, CSS));
  }

  function insideWord(text, i) {
    return i > 0 && i < text.length &&
      /[A-Za-z0-9]/.test(text.charAt(i - 1)) && /[A-Za-z0-9]/.test(text.charAt(i));
  }

  // The passage with its highlight spans wrapped in <mark>, all as text nodes.
  function snippet(result) {
    var text = String(result.text || "");
    var spans = (result.highlights || []).filter(function (s) {
      return s && s.length === 2 && s[0] < s[1];
    }).sort(function (a, b) { return a[0] - b[0]; });
    if (!spans.length && result.snippet) { text = String(result.snippet); }
    var lo = 0;
    var hi = text.length;
    if (text.length > WINDOW) {
      // from the start of the result's snippet, else around the first highlight
      var focus = spans.length && result.snippet_span ? result.snippet_span[0] : null;
      var anchor = focus !== null && focus >= 0 && focus < text.length ? focus
        : (spans.length ? spans[0][0] : text.length);
      lo = anchor === focus ? focus : (spans.length ? Math.max(0, spans[0][0] - WINDOW / 4) : 0);
      lo = Math.min(lo, text.length - WINDOW);
      hi = lo + WINDOW;
      // move the edges a little so they do not cut a word in two (as web/highlight.py does)
      var limit = Math.min(anchor, lo + SNAP);
      while (lo < limit && (insideWord(text, lo) || /\s/.test(text.charAt(lo)))) { lo++; }
      var floor = Math.max(hi - SNAP, lo + 1);
      while (hi > floor && (insideWord(text, hi) || /\s/.test(text.charAt(hi - 1)))) { hi--; }
    }
    var p = el("p", "snippet");
    if (lo > 0) { p.appendChild(document.createTextNode("…")); }
    var at = lo;
    spans.forEach(function (s) {
      var start = Math.max(s[0], at);
      var end = Math.min(s[1], hi);
      if (start >= end) { return; }
      p.appendChild(document.createTextNode(text.slice(at, start)));
      p.appendChild(el("mark", null, text.slice(start, end)));
      at = end;
    });
    p.appendChild(document.createTextNode(text.slice(at, hi)));
    if (hi < text.length) { p.appendChild(document.createTextNode("…")); }
    return p;
  }

  function safeLink(url) {
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }

  function renderResult(r) {
    var li = el("li");
    li.lang = r.lang === "zh" ? "zh" : "en";
    var head = el("div");
    head.appendChild(el("span", "badge " + (r.lang === "zh" ? "zh" : "en"), r.lang === "zh" ? "中文" : "EN"));
    if (r.heading) { head.appendChild(el("span", "heading", r.heading)); }
    li.appendChild(head);
    li.appendChild(snippet(r));
    var c = r.citation || {};
    var cite = el("div", "cite");
    var parts = [c.title, c.section, c.paragraph, c.page != null ? "p. " + c.page : null];
    cite.appendChild(document.createTextNode(parts.filter(Boolean).join(" · ") + " · "));
    var open = el("a", "context", "在原文中查看 · Open in context");
    open.href = new URL("doc/" + encodeURIComponent(r.doc_id) + "#" + encodeURIComponent(r.chunk_id), base).href;
    open.target = "_top";
    cite.appendChild(open);
    var source = c.source_url && safeLink(c.source_url);
    if (source) {
      cite.appendChild(document.createTextNode(" · "));
      var a = el("a", "source", "原文 · Source");
      a.href = source;
      a.target = "_top";
      a.rel = "noopener noreferrer";
      cite.appendChild(a);
    }
    li.appendChild(cite);
    return li;
  }

  function mount(host) {
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    addStyles(root);
    var box = el("div", "box");
    var form = el("form");
    form.setAttribute("role", "search");
    var input = el("input");
    input.type = "search";
    input.name = "q";
    input.required = true;
    input.maxLength = 512;
    input.placeholder = "检索 · Search";
    input.setAttribute("aria-label", "检索词 · Search for");
    var lang = el("select");
    lang.setAttribute("aria-label", "语言 · Language");
    [["any", "全部 · All"], ["zh", "中文"], ["en", "English"]].forEach(function (o) {
      var option = el("option", null, o[1]);
      option.value = o[0];
      lang.appendChild(option);
    });
    lang.value = opts.lang || "any";
    var button = el("button", null, "搜索 · Search");
    button.type = "submit";
    form.appendChild(input);
    form.appendChild(lang);
    form.appendChild(button);
    var status = el("p", "status");
    status.setAttribute("role", "status");
    var list = el("ol", "results");
    box.appendChild(form);
    box.appendChild(status);
    box.appendChild(list);
    root.appendChild(box);
    var pending = null;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value.trim();
      if (!q) { return; }
      if (pending) { pending.abort(); }
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      pending = controller;
      var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
      var url = new URL("api/search", base);
      url.searchParams.set("q", q);
      url.searchParams.set("k", opts.k || "5");
      url.searchParams.set("lang", lang.value);
      var headers = opts.apiKey ? { "X-API-Key": opts.apiKey } : {};
      status.className = "status";
      status.textContent = "检索中… · Searching…";
      list.textContent = "";
      fetch(url.href, { headers: headers, mode: "cors", credentials: "omit",
                        signal: controller ? controller.signal : undefined })
        .then(function (resp) {
          return resp.json().then(function (body) {
            if (!resp.ok) { throw new Error((body.error && body.error.message) || resp.statusText); }
            return body;
          });
        })
        .then(function (body) {
          status.textContent = body.results.length + " 条结果 · results (" +
            Math.round(body.took_ms) + " ms)";
          body.results.forEach(function (r) { list.appendChild(renderResult(r)); });
        })
        .catch(function (err) {
          if (err && err.name === "AbortError" && pending !== controller) { return; }
          status.className = "status error";
          status.textContent = "检索失败 · Search failed: " + (err && err.message ? err.message : err);
        })
        .finally(function () { if (timer) { clearTimeout(timer); } });
    });
  }

  function start() {
    var host = opts.target ? document.querySelector(opts.target) : null;
    if (!host) {
      host = document.createElement("div");
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    mount(host);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
