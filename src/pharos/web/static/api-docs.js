// Starts Swagger UI (served by Pharos from the swagger-ui-bundle package) on the API's
// description named by the page: no inline script, as the Content-Security-Policy requires.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
  });
});
