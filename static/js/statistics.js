// Statistics page: draws the charts from the numbers the page carries in
// <script id="stats-data" type="application/json">; the tables under the
// charts hold the same numbers, so without this script nothing is lost.
(function () {
  "use strict";

  var source = document.getElementById("stats-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;

  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1f2933";
  Chart.defaults.maintainAspectRatio = false;

  // One hue family per instrument group (the document page's group colours),
  // so the stacks read as three blocks.
  var PALETTES = {
    supply: ["#1d3f66", "#2c5687", "#3b6ea5", "#6f97c4", "#a9c2de"],
    environment: ["#26502b", "#386f3f", "#4d8b55", "#7fb086", "#b5d3b9"],
    demand: ["#7a4410", "#a35d1c", "#c7792b", "#e3a86a"],
  };
  var GROUP_COLORS = { supply: "#3b6ea5", environment: "#4d8b55", demand: "#c7792b" };
  var DOCUMENT_COLORS = { full_text: "#b3261e", toc_only: "#f4b4ae" };

  function categoryColor(index) {
    var category = data.categories[index];
    var family = PALETTES[category.group];
    var position = data.categories
      .slice(0, index)
      .filter(function (c) { return c.group === category.group; }).length;
    return family[position % family.length];
  }

  function sum(values) {
    return values.reduce(function (a, b) { return a + b; }, 0);
  }

  // Reveal a chart's box; horizontal bar charts grow with their rows.
  function show(canvas, rows) {
    var box = canvas.parentElement;
    if (rows) {
      box.style.height = 8 + rows * 2.2 + "rem";
    }
    box.hidden = false;
    return canvas;
  }

  // 1. Instruments by region: 100 % stacked bars (the structure), or counts.
  function drawByRegion() {
    var canvas = document.getElementById("chart-by-region");
    var rows = data.by_region.rows;
    if (!canvas || !rows.length) {
      return;
    }
    var asShare = true;
    function datasets() {
      return data.categories.map(function (category, i) {
        return {
          label: category.name,
          backgroundColor: categoryColor(i),
          counts: rows.map(function (row) { return row.counts[i]; }),
          data: rows.map(function (row) {
            if (!asShare) {
              return row.counts[i];
            }
            return row.total ? (100 * row.counts[i]) / row.total : 0;
          }),
        };
      });
    }
    var chart = new Chart(show(canvas, rows.length), {
      type: "bar",
      data: { labels: rows.map(function (row) { return row.label; }), datasets: datasets() },
      options: {
        indexAxis: "y",
        scales: {
          x: { stacked: true, max: 100, title: { display: true, text: "占比（%）" } },
          y: { stacked: true },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var row = rows[item.dataIndex];
                var count = item.dataset.counts[item.dataIndex];
                var share = row.total ? ((100 * count) / row.total).toFixed(1) : "0";
                return item.dataset.label + "：" + count + " 条（" + share + "%）";
              },
            },
          },
        },
      },
    });

    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "chart-toggle";
    toggle.textContent = "显示条款数";
    toggle.addEventListener("click", function () {
      asShare = !asShare;
      toggle.textContent = asShare ? "显示条款数" : "显示占比";
      chart.data.datasets = datasets();
      chart.options.scales.x.max = asShare ? 100 : undefined;
      chart.options.scales.x.title.text = asShare ? "占比（%）" : "条款数";
      chart.update();
    });
    canvas.parentElement.before(toggle);
  }

  // 2. Instruments by year: clause counts of the three groups, stacked.
  function drawByYear() {
    var canvas = document.getElementById("chart-by-year");
    var rows = data.by_year.rows;
    if (!canvas || !rows.length) {
      return;
    }
    new Chart(show(canvas), {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return String(row.year); }),
        datasets: data.groups.map(function (group) {
          return {
            label: group.name,
            backgroundColor: GROUP_COLORS[group.id],
            data: rows.map(function (row) {
              return sum(group.members.map(function (i) { return row.counts[i]; }));
            }),
          };
        }),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, title: { display: true, text: "条款数" } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  // 3. Documents by year: with full text and known only from a table of contents.
  function drawDocuments() {
    var canvas = document.getElementById("chart-documents");
    var rows = data.documents_by_year.rows;
    if (!canvas || !rows.length) {
      return;
    }
    var parts = [
      ["full_text", "有全文"],
      ["toc_only", "仅目录"],
    ];
    new Chart(show(canvas), {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return String(row.year); }),
        datasets: parts.map(function (part) {
          return {
            label: part[1],
            backgroundColor: DOCUMENT_COLORS[part[0]],
            data: rows.map(function (row) { return row[part[0]]; }),
          };
        }),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, title: { display: true, text: "文件数" }, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  // 4. The most active issuers.
  function drawIssuers() {
    var canvas = document.getElementById("chart-issuers");
    var rows = data.issuers;
    if (!canvas || !rows.length) {
      return;
    }
    new Chart(show(canvas, rows.length / 2), {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return row.name; }),
        datasets: [
          {
            label: "文件数",
            backgroundColor: "#1f5fa0",
            data: rows.map(function (row) { return row.documents; }),
          },
        ],
      },
      options: {
        indexAxis: "y",
        scales: { x: { ticks: { precision: 0 }, title: { display: true, text: "文件数" } } },
        plugins: { legend: { display: false } },
      },
    });
  }

  drawByRegion();
  drawByYear();
  drawDocuments();
  drawIssuers();
})();
