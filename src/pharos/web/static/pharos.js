// Every page: the main menu button (phones and zoomed-in laptops) and the status region that
// announces the result of an action (the flash message) and live updates (window.pharosAnnounce).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function announce(text) {
    var region = document.getElementById("status-region");
    if (!region || !text) { return; }
    var line = document.createElement("p");
    line.className = "flash";
    line.textContent = text;
    region.textContent = "";
    // A change after a pause is what screen readers announce; text present at load is not.
    window.setTimeout(function () { region.appendChild(line); }, 100);
  }
  window.pharosAnnounce = announce;

  function ready() {
    var button = document.getElementById("menu-button");
    var nav = document.getElementById("main-nav");
    if (button && nav) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        nav.classList.toggle("open", open);
      });
      document.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
          button.setAttribute("aria-expanded", "false");
          nav.classList.remove("open");
          button.focus();
        }
      });
    }
    var region = document.getElementById("status-region");
    if (region && region.textContent.trim()) { announce(region.textContent.trim()); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
