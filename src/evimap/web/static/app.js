// evimap: the only script. Arrow keys move between evidence-map cells; nothing else needs JavaScript.
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
