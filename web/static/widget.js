/*
 * Bilingual search widget: mounts a search box and results into any page.
 *
 *   <div id="box"></div>
 *   <script src="https://HOST/static/widget.js" data-target="#box"></script>
 *
 * Optional attributes: data-k (results per page, default 5), data-lang (any|zh|en),
 * data-api-key, data-ui (zh|en; default: the browser's language), data-link-target (where
 * passages open: _blank (default, a new tab), _top or _self), data-live ("off" turns off
 * search-as-you-type).
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
  var DEBOUNCE_MS = 450; // search-as-you-type waits for a pause in typing
  var MIN_GAP_MS = 1000; // and sends at most one typed search a second (the rate limit is per minute)
  var LINK_TARGET = /^(_blank|_top|_self)$/.test(opts.linkTarget || "") ? opts.linkTarget : "_blank";
  var UI = opts.ui === "zh" || opts.ui === "en" ? opts.ui
    : (/^zh/i.test(navigator.language || "") ? "zh" : "en");

  var WORDS = {
    search: ["搜索", "Search"], searchFor: ["检索词", "Search for"],
    language: ["语言", "Language"], any: ["全部语言", "All languages"], zh: ["中文", "Chinese"],
    en: ["英文", "English"], allDocs: ["全部文献", "All documents"], documents: ["文献", "Documents"],
    dateFrom: ["起始日期", "From date"], dateTo: ["截止日期", "To date"],
    loading: ["检索中…", "Searching…"],
    summary: ["{articles}中的 {passages}（共{about} {n} 段）", "{passages} in {articles} (of {about}{n})"],
    onePassage: ["1 段", "1 passage"], passages: ["{n} 段", "{n} passages"],
    oneArticle: ["1 篇文章", "1 article"], articles: ["{n} 篇文章", "{n} articles"],
    about: ["约", "about "],
    empty: ["没有找到结果，请换个说法。", "No results: try other words."],
    noGood: ["没有找到可靠的答案：以下段落仅供参考。", "No good answer for this query: the closest passages below are for reference only."],
    weaker: ["较弱的匹配", "Weaker matches"], weak: ["弱", "weak"],
    otherZh: ["中文资料中的相关段落", "What the Chinese sources say"],
    otherEn: ["英文资料中的相关段落", "What the English sources say"],
    more: ["更多结果", "More results"], open: ["在原文中查看", "Open in context"],
    source: ["原始来源", "Original source"],
    rateLimited: ["检索太频繁，请 {s} 秒后再试。", "Too many searches: try again in {s} s."],
    cors: ["无法连接检索服务器，或服务器不允许本页面调用（CORS）。管理员可在服务器设置 cors_origins 中加入 {origin}。",
      "Could not reach the search server, or it does not allow this page (CORS). The fix: add {origin} to the server's cors_origins setting."],
    server: ["检索服务器出错，请稍后再试。", "The search server had a problem: please try again later."],
    badAnswer: ["检索服务器返回了无法识别的内容（状态 {status}）。", "The search server sent an answer this box cannot read (status {status})."],
    timeout: ["检索超时，请重试。", "The search took too long: please try again."],
    refused: ["检索未完成：{msg}", "The search could not be run: {msg}"]
  };
  function counted(n, one, many) { return n === 1 ? t(one) : t(many, { n: n }); }
  function t(key, values) {
    var text = WORDS[key][UI === "zh" ? 0 : 1];
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  var CSS = [
    ":host { all: initial; display: block; font-family: system-ui, -apple-system, 'Segoe UI',",
    "  'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; font-size: 15px;",
    "  line-height: 1.55; color: #1d232b; }",
    "* { box-sizing: border-box; }",
    ".box { border: 1px solid #dde1e6; border-radius: 8px; padding: 12px; background: #fff; }",
    "form { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 8px; }",
    ".filters { display: flex; flex-wrap: wrap; gap: 8px; flex-basis: 100%; }",
    ".filters select { flex: 1 1 14em; } input.date { flex: 0 1 7.5em; }",
    "input { flex: 1 1 12em; min-width: 0; font: inherit; padding: 6px 8px;",
    "  border: 1px solid #8a94a0; border-radius: 6px; color: inherit; background: #fff; }",
    "select, button { font: inherit; padding: 6px 10px; border-radius: 6px; }",
    "select { border: 1px solid #8a94a0; background: #fff; color: inherit; max-width: 100%; }",
    "button { border: 0; background: #0b5cad; color: #fff; font-weight: 600; cursor: pointer; }",
    "button.more { background: #fff; color: #0b5cad; border: 1px solid #8a94a0; margin-top: 8px; }",
    ":focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }",
    ".status { color: #5b6572; font-size: 13px; margin: 4px 0; }",
    ".status.error { color: #b3261e; }",
    ".status.nogood { color: #1d232b; border-left: 3px solid #0b5cad; padding-left: 8px; }",
    ".status[data-state=loading]::before { content: ''; display: inline-block; width: 10px; height: 10px;",
    "  margin-right: 6px; border: 2px solid #0b5cad; border-right-color: transparent; border-radius: 50%;",
    "  animation: spin .8s linear infinite; }",
    "@keyframes spin { to { transform: rotate(360deg); } }",
    "ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }",
    "li { border-top: 1px solid #eef0f2; padding-top: 8px; }",
    "li.divider, .other h3 { color: #5b6572; font-size: 13px; font-weight: 600; border-top: 1px solid #dde1e6; }",
    ".other h3 { margin: 12px 0 4px; padding-top: 8px; }",
    ".badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff;",
    "  padding: 0 5px; border-radius: 3px; margin-right: 6px; }",
    ".zh { background: #b3261e; } .en { background: #1f6f43; }",
    ".weak { font-size: 11px; color: #5b6572; border: 1px solid #dde1e6; border-radius: 3px; padding: 0 4px; margin-left: 6px; }",
    ".heading { font-weight: 600; color: inherit; }",
    ".snippet { margin: 4px 0; overflow-wrap: anywhere; }",
    "mark { background: #ffe58a; color: inherit; }",
    ".cite { color: #5b6572; font-size: 13px; overflow-wrap: anywhere; }",
    "a { color: #0b5cad; }",
    "@media (prefers-color-scheme: dark) {",
    "  :host { color: #e6e9ed; } .box { background: #1e2227; border-color: #333a42; }",
    "  input, select, button.more { background: #15181c; border-color: #7a8591; color: #e6e9ed; }",
    "  button { background: #7db4f0; color: #0d1117; } button.more { color: #7db4f0; }",
    "  .status, .cite, li.divider, .other h3, .weak { color: #a3acb8; } .status.nogood { color: #e6e9ed; }",
    "  .status.error { color: #f2b8b5; } li { border-color: #333a42; } mark { background: #6b5a10; }",
    "  a { color: #7db4f0; } }"
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

  function link(a, href) {
    a.href = href;
    a.target = LINK_TARGET;
    if (LINK_TARGET === "_blank") { a.rel = "noopener noreferrer"; }
    return a;
  }

  function passageUrl(r, q) {
    var url = new URL("doc/" + encodeURIComponent(r.doc_id), base);
    url.searchParams.set("at", r.chunk_id);
    if (q.length <= 300) { url.searchParams.set("q", q); }
    if (r.snippet_span && r.snippet_span.length === 2) {
      url.searchParams.set("s", r.snippet_span[0] + "-" + r.snippet_span[1]);
    }
    url.hash = r.chunk_id;
    return url.href;
  }

  function renderResult(r, q) {
    var li = el("li", r.match === "good" ? "good" : "weakmatch");
    li.lang = r.lang === "zh" ? "zh" : "en";
    var head = el("div");
    head.appendChild(el("span", "badge " + (r.lang === "zh" ? "zh" : "en"), r.lang === "zh" ? "中文" : "EN"));
    var c = r.citation || {};
    head.appendChild(link(el("a", "heading", r.heading || c.title), passageUrl(r, q)));
    if (r.match !== "good") { head.appendChild(el("span", "weak", t("weak"))); }
    li.appendChild(head);
    li.appendChild(snippet(r));
    var cite = el("div", "cite");
    var parts = [r.heading ? c.title : null, c.paragraph, c.page != null ? "p.\u00a0" + c.page : null];
    cite.appendChild(document.createTextNode(parts.filter(Boolean).join(" · ") + " · "));
    cite.appendChild(link(el("a", "context", t("open")), passageUrl(r, q)));
    var source = c.source_url && safeLink(c.source_url);
    if (source) {
      cite.appendChild(document.createTextNode(" · "));
      cite.appendChild(link(el("a", "source", t("source")), source));
    }
    li.appendChild(cite);
    return li;
  }

  function option(value, label) {
    var o = el("option", null, label);
    o.value = value;
    return o;
  }

  // An error answer (status, body or null) as the words shown to the reader.
  function explain(status, body, retryAfter) {
    if (status === 429) { return t("rateLimited", { s: retryAfter || 5 }); }
    if (status >= 500) { return t("server"); }
    if (body && body.error && body.error.message) { return t("refused", { msg: body.error.message }); }
    return t("badAnswer", { status: status });
  }

  function mount(host) {
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    addStyles(root);
    var box = el("div", "box");
    box.lang = UI === "zh" ? "zh-CN" : "en";
    var form = el("form");
    form.setAttribute("role", "search");
    var input = el("input");
    input.type = "search";
    input.name = "q";
    input.required = true;
    input.maxLength = 4000;
    input.placeholder = t("search");
    input.setAttribute("aria-label", t("searchFor"));
    var lang = el("select");
    lang.setAttribute("aria-label", t("language"));
    ["any", "zh", "en"].forEach(function (code) { lang.appendChild(option(code, t(code))); });
    lang.value = opts.lang || "any";
    var docs = el("select");
    docs.setAttribute("aria-label", t("documents"));
    docs.appendChild(option("", t("allDocs")));
    docs.hidden = true;
    var titles = {};
    function dateBox(key, hint) {
      var box = el("input", "date");
      box.type = "text";
      box.inputMode = "numeric";
      box.placeholder = hint;
      box.pattern = "\\d{4}(-\\d{2}(-\\d{2})?)?";
      box.setAttribute("aria-label", t(key));
      box.title = t(key) + " (2024, 2024-07, 2024-07-31)";
      return box;
    }
    var dateFrom = dateBox("dateFrom", "2023");
    var dateTo = dateBox("dateTo", "2024-12");
    var button = el("button", null, t("search"));
    button.type = "submit";
    form.appendChild(input);
    form.appendChild(lang);
    form.appendChild(button);
    var filters = el("div", "filters");
    filters.appendChild(docs);
    filters.appendChild(dateFrom);
    filters.appendChild(dateTo);
    form.appendChild(filters);
    var status = el("p", "status");
    status.setAttribute("role", "status");
    var list = el("ol", "results");
    var more = el("button", "more", t("more"));
    more.type = "button";
    more.hidden = true;
    var other = el("section", "other");  // the best passages in the other language
    other.hidden = true;
    box.appendChild(form);
    box.appendChild(status);
    box.appendChild(list);
    box.appendChild(more);
    box.appendChild(other);
    root.appendChild(box);
    var headers = opts.apiKey ? { "X-API-Key": opts.apiKey } : {};
    var pending = null;
    var state = { q: "", offset: 0, shownWeak: false, pausedUntil: 0, lastAuto: 0, timer: null,
                  articles: {} };

    fetch(new URL("api/documents", base).href, { headers: headers, mode: "cors", credentials: "omit" })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (body) {
        if (!body || !body.documents || body.documents.length < 2) { return; }
        body.documents.forEach(function (d) {
          titles[d.doc_id] = d.title;
          docs.appendChild(option(d.doc_id, d.title));
        });
        docs.hidden = false;
      })
      .catch(function () { /* the search itself reports what went wrong */ });

    function setStatus(kind, text) {
      status.className = "status" + (kind === "error" ? " error" : kind === "nogood" ? " nogood" : "");
      status.setAttribute("data-state", kind);
      status.textContent = text;
    }

    function run(append) {
      var q = input.value.trim();
      if (!q) { return; }
      if (pending) { pending.abort(); }
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      pending = controller;
      var timedOut = false;
      var timer = controller && setTimeout(function () { timedOut = true; controller.abort(); }, TIMEOUT_MS);
      if (!append) {
        state.q = q; state.offset = 0; state.shownWeak = false; state.articles = {};
        list.textContent = ""; other.textContent = ""; other.hidden = true;
      }
      var k = parseInt(opts.k || "5", 10) || 5;
      var url = new URL("api/search", base);
      url.searchParams.set("q", state.q);
      url.searchParams.set("k", String(k));
      url.searchParams.set("lang", lang.value);
      url.searchParams.set("offset", String(state.offset));
      if (docs.value) { url.searchParams.set("doc", docs.value); }
      if (dateFrom.value.trim()) { url.searchParams.set("date_from", dateFrom.value.trim()); }
      if (dateTo.value.trim()) { url.searchParams.set("date_to", dateTo.value.trim()); }
      setStatus("loading", t("loading"));
      more.hidden = true;
      fetch(url.href, { headers: headers, mode: "cors", credentials: "omit",
                        signal: controller ? controller.signal : undefined })
        .then(function (resp) {
          var retry = parseInt(resp.headers.get("Retry-After") || "", 10);
          return resp.text().then(function (raw) {
            var body = null;
            try { body = JSON.parse(raw); } catch (e) { body = null; }
            if (!resp.ok || !body || !body.results) {
              if (resp.status === 429) { state.pausedUntil = Date.now() + (retry || 5) * 1000; }
              var err = new Error(explain(resp.status, body, retry));
              err.shown = true;
              err.state = resp.status === 429 ? "ratelimited" : resp.status >= 500 ? "server" : "error";
              throw err;
            }
            return body;
          });
        })
        .then(function (body) {
          var about = body.total_is_estimate ? t("about") : "";
          var b = body.offset + body.results.length;
          body.results.forEach(function (r) {
            state.articles[r.doc_id + "\u0000" + (r.heading || "")] = true;
            if (r.match !== "good" && !state.shownWeak && (body.good || body.offset > 0 || list.childNodes.length)) {
              list.appendChild(el("li", "divider", t("weaker")));
            }
            if (r.match !== "good") { state.shownWeak = true; }
            list.appendChild(renderResult(r, state.q));
          });
          state.offset = b;
          if (!append) { renderOther(body.other_language || [], state.q); }
          if (!body.results.length && !append) {
            setStatus("empty", t("empty"));
          } else if (!body.good && body.offset === 0) {
            setStatus("nogood", t("noGood"));
          } else {
            // what is shown: the passages so far, the articles they are in, the ranking's total
            setStatus("done", t("summary", {
              passages: counted(b, "onePassage", "passages"),
              articles: counted(Object.keys(state.articles).length, "oneArticle", "articles"),
              n: body.total, about: about }));
          }
          // facet counts: how many passages each document holds for this query
          var counts = (body.facets && body.facets.doc) || {};
          Array.prototype.forEach.call(docs.options, function (o) {
            if (o.value && titles[o.value]) {
              o.textContent = titles[o.value] + " (" + (counts[o.value] || 0) + ")";
            }
          });
          more.hidden = !(body.results.length && b < body.total);
        })
        .catch(function (err) {
          if (err && err.name === "AbortError" && !timedOut) { return; }
          var text = timedOut ? t("timeout")
            : err && err.shown ? err.message : t("cors", { origin: location.origin });
          var kind = timedOut ? "timeout" : err && err.state ? err.state : "cors";
          setStatus("error", text);
          status.setAttribute("data-state", kind);
        })
        .finally(function () { if (timer) { clearTimeout(timer); } });
    }

    // the other language's best passages, under their own heading (first page only)
    function renderOther(items, q) {
      other.textContent = "";
      if (!items.length) { other.hidden = true; return; }
      var code = items[0].lang === "zh" ? "zh" : "en";
      other.lang = code;
      other.appendChild(el("h3", null, t(code === "zh" ? "otherZh" : "otherEn")));
      var ol = el("ol", "other-results");
      items.forEach(function (r) { ol.appendChild(renderResult(r, q)); });
      other.appendChild(ol);
      other.hidden = false;
    }

    // search as you type: after a pause, at most once a second, never while rate-limited
    function typed() {
      if (opts.live === "off") { return; }
      clearTimeout(state.timer);
      state.timer = setTimeout(function go() {
        var q = input.value.trim();
        if (q.length < 2 || q === state.q) { return; }
        var now = Date.now();
        var wait = Math.max(state.pausedUntil - now, state.lastAuto + MIN_GAP_MS - now);
        if (wait > 0) { state.timer = setTimeout(go, wait); return; }
        state.lastAuto = now;
        run(false);
      }, DEBOUNCE_MS);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(state.timer);
      run(false);
    });
    input.addEventListener("input", typed);
    lang.addEventListener("change", function () { if (input.value.trim()) { run(false); } });
    docs.addEventListener("change", function () { if (input.value.trim()) { run(false); } });
    [dateFrom, dateTo].forEach(function (box) {
      box.addEventListener("change", function () { if (input.value.trim()) { run(false); } });
    });
    more.addEventListener("click", function () { run(true); });
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
