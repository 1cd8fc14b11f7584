/* nowrongdoor pages: a few lines on top of htmx; every page also works without it. */
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });
  /* After htmx replaces a region, move focus to a heading inside it that asks
     for it, so keyboard and screen-reader users land on the new content. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) { return; }
    var focus = target.querySelector("[data-focus-after-swap]");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  });
  /* A refused form comes back as the same page (HTTP 400): focus moves to
     the field at fault (aria-invalid, its message tied by aria-describedby),
     or to the form's own message, so a keyboard or screen-reader user lands
     on what to fix instead of at the top of a long page. */
  function focusRefusal() {
    var field = document.querySelector('main [aria-invalid="true"]');
    var target = field || document.querySelector("main form [role=alert]");
    if (!target) { return; }
    if (!field) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusRefusal);
  } else {
    focusRefusal();
  }
  /* A form that creates a record (it carries a one-time form_key) is sent
     once: a second click while the first is on its way does nothing, and the
     buttons read as busy. A courtesy only: the server answers a repeat of the
     same key with the first answer's address (see docs/web.md). The buttons
     are disabled after the submission has read their values, and enabled
     again if the browser shows the page from its history. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector || !form.querySelector('input[name="form_key"]')) {
      return;
    }
    if (form.getAttribute("data-sent") === "yes") {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) { return; }
    form.setAttribute("data-sent", "yes");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.querySelectorAll("button, input[type=submit]").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll('form[data-sent="yes"]').forEach(function (form) {
      form.removeAttribute("data-sent");
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button, input[type=submit]").forEach(function (b) {
        b.disabled = false;
      });
    });
  });
})();
