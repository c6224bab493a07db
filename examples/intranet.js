// Where the search server is: ?server=... (default: the usual local address).
(function () {
  // served by the search server itself (/example): that server; else the usual local one
  var own = /^https?:$/.test(location.protocol) && location.pathname === "/example/";
  var given = new URLSearchParams(location.search).get("server") ||
    (own ? location.origin : "http://127.0.0.1:8000");
  var server = new URL(given).origin;
  document.getElementById("server-url").textContent = server;
  document.getElementById("search-frame").src = server + "/embed?q=" + encodeURIComponent("标准化");
  var script = document.createElement("script");
  script.src = server + "/static/widget.js";
  script.setAttribute("data-target", "#box");
  document.body.appendChild(script);
})();
