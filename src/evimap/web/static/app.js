// evimap: the only script. Arrow keys move between evidence-map cells; keys a, r, n review a label.
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("heatmap");
  if (!table) return;
  table.addEventListener("keydown", function (event) {
    var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    var move = moves[event.key];
    var cell = event.target.closest("td");
    if (!move || !cell) return;
    var row = cell.parentElement, rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var r = rows.indexOf(row), c = cell.cellIndex;
    for (var step = 1; step < 500; step++) {
      var nr = rows[r + move[0] * step], target = nr && nr.cells[c + move[1] * step];
      if (!nr || !target) return;
      var link = target.querySelector("a");
      if (link) { link.focus(); event.preventDefault(); return; }
    }
  });
});

// The review page: a, r and n press Accept, Reject and Next (not while typing in a field).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("review-form");
  if (!form) return;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea") return;
    var button = {a: "accept", r: "reject", n: "next"}[event.key];
    if (!button) return;
    var reviewer = document.getElementById("reviewer");
    if (button !== "next" && reviewer && !reviewer.value) { reviewer.focus(); return; }
    event.preventDefault();
    document.getElementById(button).click();
  });
});
