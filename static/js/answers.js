// Answer section: add and reorder rows (autosave.js saves). The page works without it ("add a row" posts).
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) { return; }
  function t(ja, en) { return (document.documentElement.lang || "ja").slice(0, 2) === "ja" ? ja : en; }
  // Tell autosave.js that the answers changed (moving a row types nothing).
  function changed() { form.dispatchEvent(new Event("change")); }

  function renumber(rows) {
    var list = rows.querySelector("[data-row-list]");
    // A page of a long list: its rows are numbered from the page's first row.
    var offset = parseInt(rows.dataset.rowOffset || "0", 10);
    Array.prototype.forEach.call(list.children, function (row, index) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) { order.value = index + 1; }
      var number = row.querySelector("[data-row-number]");
      if (number) { number.textContent = offset + index + 1; }
    });
  }

  function addMoveButtons(row, rows) {
    var controls = row.querySelector(".row-controls");
    if (!controls || controls.querySelector("[data-move]")) { return; }
    [["up", t("上へ", "Move up")], ["down", t("下へ", "Move down")]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.move = pair[0];
      button.textContent = pair[1];
      button.addEventListener("click", function () {
        var sibling = pair[0] === "up" ? row.previousElementSibling : row.nextElementSibling;
        if (!sibling) { return; }
        row.parentNode.insertBefore(pair[0] === "up" ? row : sibling, pair[0] === "up" ? sibling : row);
        renumber(rows);
        changed();
      });
      controls.appendChild(button);
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-rows]"), function (rows) {
    var prefix = rows.dataset.rows;
    var total = rows.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = rows.querySelector("template[data-empty-row]");
    var list = rows.querySelector("[data-row-list]");
    Array.prototype.forEach.call(list.children, function (row) { addMoveButtons(row, rows); });
    var add = rows.querySelector("[data-add-row]");
    if (!add || !template || !total) { return; }
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      list.appendChild(row);
      total.value = index + 1;
      addMoveButtons(row, rows);
      renumber(rows);
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
