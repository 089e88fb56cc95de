// Expand and collapse nodes of the organization tree; htmx loads the children once.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".tree .toggle");
  if (!button || button.classList.contains("leaf")) return;
  var list = button.closest("li").querySelector(":scope > ul");
  var open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", open ? "false" : "true");
  button.textContent = open ? "▸" : "▾";
  if (list) list.hidden = open;
});

// No inline handlers (the Content-Security-Policy forbids them): forms say what to do.
// data-shows="ID": on submit, show the progress element ID; data-once: disable the button
// so that a second click cannot send the form twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.shows) {
    var shown = document.getElementById(form.dataset.shows);
    if (shown) shown.hidden = false;
  }
  if (form.hasAttribute("data-once")) {
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  }
});
// data-submit-on-change: a select that applies at once (the language switch).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
});
// Bars: the width comes as data-bar-width (a share in percent) and is set through the DOM,
// which the Content-Security-Policy allows (a style="" attribute it does not). Also after
// htmx swaps new content in.
function drawBars(root) {
  root.querySelectorAll("[data-bar-width]").forEach(function (el) {
    var value = parseFloat(String(el.dataset.barWidth).replace(",", "."));
    el.style.width = (isNaN(value) ? 0 : Math.max(0, Math.min(100, value))) + "%";
  });
}
document.addEventListener("DOMContentLoaded", function () { drawBars(document); });
document.addEventListener("htmx:afterSwap", function (event) { drawBars(event.target); });
// data-back: the error pages' "go back" button (history.back, or home with no history).
document.addEventListener("click", function (event) {
  if (!event.target.closest("[data-back]")) return;
  if (window.history.length > 1) window.history.back();
  else window.location.href = "/";
});
// The menu button of a phone's screen: shows and hides the navigation.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".menu-toggle");
  if (!button) return;
  var nav = document.getElementById(button.getAttribute("aria-controls"));
  var open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", open ? "false" : "true");
  if (nav) nav.classList.toggle("open", !open);
});
// data-fill="SELECTOR" data-value="V": a found item's button writes V into that field
// (the transfer form's destination code).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill]");
  if (!button) return;
  var field = document.querySelector(button.dataset.fill);
  if (field) { field.value = button.dataset.value; field.focus(); }
});
