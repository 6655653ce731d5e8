// The auditor's checklist: SHA-256 digests of evidence files, computed in the browser
// with WebCrypto. The file input has no name, so the files are never sent; only the
// digests, added to the criterion's digest list, go with the form.
"use strict";

(function () {
  var texts = document.querySelector("[data-digest-texts]");

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function digest(file) {
    return file.arrayBuffer().then(function (bytes) {
      return crypto.subtle.digest("SHA-256", bytes);
    }).then(hex);
  }

  Array.prototype.forEach.call(document.querySelectorAll("input.evidence-files"), function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.dataset.digests);
      var status = document.getElementById(input.dataset.status);
      var files = Array.prototype.slice.call(input.files || []);
      if (!target || files.length === 0) { return; }
      if (status && texts) { status.textContent = texts.dataset.computing; }
      Promise.all(files.map(digest)).then(function (digests) {
        var known = target.value.split(/\s+/).filter(Boolean);
        digests.forEach(function (d) { if (known.indexOf(d) < 0) { known.push(d); } });
        target.value = known.join("\n");
        if (status && texts) { status.textContent = texts.dataset.done.replace("{n}", String(digests.length)); }
      }).catch(function () {
        if (status && texts) { status.textContent = texts.dataset.failed; }
      });
    });
  });
})();
