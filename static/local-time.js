// Times travel as UTC milliseconds; people read and type them in their own time zone.
// - <time datetime="…Z" data-local> is rewritten in the browser's locale and time zone
//   (the server's text, in UTC, stays for browsers without JavaScript);
// - <input type="datetime-local" data-utc-target="NAME"> fills the hidden input NAME of its form
//   with the UTC milliseconds of the typed local time when the form is submitted (without
//   JavaScript the server reads the typed value as UTC, and the form says so).
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;

  function localise(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) return;
      var opts = el.dataset.local === "date" ? { dateStyle: "full" }
        : el.dataset.local === "time" ? { timeStyle: "medium" }
        : { dateStyle: "medium", timeStyle: "short" };
      el.textContent = new Intl.DateTimeFormat(lang, opts).format(d);
      el.title = d.toISOString();
    });
    root.querySelectorAll("[data-tz-note]").forEach(function (el) {
      el.textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    form.querySelectorAll("input[type=datetime-local][data-utc-target]").forEach(function (input) {
      var hidden = form.querySelector('input[name="' + input.dataset.utcTarget + '"]');
      if (!hidden) return;
      var ms = input.value ? new Date(input.value).getTime() : NaN;
      hidden.value = isNaN(ms) ? "" : String(ms);
    });
  }, true);

  document.addEventListener("DOMContentLoaded", function () { localise(document); });
  document.addEventListener("htmx:afterSettle", function (e) { localise(e.target); });
})();
