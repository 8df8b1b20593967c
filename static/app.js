// ProctorWise page glue: no inline scripts (CSP), progressive enhancement only.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Selects marked data-autosubmit submit their form when changed (language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit();
    }
  });

  // Toasts disappear after six seconds or on click.
  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    toast.addEventListener("click", function () { toast.remove(); });
    setTimeout(function () { toast.remove(); }, 6000);
  }
  function armAll() {
    document.querySelectorAll("#toasts .toast").forEach(arm);
  }
  document.addEventListener("DOMContentLoaded", armAll);
  document.addEventListener("htmx:afterSettle", armAll);
  document.addEventListener("htmx:oobAfterSwap", armAll);

  // A request that fails without an answer (server down, network lost) is reported, not silent.
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("toasts");
    if (!box) return;
    var toast = document.createElement("div");
    toast.className = "toast toast-error";
    toast.setAttribute("role", "alert");
    toast.textContent = document.documentElement.lang === "fr"
      ? "Le serveur ne répond pas. Vérifiez votre connexion et réessayez."
      : "The server cannot be reached. Check your connection and try again.";
    box.appendChild(toast);
    arm(toast);
  });
})();
