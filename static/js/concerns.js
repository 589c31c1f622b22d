// Concern draft: autosave a few seconds after typing stops. The page works without it (the save button posts).
(function () {
  "use strict";
  var form = document.getElementById("concern-form");
  if (!form || !form.dataset.autosaveUrl) { return; }
  var status = document.getElementById("save-status");
  var revision = document.getElementById("id_revision");
  var timer = null;
  var dirty = false;
  var stopped = false;
  var DELAY = 4000;

  function say(text) { if (status) { status.textContent = text; } }
  function t(ja, en) { return (document.documentElement.lang || "ja").slice(0, 2) === "ja" ? ja : en; }

  function autosave() {
    timer = null;
    if (!dirty || stopped) { return; }
    dirty = false;
    var data = new FormData(form);
    data.delete("evidence");
    data.delete("remove_evidence");
    data.delete("file");
    say(t("保存しています…", "Saving…"));
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Autosave": "1" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.redirected || !json) { return { code: 401, body: {} }; }  // sent to sign in
      return response.json().then(function (body) { return { code: response.status, body: body }; });
    }).then(function (result) {
      if (result.code === 200) {
        revision.value = result.body.revision;
        say(t("最終保存: ", "Last saved ") + result.body.saved_at);
      } else if (result.code === 409) {
        stopped = true;
        say(t("他の人がこの下書きを保存しました。「下書きを保存」を押すと入力内容を保存できます。",
              "Someone else saved this draft. Press Save draft to keep your input."));
      } else if (result.code === 400) {
        dirty = true;
        say(t("未保存: 修正が必要な項目があります (", "Not saved: some fields need correcting (") +
            result.body.problems.map(function (p) { return p.label; }).join(", ") + ")");
      } else {
        dirty = true;
        say(t("未保存: セッションが切れました。このページを開いたまま別のタブでサインインし、「下書きを保存」を押してください。",
              "Not saved: your session expired. Keep this page open, sign in in another tab, then press Save draft."));
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
})();
