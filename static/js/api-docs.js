// Swagger UI of the API documentation page, loaded from the portal's own static files (the CSP allows
// no other origin and no inline script). The schema URL comes from the page.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    domNode: node,
    deepLinking: true,
    // A token typed into "Authorize" lives only in this page, never in storage.
    persistAuthorization: false,
    docExpansion: "none",
    defaultModelsExpandDepth: 0,
    // The page has its own heading and introduction: Swagger UI's info block would be a second <h1>.
    plugins: [
      function () {
        return { components: { InfoContainer: function () { return null; } } };
      },
    ],
  });
})();
