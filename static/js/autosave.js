// Autosave of a draft form a few seconds after typing stops, for every form with data-autosave-url.
// The page works without it (its save button posts). data-autosave-skip names file fields to leave out;
// data-autosave-conflict is what to say when someone else saved the draft in the meantime.
(function () {
  "use strict";
  var DELAY = 4000;

  function t(ja, en) { return (document.documentElement.lang || "ja").slice(0, 2) === "ja" ? ja : en; }

  function attach(form) {
    var status = document.getElementById("save-status");
    var revision = form.querySelector("input[name='revision']");
    var skip = (form.dataset.autosaveSkip || "").split(/\s+/).filter(Boolean);
    var timer = null;
    var dirty = false;
    var stopped = false;
    var inFlight = null;

    function say(text) { if (status) { status.textContent = text; } }

    function autosave() {
      timer = null;
      if (!dirty || stopped) { return; }
      dirty = false;
      var data = new FormData(form);
      skip.forEach(function (name) { data.delete(name); });
      say(t("保存しています…", "Saving…"));
      inFlight = fetch(form.dataset.autosaveUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-Autosave": "1" }
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.redirected || !json) { return { code: 401, body: {} }; }  // sent to sign in
        return response.json().then(function (body) { return { code: response.status, body: body }; });
      }).then(function (result) {
        var body = result.body;
        if (result.code === 200) {
          if (revision) { revision.value = body.revision; }
          // New rows got their ids: the next save must post them as those rows, not as new ones again.
          Object.keys(body.row_ids || {}).forEach(function (name) {
            var input = form.querySelector("input[name='" + name + "']");
            if (input && !input.value) { input.value = body.row_ids[name]; }
          });
          say(t("最終保存: ", "Last saved ") + body.saved_at);
        } else if (result.code === 409) {
          stopped = true;
          say(form.dataset.autosaveConflict || t("他の人がこの下書きを保存しました。", "Someone else saved this draft."));
        } else if (result.code === 400) {
          dirty = true;
          say(t("未保存: 修正が必要な項目があります (", "Not saved: some fields need correcting (") +
              body.problems.map(function (p) { return p.label; }).join(", ") + ")");
        } else if (body.login_url) {
          // The server kept what was typed: signing in again brings it back.
          stopped = true;
          say(t("セッションが切れました。入力内容は保管されています: ", "Your session expired. Your input is kept: "));
          var link = document.createElement("a");
          link.href = body.login_url;
          link.textContent = t("再度サインイン", "sign in again");
          status.appendChild(link);
        } else {
          dirty = true;
          say(t("未保存: セッションが切れました。このページを開いたまま別のタブでサインインし、保存してください。",
                "Not saved: your session expired. Keep this page open, sign in in another tab, then save."));
        }
      }).catch(function () {
        dirty = true;
        say(t("未保存: 接続できません。", "Not saved: no connection."));
      }).then(function () { inFlight = null; });
    }

    function changed(event) {
      if (event.target && event.target.type === "file") { return; }
      dirty = true;
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(autosave, DELAY);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) {
      if (inFlight) {
        // Post once the autosave has answered, with the revision and row ids it returned: posting now would
        // carry the old revision, and the user would be told that "someone else" (their own autosave) saved.
        event.preventDefault();
        var submitter = event.submitter;
        inFlight.then(function () { form.requestSubmit(submitter || undefined); });
        return;
      }
      stopped = true;
      if (timer) { clearTimeout(timer); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !stopped) { event.preventDefault(); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-url]"), attach);
})();
