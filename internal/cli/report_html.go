package cli

// reportHTML is the page of the report command: one file, its style and
// script inline, nothing fetched. The script only adds highlighting and a
// detail panel to the heat map; the page reads the same without it.
const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{{.Title}}</title>
<script>
"use strict";
// Errors of the page's own script are counted on the root element, where a
// test (or a curious reader) can see them.
window.netpolsimErrors = [];
window.addEventListener("error", function (ev) {
  window.netpolsimErrors.push(String(ev.message));
  document.documentElement.setAttribute("data-errors", String(window.netpolsimErrors.length));
});
</script>
<style>
:root { --all: #b03a2e; --ports: #e59866; --partial: #fad7a0; --none: #f4f6f7; --self: #d5d8dc; }
body { font: 14px/1.4 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 24px; color: #1c2833; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #d5d8dc; padding-bottom: 4px; }
p.summary { color: #566573; margin: 0 0 16px; }
nav a { margin-right: 16px; color: #1f618d; }
.legend span { display: inline-block; margin-right: 16px; }
.legend i { display: inline-block; width: 14px; height: 14px; vertical-align: -2px; margin-right: 4px; border: 1px solid #aab7b8; }
.wrap { overflow: auto; max-width: 100%; }
table.heat { border-collapse: collapse; font-size: 11px; }
table.heat th { font-weight: normal; white-space: nowrap; padding: 0 4px; text-align: left; }
table.heat thead th.ns, table.heat tbody th.ns { font-weight: bold; background: #ebf5fb; border: 1px solid #d6eaf8; }
table.heat thead th.col { writing-mode: vertical-rl; transform: rotate(180deg); padding: 4px 0; height: auto; }
table.heat div.nsname { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
table.heat td { width: 14px; height: 14px; min-width: 14px; padding: 0; border: 1px solid #fff; }
table.heat td.all, .legend i.all { background: var(--all); }
table.heat td.ports, .legend i.ports { background: var(--ports); }
table.heat td.partial, .legend i.partial { background: var(--partial); }
table.heat td.none, .legend i.none { background: var(--none); }
table.heat td.self, .legend i.self { background: var(--self); }
table.heat td.hl, table.heat th.hl { outline: 1px solid #1c2833; }
table.heat td:hover { outline: 2px solid #1c2833; }
#cell-detail { white-space: pre-wrap; background: #fbfcfc; border: 1px solid #d5d8dc; padding: 8px; min-height: 3em; font: 12px/1.4 "DejaVu Sans Mono", monospace; }
table.list { border-collapse: collapse; font-size: 13px; width: 100%; }
table.list th, table.list td { text-align: left; vertical-align: top; border-bottom: 1px solid #eaeded; padding: 4px 8px; }
table.list th { background: #f4f6f7; }
.sev-error { color: #922b21; font-weight: bold; }
.sev-warning { color: #9a7d0a; font-weight: bold; }
.sev-info { color: #1f618d; }
.hint { color: #566573; }
code { font: 12px "DejaVu Sans Mono", monospace; }
#graph .edge { stroke-width: 1.2; opacity: 0.55; }
#graph .edge-all { stroke: #b03a2e; }
#graph .edge-some { stroke: #566573; }
#graph .edge:hover { opacity: 1; stroke-width: 2.5; }
#graph .node-isolated circle { fill: #d9ead3; stroke: #38761d; stroke-width: 1.5; }
#graph .node-open circle { fill: #f4cccc; stroke: #990000; stroke-width: 1.5; stroke-dasharray: 3 2; }
#graph .node-outside circle { fill: #fdebd0; stroke: #7e5109; stroke-width: 1.5; }
#graph text { fill: #1c2833; font-family: "DejaVu Sans", Arial, sans-serif; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="summary" id="summary">{{.Summary}}</p>
<nav><a href="#matrix">Allow matrix</a><a href="#lint">Lint findings</a><a href="#exposure">Exposure</a><a href="#graph-section">Graph</a></nav>

<h2 id="matrix">Allow matrix</h2>
{{if .Heat.ByNamespace}}<p id="heat-by-namespace">Rows open connections to columns. With {{.Heat.Workloads}} workloads the map has one row and column per namespace: a cell is colored by the pairs of their workloads (some member to some member) that allow something: some ports for every pair, or only for some pairs. Hover a cell for the counts and ports.</p>
{{else}}<p>Rows open connections to columns. Workloads are grouped by namespace; hover a cell for its ports and the policy rules that decide them.</p>
{{end}}
<p class="legend">{{range .Legend}}<span><i class="{{.Level}}"></i>{{.Text}}</span>{{end}}</p>
<div class="wrap">
<table class="heat" id="heatmap" data-rows="{{len .Heat.Rows}}" data-cells="{{.Heat.Cells}}" data-allowed="{{.Heat.Allowed}}">
<thead>
<tr><th></th><th></th>{{range .Heat.Namespaces}}<th class="ns" colspan="{{.Span}}" title="{{.Name}}"><div class="nsname" style="width: {{.Width}}px">{{.Name}}</div></th>{{end}}</tr>
<tr><th>namespace</th><th>workload</th>{{range .Heat.Cols}}<th class="col" data-id="{{.ID}}" title="{{.ID}} ({{.Kind}}, {{.Pods}} pods)">{{.Name}}</th>{{end}}</tr>
</thead>
<tbody>
{{range .Heat.Rows}}<tr data-from="{{.W.ID}}">{{if .NSStart}}<th class="ns" rowspan="{{.NSSpan}}">{{.W.Namespace}}</th>{{end}}<th class="row" title="{{.W.ID}} ({{.W.Kind}}, {{.W.Pods}} pods)">{{.W.Name}} <small>{{.W.Kind}}</small></th>{{range .Cells}}<td class="{{.Level}}" data-to="{{.To}}" data-ports="{{.Ports}}" title="{{.Title}}"></td>{{end}}</tr>
{{end}}</tbody>
</table>
</div>
<pre id="cell-detail" aria-live="polite">Hover a cell to see its ports and the deciding policies.</pre>

<h2 id="lint">Lint findings</h2>
<p id="lint-summary">{{.LintLine}}</p>
{{if .Findings}}<table class="list" id="findings">
<thead><tr><th>severity</th><th>check</th><th>object</th><th>finding</th><th>where</th></tr></thead>
<tbody>
{{range .Findings}}<tr><td class="sev-{{.Severity}}">{{.Severity}}</td><td><code>{{.Rule}}</code></td><td>{{.Object}}{{if .Field}}<br><code>{{.Field}}</code>{{end}}</td><td>{{.Message}}<br><span class="hint">hint: {{.Hint}}</span></td><td>{{if .Where}}<code>{{.Where}}</code>{{end}}</td></tr>
{{end}}</tbody>
</table>{{end}}

<h2 id="exposure">Exposure</h2>
<p>Routes into pods from outside the cluster, and what pods may reach outside. {{.Unexposed}} other pods have neither.</p>
{{if .Exposure}}<table class="list" id="exposure-table">
<thead><tr><th>pod</th><th></th><th>route</th><th>ports</th><th>addresses</th><th>note</th></tr></thead>
<tbody>
{{range .Exposure}}<tr><td>{{.Pod}}</td><td>{{.Direction}}</td><td>{{.Route}}</td><td>{{.Ports}}</td><td>{{.Addresses}}</td><td>{{.Note}}</td></tr>
{{end}}</tbody>
</table>{{end}}

<h2 id="graph-section">Graph</h2>
<p>{{.GraphNote}} Green nodes are isolated for ingress; red, dashed ones accept every connection. Red edges allow every port. Hover an edge or a node for details.</p>
<div class="wrap">{{.Graph}}</div>

<script>
"use strict";
(function () {
  var table = document.getElementById("heatmap");
  var detail = document.getElementById("cell-detail");
  var cols = table.querySelectorAll("thead th.col");
  var lit = [];
  function clear() {
    for (var i = 0; i < lit.length; i++) { lit[i].classList.remove("hl"); }
    lit = [];
  }
  function show(td) {
    clear();
    var tr = td.parentNode;
    var index = Array.prototype.indexOf.call(tr.querySelectorAll("td"), td);
    var head = tr.querySelector("th.row");
    if (head) { head.classList.add("hl"); lit.push(head); }
    if (cols[index]) { cols[index].classList.add("hl"); lit.push(cols[index]); }
    detail.textContent = td.getAttribute("title");
  }
  table.addEventListener("mouseover", function (ev) {
    if (ev.target && ev.target.tagName === "TD") { show(ev.target); }
  });
  table.addEventListener("mouseleave", clear);
  var counts = { all: 0, ports: 0, partial: 0, none: 0, self: 0 };
  var cells = table.querySelectorAll("tbody td");
  for (var i = 0; i < cells.length; i++) { counts[cells[i].className] += 1; }
  table.setAttribute("data-counted", String(cells.length));
  table.setAttribute("data-counts", "all=" + counts.all + " ports=" + counts.ports + " partial=" + counts.partial + " none=" + counts.none + " self=" + counts.self);
  document.documentElement.setAttribute("data-ready", "1");
})();
</script>
</body>
</html>
`
