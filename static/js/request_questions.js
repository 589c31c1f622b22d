// Free questions of the request form: add, remove and reorder in place. Without this script the same
// buttons post the form and the server returns it with the list changed (nothing is saved until "Save draft").
(function () {
  "use strict";
  var box = document.querySelector("[data-questions]");
  if (!box) { return; }
  var list = box.querySelector("[data-question-list]");
  var template = box.querySelector("template[data-empty-question]");
  var total = box.querySelector("input[name='questions-TOTAL_FORMS']");
  var status = box.querySelector("[data-question-status]");
  function t(ja, en) { return (document.documentElement.lang || "ja").slice(0, 2) === "ja" ? ja : en; }

  // Give each question the names, ids and button values of its position, as the server would.
  function renumber() {
    Array.prototype.forEach.call(list.children, function (item, index) {
      Array.prototype.forEach.call(item.querySelectorAll("[name], [id], label[for]"), function (node) {
        ["name", "id", "for"].forEach(function (attribute) {
          var value = node.getAttribute(attribute);
          if (value) { node.setAttribute(attribute, value.replace(/questions-(\d+|__prefix__)-/, "questions-" + index + "-")); }
        });
      });
      Array.prototype.forEach.call(item.querySelectorAll("[data-question-number]"), function (node) {
        node.textContent = index + 1;
      });
      Array.prototype.forEach.call(item.querySelectorAll("button[name='question_edit']"), function (button) {
        button.value = button.value.replace(/-(\d+|__prefix__)$/, "-" + index);
      });
      item.querySelector("[data-move='up']").disabled = index === 0;
      item.querySelector("[data-move='down']").disabled = index === list.children.length - 1;
    });
    total.value = list.children.length;
  }

  function say(text) { if (status) { status.textContent = text; } }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("button[name='question_edit']");
    if (!button) { return; }
    event.preventDefault();
    var item = button.closest("[data-question]");
    if (button.hasAttribute("data-add-question")) {
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML;
      var added = holder.firstElementChild;
      list.appendChild(added);
      renumber();
      added.querySelector("textarea").focus();
      say(t("質問 " + list.children.length + " を追加しました", "Question " + list.children.length + " added"));
    } else if (button.hasAttribute("data-remove")) {
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      renumber();
      (next ? next.querySelector("textarea") : box.querySelector("[data-add-question]")).focus();
      say(t("質問を削除しました", "Question removed"));
    } else {
      var up = button.dataset.move === "up";
      var sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) { return; }
      list.insertBefore(up ? item : sibling, up ? sibling : item);
      renumber();
      var again = item.querySelector("[data-move='" + button.dataset.move + "']");
      (again.disabled ? item.querySelector("textarea") : again).focus();
      var position = Array.prototype.indexOf.call(list.children, item) + 1;
      say(t("質問を " + position + " 番目に移動しました", "Question moved to position " + position));
    }
  });
})();
