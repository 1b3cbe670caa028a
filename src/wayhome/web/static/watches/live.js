// Live pages: listen to /events/stream (server-sent events) and, on each alert, have the
// page's live parts re-read themselves through htmx (the server renders them, through the
// need-to-know gate, with names and links). A part marked data-live="any" is re-read on every
// alert; data-live-case="<id>" only on alerts about that case.
(function () {
  "use strict";
  var status = document.querySelector("[data-testid=live-status]");
  if (!window.EventSource) { return; }
  // The words are the page's, in the reader's language (data-say-live, data-say-reconnecting);
  // data-state keeps the English key.
  function setStatus(text) {
    if (!status) { return; }
    var said = text === "live" ? status.dataset.sayLive : status.dataset.sayReconnecting;
    status.textContent = said || text;
    status.dataset.state = text;
  }
  function aboutCase(alert) {
    var detail = alert.detail || {};
    if (detail.case_id) { return String(detail.case_id); }
    if (detail.record_kind === "case" && detail.record_id) { return String(detail.record_id); }
    return "";
  }
  // The parts an alert concerns, re-read with one request per page address: the first part
  // of each address fetches it and the others (by id) are swapped from the same answer
  // (hx-select-oob), so that a page with three live parts is rendered once, not three times.
  function refresh(caseId) {
    var parts = document.querySelectorAll("[data-live], [data-live-case]");
    var groups = {};
    var order = [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      var wanted = part.dataset.live === "any" || (caseId && part.dataset.liveCase === caseId);
      if (!wanted) { continue; }
      var url = part.id ? (part.getAttribute("hx-get") || "") : "";
      if (!url) { window.htmx.trigger(part, "wayhome-refresh"); continue; }
      if (!groups[url]) { groups[url] = []; order.push(url); }
      groups[url].push(part);
    }
    order.forEach(function (url) {
      var group = groups[url];
      var others = group.slice(1).map(function (part) { return "#" + part.id; });
      if (others.length) {
        group[0].setAttribute("hx-select-oob", others.join(","));
      } else {
        group[0].removeAttribute("hx-select-oob");
      }
      window.htmx.trigger(group[0], "wayhome-refresh");
    });
  }
  var source = new EventSource("/events/stream");
  source.onopen = function () { setStatus("live"); };
  source.onerror = function () { setStatus("reconnecting…"); };
  source.addEventListener("alert", function (message) {
    var alert = JSON.parse(message.data);
    var caseId = aboutCase(alert);
    document.body.dataset.lastAlert = alert.id;
    if (window.htmx) { refresh(caseId); }
    document.body.dispatchEvent(new CustomEvent("wayhome-alert", { detail: alert }));
  });
})();
