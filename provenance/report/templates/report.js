"use strict";
/* provenance HTML report: sentence highlighting, keyboard moves, table
   sorting, and opening ledgers that a link points into. One listener per
   event on the document, so a report of any size attaches the same few.
   Reads only ids, data-links and data-n (integers), data-side (d or s)
   and data-sort keys; writes only classes, attributes, focus and scroll
   offsets: never markup. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");

  // A ledger sentence (not a legend sample): its cell says which side it is on.
  function sentenceOf(node) {
    var sentence = node && node.closest ? node.closest(".sent") : null;
    return sentence && sentence.parentElement.hasAttribute("data-side") ? sentence : null;
  }

  function sideOf(sentence) {
    return sentence.parentElement.getAttribute("data-side");
  }

  // The sentences on the other side that this one is linked with (a source
  // sentence reused twice stands in two rows): the ones in its own row first.
  function partners(sentence) {
    var box = sentence.closest("[data-rel]");
    if (!box) return [];
    var other = sideOf(sentence) === "d" ? "s" : "d";
    var row = sentence.closest("tr");
    var near = [], far = [];
    (sentence.getAttribute("data-links") || "").split(" ").forEach(function (index) {
      if (!/^[0-9]+$/.test(index)) return;
      box.querySelectorAll('[data-side="' + other + '"] > .sent[data-n="' + index + '"]').forEach(function (target) {
        (target.closest("tr") === row ? near : far).push(target);
      });
    });
    return near.concat(far);
  }

  // Scroll the ledger (never the page) to the first linked sentence, unless
  // one of them already shows (beside the sentence, in its row, it does).
  function reveal(linked) {
    var box = linked[0].closest(".ledger");
    if (!box || box.scrollHeight <= box.clientHeight) return;
    var frame = box.getBoundingClientRect();
    var seen = linked.some(function (target) {
      var r = target.getBoundingClientRect();
      return r.bottom > frame.top + 40 && r.top < frame.bottom;
    });
    if (!seen) {
      box.scrollTop += linked[0].getBoundingClientRect().top - frame.top - 48;
    }
  }

  // how: "hover" or "focus", kept apart so leaving with the mouse does not
  // undo what the keyboard focus shows.
  function highlight(sentence, how, on) {
    sentence.classList.toggle("is-" + how, on);
    var linked = partners(sentence);
    linked.forEach(function (target) { target.classList.toggle("linked-" + how, on); });
    if (on && linked.length) reveal(linked);
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

  // The next (or previous) sentence on the same side of the ledger.
  function step(sentence, direction) {
    var box = sentence.closest("[data-rel]");
    if (!box) return null;
    var column = box.querySelectorAll('[data-side="' + sideOf(sentence) + '"] > .sent');
    var at = Array.prototype.indexOf.call(column, sentence) + direction;
    return at >= 0 && at < column.length ? column[at] : null;
  }

  document.addEventListener("keydown", function (event) {
    var sentence = sentenceOf(event.target);
    if (!sentence || event.altKey || event.ctrlKey || event.metaKey) return;
    var side = sideOf(sentence), target = null;
    if (event.key === "ArrowDown") target = step(sentence, 1);
    else if (event.key === "ArrowUp") target = step(sentence, -1);
    else if ((event.key === "ArrowRight" && side === "d") || (event.key === "ArrowLeft" && side === "s")) {
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
