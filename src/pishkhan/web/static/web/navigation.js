// The header's menus work without this file (each is a <details> disclosure). With it, an open menu
// also closes the way a menu is expected to: on a click elsewhere, and on Escape (focus goes back to
// the menu's name).
(function () {
  "use strict";
  var openMenus = function () {
    return document.querySelectorAll(".site-nav details[open]");
  };
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menus = openMenus();
    var innermost = menus[menus.length - 1];
    if (!innermost) return;
    innermost.removeAttribute("open");
    innermost.querySelector("summary").focus();
  });
})();
