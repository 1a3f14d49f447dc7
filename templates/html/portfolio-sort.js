// Sorting the units table in the browser: no server, no other script. The page's Content-Security-Policy
// allows exactly this script, by its hash; a click on a column's button sorts the rows by that column.
(function () {
  "use strict";
  var table = document.getElementById("units-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var buttons = table.querySelectorAll("button[data-sort]");
  function value(row, key) {
    var text = row.getAttribute("data-" + key);
    if (key === "unit") { return (text || "").toLowerCase(); }
    var n = parseFloat(text);
    return isNaN(n) ? null : n;
  }
  function sortBy(button) {
    var key = button.getAttribute("data-sort");
    var th = button.parentNode;
    var descending = th.getAttribute("aria-sort") !== "descending";
    if (key === "unit") { descending = th.getAttribute("aria-sort") === "ascending"; }
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, key), y = value(b, key);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }   // rows without a value go last, either way
      if (y === null) { return -1; }
      if (x < y) { return descending ? 1 : -1; }
      if (x > y) { return descending ? -1 : 1; }
      return 0;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    for (var i = 0; i < buttons.length; i++) { buttons[i].parentNode.removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    table.setAttribute("data-sorted-by", key);
  }
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) { sortBy(event.currentTarget); });
  }
}());
