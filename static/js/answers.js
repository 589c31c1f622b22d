// Answer form: autosave, add/reorder rows. The page works without it (save and "add a row" buttons post).
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  var revision = document.getElementById("id_revision");
  var timer = null;
  var dirty = false;
  var stopped = false;
  var DELAY = 4000;

  function say(text) { if (status) { status.textContent = text; } }
  function lang() { return (document.documentElement.lang || "ja").slice(0, 2); }
  function t(ja, en) { return lang() === "ja" ? ja : en; }

  function autosave() {
    timer = null;
    if (!dirty || stopped) { return; }
    dirty = false;
    var data = new FormData(form);
    data.delete("attachment");
    data.delete("remove_attachment");
    say(t("保存しています…", "Saving…"));
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Autosave": "1" }
    }).then(function (response) {
      return response.json().then(function (body) { return { code: response.status, body: body }; });
    }).then(function (result) {
      var body = result.body;
      if (result.code === 200) {
        revision.value = body.revision;
        say(t("最終保存: ", "Last saved ") + body.saved_at);
      } else if (result.code === 409) {
        stopped = true;
        say(t("他の人がこの下書きを保存しました。「保存」を押すと両方の版を比較できます。",
              "Someone else saved this draft. Press Save to compare both versions."));
      } else if (result.code === 401) {
        stopped = true;
        status.textContent = t("セッションが切れました。入力内容は保管されています: ",
                               "Your session expired. Your input is kept: ");
        var link = document.createElement("a");
        link.href = body.login_url;
        link.textContent = t("再度サインイン", "sign in again");
        status.appendChild(link);
      } else if (result.code === 400) {
        dirty = true;
        say(t("未保存: 修正が必要な項目があります (", "Not saved: some answers need correcting (") +
            body.problems.map(function (p) { return p.label; }).join(", ") + ")");
      }
    }).catch(function () {
      dirty = true;
      say(t("未保存: 接続できません。", "Not saved: no connection."));
    });
  }

  function changed(event) {
    if (event.target && event.target.type === "file") { return; }
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(autosave, DELAY);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { stopped = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !stopped) { event.preventDefault(); }
  });

  function renumber(rows) {
    var list = rows.querySelector("[data-row-list]");
    Array.prototype.forEach.call(list.children, function (row, index) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) { order.value = index + 1; }
      var number = row.querySelector("[data-row-number]");
      if (number) { number.textContent = index + 1; }
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
        changed({ target: row });
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
