// Small conveniences on top of pages that work without JavaScript.
(function () {
  "use strict";

  // "Select all" checkbox in queue tables.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) return;
    var table = box.closest("table");
    table.querySelectorAll("input[name=references]").forEach(function (item) {
      item.checked = box.checked;
    });
  });

  // Buttons marked data-confirm ask before submitting (rejections, cancellations).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
