// 摘编: the clauses an analyst gathers for a report, kept in this browser
// (localStorage) in the order they were taken. The 摘编 button beside a
// clause adds or removes it; the header's link opens /excerpts/?ids=… with
// them, a URL that can be sent to a colleague. Without JavaScript or storage
// the buttons stay hidden: there would be nowhere to keep the choice.
(function () {
  var KEY = "policybase.excerpts";
  var MAX = 300; // MAX_EXCERPTS in policybase/web/excerpts.py: ids ride in the URL
  var storage;
  try {
    storage = window.localStorage;
    storage.getItem(KEY);
  } catch (error) {
    return; // storage disabled (a locked-down browser): no basket
  }

  function load() {
    try {
      var ids = JSON.parse(storage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(Number.isInteger) : [];
    } catch (error) {
      return [];
    }
  }

  function save(ids) {
    storage.setItem(KEY, JSON.stringify(ids));
    show(ids);
  }

  var link = document.querySelector("a.excerpts-link");
  if (!link) return; // a page outside the site's frame
  var base = link.getAttribute("href");

  function address(ids) {
    return ids.length ? base + "?ids=" + ids.join(",") : base;
  }

  function show(ids) {
    link.querySelector(".count").textContent = ids.length ? "（" + ids.length + "）" : "";
    link.href = address(ids);
    document.querySelectorAll("button.excerpt[data-clause]").forEach(function (button) {
      var taken = ids.indexOf(Number(button.getAttribute("data-clause"))) >= 0;
      button.setAttribute("aria-pressed", String(taken));
      button.textContent = taken ? "已摘编" : "摘编";
    });
  }

  document.querySelectorAll("button.excerpt[data-clause]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var ids = load();
      var id = Number(button.getAttribute("data-clause"));
      var at = ids.indexOf(id);
      if (at >= 0) {
        ids.splice(at, 1);
      } else if (ids.length >= MAX) {
        button.textContent = "摘编已满 " + MAX + " 条";
        return;
      } else {
        ids.push(id);
      }
      save(ids);
    });
  });

  // Another tab took or dropped a clause.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) show(load());
  });

  show(load());

  var page = document.querySelector("[data-excerpt-ids]");
  if (!page) return;
  var shown = page.getAttribute("data-excerpt-ids").split(",").filter(Boolean).map(Number);
  var mine = load();
  if (shown.length === 0 && mine.length && !page.querySelector(".notice.error")) {
    window.location.replace(address(mine)); // the bare /excerpts/: open the basket
    return;
  }
  var isMine = shown.join(",") === mine.join(",");
  // On one's own basket, 移出 and 清空 change what is kept; on a shared one
  // they only change the page.
  if (isMine) {
    page.querySelectorAll("a.remove[data-clause]").forEach(function (remove) {
      remove.addEventListener("click", function () {
        var id = Number(remove.getAttribute("data-clause"));
        save(load().filter(function (other) { return other !== id; }));
      });
    });
    var clear = page.querySelector("a.clear");
    if (clear) clear.addEventListener("click", function () { save([]); });
  } else {
    var shared = page.querySelector(".notice.shared");
    if (shared) {
      shared.hidden = false;
      shared.querySelector("button.adopt").addEventListener("click", function () {
        var merged = mine.concat(shown.filter(function (id) { return mine.indexOf(id) < 0; }));
        save(merged.slice(0, MAX));
        window.location.assign(address(merged.slice(0, MAX)));
      });
    }
  }
})();
