// The search form asks for the parameters the analyst set, nothing else. A
// browser sends every field of a form, empty or at its default, and the URL
// would carry them all (?q=…&scope=text&sort=relevance&standing=&group=&
// date_from=&date_to=…): long to share, noisy in a feed reader. Fields at
// their default say so with data-default="…". Without JavaScript the form
// submits as it is, and the site reads the empty parameters as unset.
(function () {
  var form = document.querySelector("form.search-box");
  if (!form) {
    return;
  }
  form.addEventListener("submit", function (event) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.value === "") {
        return;
      }
      if (field.value === field.getAttribute("data-default")) {
        return;
      }
      params.append(field.name, field.value);
    });
    event.preventDefault();
    var query = params.toString();
    window.location.assign(form.action + (query ? "?" + query : ""));
  });
})();
