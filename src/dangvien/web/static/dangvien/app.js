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
