// Small enhancements, without inline scripts (the CSP refuses them).

// Search boxes (core/_search_box.html, crte/core/search_box.py): htmx puts the options
// matching the words typed under the box; here they are chosen with the mouse or the
// keyboard (ARIA combobox: arrows, Enter, Escape). A chosen row becomes a checked checkbox
// carrying its key (replacing the previous one for a single choice); unchecking removes it.
(function () {
  "use strict";

  function parts(root) {
    return {
      input: root.querySelector("[role=combobox]"),
      list: root.querySelector("[role=listbox]"),
      chosen: root.querySelector("[data-chosen]"),
      status: root.querySelector("[data-status]"),
    };
  }

  function options(p) {
    return p.list ? Array.prototype.slice.call(p.list.querySelectorAll("[role=option]")) : [];
  }

  function close(p) {
    if (p.list) p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, option) {
    options(p).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function chosenItem(root, option) {
    var id = root.dataset.boxId + "_" + option.dataset.value;
    var item = document.createElement("li");
    var group = document.createElement("div");
    group.className = "fr-checkbox-group fr-checkbox-group--sm";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = root.dataset.name;
    box.value = option.dataset.value;
    box.id = id;
    box.checked = true;
    var label = document.createElement("label");
    label.className = "fr-label";
    label.htmlFor = id;
    label.textContent = option.dataset.label;
    if (option.dataset.detail) {
      var hint = document.createElement("span");
      hint.className = "fr-hint-text";
      hint.textContent = option.dataset.detail;
      label.appendChild(hint);
    }
    group.appendChild(box);
    group.appendChild(label);
    item.appendChild(group);
    return item;
  }

  function choose(root, option) {
    var p = parts(root);
    var same = Array.prototype.filter.call(p.chosen.querySelectorAll("input[type=checkbox]"), function (box) {
      return box.value === option.dataset.value;
    });
    if (!root.hasAttribute("data-multiple")) p.chosen.textContent = "";
    if (same.length && root.hasAttribute("data-multiple")) same[0].checked = true;
    else p.chosen.appendChild(chosenItem(root, option));
    p.input.value = "";
    close(p);
    p.list.textContent = "";
    p.status.textContent = "« " + option.dataset.label + " » choisi.";
    p.input.focus();
  }

  document.addEventListener("keydown", function (event) {
    var root = event.target.closest && event.target.closest("[data-search-box]");
    if (!root || event.target.getAttribute("role") !== "combobox") return;
    var p = parts(root);
    var all = options(p);
    var open = p.list && !p.list.hidden && all.length > 0;
    var current = all.indexOf(p.list ? p.list.querySelector("[aria-selected=true]") : null);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      p.list.hidden = false;
      p.input.setAttribute("aria-expanded", "true");
      var step = event.key === "ArrowDown" ? 1 : -1;
      activate(p, all[(current + step + all.length) % all.length]);
    } else if (event.key === "Enter" && open) {
      event.preventDefault(); // an open list is answered, the form is not sent
      if (current >= 0 || all.length === 1) choose(root, all[Math.max(current, 0)]);
      else activate(p, all[0]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(p);
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-search-box] [role=option]");
    if (option) choose(option.closest("[data-search-box]"), option);
  });

  document.addEventListener("focusout", function (event) {
    var root = event.target.closest && event.target.closest("[data-search-box]");
    if (!root || event.target.getAttribute("role") !== "combobox") return;
    // Later than a click on an option, which must still find it.
    window.setTimeout(function () { if (!root.contains(document.activeElement)) close(parts(root)); }, 200);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target.closest && event.target.closest("[data-search-box]");
    if (!root) return;
    var p = parts(root);
    var count = options(p).length;
    var searched = p.list && p.list.hasAttribute("data-searched") && p.input.value.trim() !== "";
    p.input.removeAttribute("aria-activedescendant");
    if (!searched) {
      close(p); // an answer arriving after the box was emptied (a row chosen)
      return;
    }
    p.input.setAttribute("aria-expanded", count ? "true" : "false");
    if (!count) p.status.textContent = "Aucun résultat.";
    else if (p.list.hasAttribute("data-more")) {
      p.status.textContent = count + " premiers résultats : précisez la recherche pour en voir d'autres.";
    } else p.status.textContent = count + " résultat" + (count > 1 ? "s" : "") + ".";
  });
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
