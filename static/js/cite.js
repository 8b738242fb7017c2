// The 引用 button beside a clause (document, search, similar and compare
// pages) copies 《title》（文号）第八条：text and the clause's permalink, for a
// report. It is hidden in the page and shown here: without JavaScript there is
// nothing it could do.
(function () {
  function copy(text) {
    // The Clipboard API exists only on https and localhost; a site served
    // over plain http on the office network gets the older way.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = document.execCommand("copy");
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("button.cite[data-quote]").forEach(function (button) {
    var link = new URL(button.getAttribute("data-link"), window.location.href).href;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button.getAttribute("data-quote") + "\n" + link).then(
        function () { button.textContent = "已复制"; },
        function () { button.textContent = "复制失败"; }
      );
      setTimeout(function () { button.textContent = "引用"; }, 2000);
    });
  });
})();
