// The document outline is open by default, so it works without JavaScript; on a
// narrow screen it sits above the text, and folding it lets the text come first.
(function () {
  var outline = document.querySelector("details.outline");
  if (outline && window.matchMedia("(max-width: 960px)").matches) {
    outline.open = false;
  }
})();
