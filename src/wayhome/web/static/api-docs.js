// Starts Swagger UI on the API docs page (a file, not an inline script: the CSP allows none).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var csrf = root.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never send the document to swagger.io's validator
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      // A signed-in browser's writes carry the session's CSRF token, as the pages' forms do.
      if (csrf) {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    },
  });
})();
