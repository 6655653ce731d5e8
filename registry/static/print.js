// A printed certificate says when it was printed: the status on paper is that of that
// moment, and the QR code leads to today's. The page's own text is the server's time of
// rendering; the browser puts in its own clock at load and again just before printing.
"use strict";

(function () {
  const stamp = document.getElementById("print-stamp");
  if (!stamp || !stamp.dataset.template) return;
  const locale = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";

  function update() {
    const when = new Date().toLocaleString(locale, { dateStyle: "long", timeStyle: "short" });
    stamp.textContent = stamp.dataset.template.replace("{when}", when);
  }

  update();
  window.addEventListener("beforeprint", update);
})();
