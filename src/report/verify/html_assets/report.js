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


  // One time axis for every time line: zoom and pan them together. Each
  // drawn element carries its times (data-a, data-b: milliseconds); the
  // ticks of the calendar at every level come with the page (#ticks).
  var bar = document.getElementById("zoom");
  var tickData = document.getElementById("ticks");
  var svgs = Array.prototype.slice.call(document.querySelectorAll("svg.zoomable"));
  if (bar && tickData && svgs.length) {
    var NS = svgs[0].namespaceURI;
    var WIDTH = 880;
    var MIN_SPAN = 60000;
    var full = [Number(bar.getAttribute("data-a")), Number(bar.getAttribute("data-b"))];
    var view = full.slice();
    var ticks = JSON.parse(tickData.getAttribute("data-ticks") || "[]");
    var rangeText = document.getElementById("zoom-range");
    var zone = bar.getAttribute("data-zone") || "UTC";
    var format = null;
    try {
      format = new Intl.DateTimeFormat("en-CA", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      });
    } catch (e) { format = null; }
    function when(t) {
      return format ? format.format(new Date(t)).replace(",", "") : new Date(t).toISOString().slice(0, 16).replace("T", " ") + "Z";
    }

    // The finest level with two to nine ticks in view; else every n-th of
    // the coarsest with two or more; else the one there is.
    function chosenTicks() {
      var levels = [0, 1, 2, 3, 4].map(function (level) {
        return ticks.filter(function (k) { return k[2] === level && k[0] >= view[0] && k[0] <= view[1]; });
      });
      for (var i = 4; i >= 0; i -= 1) {
        if (levels[i].length >= 2 && levels[i].length <= 9) { return levels[i]; }
      }
      for (var j = 0; j <= 4; j += 1) {
        if (levels[j].length >= 2) {
          var step = Math.ceil(levels[j].length / 9);
          return levels[j].filter(function (k, n) { return n % step === 0; });
        }
      }
      for (var m = 0; m <= 4; m += 1) { if (levels[m].length) { return levels[m]; } }
      return [];
    }

    function layout(svg) {
      var left = Number(svg.getAttribute("data-left"));
      var right = Number(svg.getAttribute("data-right"));
      var plot = WIDTH - left - right;
      var span = view[1] - view[0];
      function x(t) { return left + (t - view[0]) / span * plot; }
      Array.prototype.forEach.call(svg.querySelectorAll(".t"), function (el) {
        var xa = x(Number(el.getAttribute("data-a")));
        var b = el.getAttribute("data-b");
        var tag = el.tagName.toLowerCase();
        if (b !== null) {
          var xb = x(Number(b));
          if (tag === "rect") {
            // A window or band stays visible at any zoom.
            var least = el.classList.contains("band") || el.classList.contains("observed") ? 2 : 0.5;
            el.setAttribute("x", xa.toFixed(2));
            el.setAttribute("width", Math.max(xb - xa, least).toFixed(2));
          } else if (tag === "line") {
            el.setAttribute("x1", xa.toFixed(2));
            el.setAttribute("x2", Math.max(xb, xa + 1).toFixed(2));
          }
        } else if (tag === "circle") {
          el.setAttribute("cx", xa.toFixed(2));
        } else if (tag === "line") {
          el.setAttribute("x1", xa.toFixed(2));
          el.setAttribute("x2", xa.toFixed(2));
        } else if (tag === "text") {
          el.setAttribute("x", xa.toFixed(2));
        }
      });
      spread(svg, left, WIDTH - right);
      var group = svg.querySelector("g.ticks");
      if (group) {
        var y1 = group.getAttribute("data-y1");
        var y2 = Number(group.getAttribute("data-y2"));
        while (group.firstChild) { group.removeChild(group.firstChild); }
        chosenTicks().forEach(function (k) {
          var g = document.createElementNS(NS, "g");
          g.setAttribute("class", "tick");
          var line = document.createElementNS(NS, "line");
          var tx = x(k[0]).toFixed(1);
          line.setAttribute("x1", tx); line.setAttribute("x2", tx);
          line.setAttribute("y1", y1); line.setAttribute("y2", String(y2));
          var text = document.createElementNS(NS, "text");
          text.setAttribute("x", tx); text.setAttribute("y", String(y2 + 16));
          text.setAttribute("text-anchor", "middle");
          text.textContent = k[1];
          g.appendChild(line); g.appendChild(text);
          group.appendChild(g);
        });
      }
    }

    // Evidence marks that would overlap move to a row above or below; past
    // three rows they are counted ("+N") instead of piled up.
    function spread(svg, from, to) {
      var old = svg.querySelector("g.more");
      if (old) { old.parentNode.removeChild(old); }
      var more = document.createElementNS(NS, "g");
      more.setAttribute("class", "more");
      var lanes = {};
      Array.prototype.forEach.call(svg.querySelectorAll("circle.mark"), function (mark) {
        if (!mark.hasAttribute("data-cy")) { mark.setAttribute("data-cy", mark.getAttribute("cy")); }
        var cy = mark.getAttribute("data-cy");
        (lanes[cy] = lanes[cy] || []).push(mark);
      });
      Object.keys(lanes).forEach(function (cy) {
        var marks = lanes[cy].sort(function (a, b) { return Number(a.getAttribute("cx")) - Number(b.getAttribute("cx")); });
        var last = [-1e9, -1e9, -1e9];
        var offsets = [0, -7, 7];
        var hidden = null;
        marks.forEach(function (mark) {
          var cx = Number(mark.getAttribute("cx"));
          var placed = false;
          for (var r = 0; r < 3 && !placed; r += 1) {
            if (cx - last[r] >= 8) {
              last[r] = cx;
              mark.setAttribute("cy", String(Number(cy) + offsets[r]));
              mark.removeAttribute("display");
              placed = true;
            }
          }
          var outside = cx < from || cx > to;
          if (!placed || outside) {
            mark.setAttribute("display", "none");
            if (placed || outside) { return; }
            if (hidden && cx - hidden.x < 24) {
              hidden.n += 1;
            } else {
              hidden = { x: cx, n: 1, y: Number(cy) };
              hidden.text = document.createElementNS(NS, "text");
              hidden.text.setAttribute("class", "label more");
              more.appendChild(hidden.text);
            }
            hidden.text.setAttribute("x", (hidden.x + 6).toFixed(1));
            hidden.text.setAttribute("y", String(hidden.y - 9));
            hidden.text.textContent = "+" + hidden.n;
          }
        });
      });
      svg.appendChild(more);
    }

    function apply() {
      svgs.forEach(layout);
      if (rangeText) { rangeText.textContent = when(view[0]) + " to " + when(view[1]); }
      bar.setAttribute("data-view", view[0] + " " + view[1]);
    }

    function set(a, b) {
      var span = Math.max(b - a, MIN_SPAN);
      var whole = full[1] - full[0];
      if (span >= whole) { view = full.slice(); apply(); return; }
      a = Math.max(full[0], Math.min(a, full[1] - span));
      view = [a, a + span];
      apply();
    }

    function zoom(factor, at) {
      var span = view[1] - view[0];
      var centre = at === undefined ? view[0] + span / 2 : at;
      var share = (centre - view[0]) / span;
      var next = span * factor;
      set(centre - share * next, centre - share * next + next);
    }

    Array.prototype.forEach.call(bar.querySelectorAll("button[data-zoom]"), function (button) {
      button.addEventListener("click", function () {
        var span = view[1] - view[0];
        switch (button.getAttribute("data-zoom")) {
          case "in": zoom(0.5); break;
          case "out": zoom(2); break;
          case "left": set(view[0] - span / 4, view[1] - span / 4); break;
          case "right": set(view[0] + span / 4, view[1] + span / 4); break;
          default: set(full[0], full[1]);
        }
      });
    });

    svgs.forEach(function (svg) {
      function timeAt(clientX) {
        var box = svg.getBoundingClientRect();
        var left = Number(svg.getAttribute("data-left"));
        var right = Number(svg.getAttribute("data-right"));
        var unit = box.width / WIDTH;
        var share = (clientX - box.left - left * unit) / ((WIDTH - left - right) * unit);
        return view[0] + share * (view[1] - view[0]);
      }
      svg.addEventListener("wheel", function (event) {
        event.preventDefault();
        zoom(event.deltaY < 0 ? 0.8 : 1.25, timeAt(event.clientX));
      }, { passive: false });
      var drag = null;
      svg.addEventListener("pointerdown", function (event) {
        drag = { x: event.clientX, view: view.slice() };
        if (svg.setPointerCapture) { svg.setPointerCapture(event.pointerId); }
      });
      svg.addEventListener("pointermove", function (event) {
        if (!drag) { return; }
        var box = svg.getBoundingClientRect();
        var left = Number(svg.getAttribute("data-left"));
        var right = Number(svg.getAttribute("data-right"));
        var plotPixels = (WIDTH - left - right) * box.width / WIDTH;
        var shift = (event.clientX - drag.x) / plotPixels * (drag.view[1] - drag.view[0]);
        set(drag.view[0] - shift, drag.view[1] - shift);
      });
      function end() { drag = null; }
      svg.addEventListener("pointerup", end);
      svg.addEventListener("pointercancel", end);
    });

    bar.hidden = false;
    apply();
  }

  window.addEventListener("beforeprint", function () {
    Array.prototype.slice.call(document.querySelectorAll("details")).forEach(function (d) { d.open = true; });
  });

  body.setAttribute("data-script", "ok");
})();
