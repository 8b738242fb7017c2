// Panels beside the main column (the document outline, the search facets) are
// <details open>, so they work without JavaScript; on a narrow screen they sit
// above the main column, and folding them lets it come first. Each says below
// which width it folds: <details open data-fold-below="960">.
(function () {
  document.querySelectorAll("details[data-fold-below]").forEach(function (panel) {
    var width = panel.getAttribute("data-fold-below");
    if (window.matchMedia("(max-width: " + width + "px)").matches) {
      panel.open = false;
    }
  });
})();
