// Copy buttons of /account/holder: each button names the element whose text it copies.
"use strict";

(function () {
  var status = document.getElementById("copy-status");

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      if (!source) { return; }
      var text = source.textContent;
      if (!navigator.clipboard) {
        select(source);
        say(status ? status.dataset.failed : "");
        return;
      }
      navigator.clipboard.writeText(text).then(
        function () { say(status ? status.dataset.copied : ""); },
        function () { select(source); say(status ? status.dataset.failed : ""); }
      );
    });
  });
})();
