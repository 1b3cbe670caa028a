// Live alerts: the inbox listens to /events/stream (server-sent events) and prepends each alert.
(function () {
  "use strict";
  var list = document.getElementById("alerts");
  var status = document.querySelector("[data-testid=live-status]");
  if (!list || !window.EventSource) { return; }
  var source = new EventSource("/events/stream");
  source.onopen = function () { status.textContent = "live"; };
  source.onerror = function () { status.textContent = "reconnecting…"; };
  source.addEventListener("alert", function (message) {
    var alert = JSON.parse(message.data);
    var empty = list.querySelector(".empty");
    if (empty) { empty.remove(); }
    var item = document.createElement("li");
    item.className = "alert unread";
    item.dataset.kind = alert.kind;
    var when = document.createElement("small");
    when.textContent = alert.created_at.replace("T", " ").slice(0, 19) + " · " + alert.kind;
    item.appendChild(when);
    item.appendChild(document.createElement("br"));
    var text = document.createTextNode(alert.subject);
    var detail = alert.detail || {};
    if (detail.record_id && (detail.record_kind === "report" || detail.record_kind === "case")) {
      var link = document.createElement("a");
      link.href = "/" + detail.record_kind + "s/" + encodeURIComponent(detail.record_id);
      link.appendChild(text);
      item.appendChild(link);
    } else {
      item.appendChild(text);
    }
    list.insertBefore(item, list.firstChild);
    var unread = document.querySelector("[data-testid=unread]");
    if (unread) { unread.textContent = String((parseInt(unread.textContent, 10) || 0) + 1); }
  });
})();
