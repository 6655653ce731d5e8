// Starts Swagger UI on the registry's own OpenAPI document. A file of its own (not an
// inline script), so the page's Content-Security-Policy can allow scripts from 'self' only.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: root.dataset.url, dom_id: "#swagger-ui", deepLinking: true });
});
