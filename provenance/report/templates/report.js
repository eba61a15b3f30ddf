"use strict";
/* provenance HTML report: sentence highlighting, keyboard moves, table
   sorting, and opening ledgers that a link points into. One listener per
   event on the document, so a report of any size attaches the same few.
   Reads only ids, data-links (integers) and data-sort keys; writes only
   classes, attributes and focus: never markup. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");

  // A ledger sentence (not a legend sample): its list says which side it is on.
  function sentenceOf(node) {
    var sentence = node && node.closest ? node.closest(".sent") : null;
    return sentence && sentence.parentElement.hasAttribute("data-side") ? sentence : null;
  }

  function sideOf(sentence) {
    return sentence.parentElement.getAttribute("data-side");
  }

  // The sentences of the other column that this one is linked with.
  function partners(sentence) {
    var box = sentence.closest("[data-rel]");
    if (!box) return [];
    var other = sideOf(sentence) === "d" ? "-s" : "-d";
    var found = [];
    (sentence.getAttribute("data-links") || "").split(" ").forEach(function (index) {
      if (!/^[0-9]+$/.test(index)) return;
      var target = document.getElementById(box.id + other + index);
      if (target) found.push(target);
    });
    return found;
  }

  // Scroll a column (never the page) so that the sentence is in view.
  function reveal(sentence) {
    var column = sentence.parentElement;
    if (!column || column.scrollHeight <= column.clientHeight) return;
    var top = sentence.offsetTop, bottom = top + sentence.offsetHeight;
    if (top < column.scrollTop || bottom > column.scrollTop + column.clientHeight) {
      column.scrollTop = Math.max(0, top - 24);
    }
  }

  // how: "hover" or "focus", kept apart so leaving with the mouse does not
  // undo what the keyboard focus shows.
  function highlight(sentence, how, on) {
    sentence.classList.toggle("is-" + how, on);
    var linked = partners(sentence);
    linked.forEach(function (target) { target.classList.toggle("linked-" + how, on); });
    if (on && linked.length) reveal(linked[0]);
  }

  var hovered = null;
  document.addEventListener("mouseover", function (event) {
    var sentence = sentenceOf(event.target);
    if (sentence === hovered) return;
    if (hovered) highlight(hovered, "hover", false);
    hovered = sentence;
    if (sentence) highlight(sentence, "hover", true);
  });
  root.addEventListener("mouseleave", function () {
    if (hovered) highlight(hovered, "hover", false);
    hovered = null;
  });
  document.addEventListener("focusin", function (event) {
    var sentence = sentenceOf(event.target);
    if (sentence) highlight(sentence, "focus", true);
  });
  document.addEventListener("focusout", function (event) {
    var sentence = sentenceOf(event.target);
    if (sentence) highlight(sentence, "focus", false);
  });

  function step(sentence, direction) {
    var next = direction > 0 ? sentence.nextElementSibling : sentence.previousElementSibling;
    return sentenceOf(next);
  }

  document.addEventListener("keydown", function (event) {
    var sentence = sentenceOf(event.target);
    if (!sentence || event.altKey || event.ctrlKey || event.metaKey) return;
    var side = sideOf(sentence), target = null;
    if (event.key === "ArrowDown") target = step(sentence, 1);
    else if (event.key === "ArrowUp") target = step(sentence, -1);
    else if ((event.key === "ArrowLeft" && side === "d") || (event.key === "ArrowRight" && side === "s")) {
      target = partners(sentence)[0] || null;
    }
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  // Table sorting: numbers by value, text by locale order; ties keep their
  // original order.
  function sortBy(header) {
    var table = header.closest("table");
    var body = table.tBodies[0];
    var column = Array.prototype.indexOf.call(header.parentElement.children, header);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var numeric = header.getAttribute("data-type") === "number";
    Array.prototype.forEach.call(header.parentElement.children, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.map.call(body.rows, function (row, position) {
      var cell = row.cells[column];
      var key = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
      return { row: row, key: numeric ? parseFloat(key) || 0 : key, position: position };
    });
    rows.sort(function (a, b) {
      var order = numeric ? a.key - b.key : a.key.localeCompare(b.key);
      return (ascending ? order : -order) || a.position - b.position;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.sort") : null;
    if (button) sortBy(button.closest("th"));
  });

  // A link to a ledger (from the graph or a table) opens it.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var details = target ? target.closest("details") : null;
    if (details) details.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    var details = target ? target.closest("details") : null;
    if (details) details.open = true;
  });
  openTarget();

  // Print every ledger, then restore what the reader had open.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });
})();
