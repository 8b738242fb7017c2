// The facets are open by default, so they work without JavaScript; on a narrow
// screen they sit above the hits, and folding them lets the hits come first.
(function () {
  var panel = document.querySelector("details.facet-panel");
  if (panel && window.matchMedia("(max-width: 800px)").matches) {
    panel.open = false;
  }
})();
