// Filters by verdict and severity, and sortable tables. The page works
// without this script; it only hides and orders what is already there.
(function () {
  "use strict";
  var body = document.body;
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    body.setAttribute("data-script-errors", String(errors));
  });

  var boxes = Array.prototype.slice.call(document.querySelectorAll("nav.filters input[type=checkbox]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-verdict][data-severity]"));
  var shown = document.getElementById("shown");

  function wanted(kind) {
    var set = {};
    boxes.forEach(function (box) {
      if (box.name === kind && box.checked) { set[box.value] = true; }
    });
    return set;
  }

  function apply() {
    var verdicts = wanted("verdict");
    var severities = wanted("severity");
    var rules = 0;
    items.forEach(function (item) {
      var visible = verdicts[item.getAttribute("data-verdict")] && severities[item.getAttribute("data-severity")];
      item.hidden = !visible;
      if (visible && item.tagName === "SECTION") { rules += 1; }
    });
    if (shown) { shown.textContent = rules + " of " + document.querySelectorAll("section.rule").length + " rules shown"; }
  }

  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();

  function key(cell) {
    var value = cell.getAttribute("data-value");
    return value === null ? cell.textContent.trim().toLowerCase() : value;
  }

  Array.prototype.slice.call(document.querySelectorAll("table.sortable")).forEach(function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"));
    heads.forEach(function (head) {
      head.tabIndex = 0;
      function sort() {
        var index = Array.prototype.indexOf.call(head.parentNode.children, head);
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = head.getAttribute("data-sort") === "number";
        var tbody = table.tBodies[0];
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index]);
          var y = key(b.cells[index]);
          var order = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { tbody.appendChild(row); });
      }
      head.addEventListener("click", sort);
      head.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });

  window.addEventListener("beforeprint", function () {
    Array.prototype.slice.call(document.querySelectorAll("details")).forEach(function (d) { d.open = true; });
  });

  body.setAttribute("data-script", "ok");
})();
