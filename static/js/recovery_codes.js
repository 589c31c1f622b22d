// Recovery codes: copy and print buttons (the page works without them: download posts, print is the browser's).
(function () {
  "use strict";
  var list = document.getElementById("recovery-codes");
  if (!list) { return; }
  var codes = Array.prototype.map.call(list.querySelectorAll("code"), function (node) { return node.textContent; });
  var status = document.querySelector("[data-copy-status]");
  var copy = document.querySelector("[data-copy-codes]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(codes.join("\n") + "\n").then(
        function () { status.textContent = status.dataset.copied; },
        function () { status.textContent = status.dataset.failed; }
      );
    });
  }
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
