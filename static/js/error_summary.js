// After a failed submit, move focus to the error summary so keyboard and screen-reader users start there.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
