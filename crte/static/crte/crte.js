// Small enhancements, without inline scripts (the CSP refuses them).
(function () {
  "use strict";

  // A filter box above long selects (`data-filterable`): typing hides the options that do
  // not contain the words typed (accents and case ignored); chosen options stay visible.
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function addFilter(select) {
    if (select.dataset.filterReady) return;
    select.dataset.filterReady = "true";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "fr-input fr-mb-1w";
    input.id = select.id + "-filtre";
    var label = document.createElement("label");
    label.className = "fr-label";
    label.htmlFor = input.id;
    label.textContent = "Filtrer la liste";
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var words = plain(input.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = plain(option.text);
        var shown = option.selected || words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !shown;
      });
    });
  }

  function enhance(root) {
    root.querySelectorAll("select[data-filterable]").forEach(addFilter);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });

})();

// Filters folded behind their button on a phone (<details data-open-wide>) are opened on a
// screen wide enough to show them beside the list.
(function () {
  "use strict";
  function openWide() {
    if (!window.matchMedia("(min-width: 48em)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
  document.addEventListener("DOMContentLoaded", openWide);
})();
