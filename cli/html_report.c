/* The HTML report of a run (--report): one self-contained file, with no
 * network access and no external assets. Tables are plain HTML, readable
 * without scripts; the charts are SVG drawn by a small inline script from
 * the JSON embedded in the page. */
#include "html_report.h"

#include "curve_charts.h"
#include "diagnostics.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A report of a huge file stays small: at most this many points per
 * scatter plot, evenly spaced over the rows. */
#define MAX_SCATTER_POINTS 5000
/* ... and a confusion matrix of more classes than this is not drawn. */
#define MAX_HEAT_MAP_CLASSES 60

static const char *const report_css[] = {
    ":root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --accent: #0969da; }",
    "* { box-sizing: border-box; }",
    "body { margin: 0; color: var(--fg); background: #fff; font: 15px/1.5 system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif; }",
    "main { max-width: 1140px; margin: 0 auto; padding: 28px 28px 56px; }",
    "h1 { font-size: 26px; margin: 0 0 6px; font-weight: 650; }",
    "h1 .file { color: var(--muted); font-weight: 400; }",
    "h2 { font-size: 19px; margin: 0 0 14px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }",
    "h3 { font-size: 15px; margin: 0 0 8px; }",
    "section { margin-top: 34px; }",
    "ul.warnings li { margin: 6px 0; } ul.warnings code { font-weight: 650; }",
    "code, .cmd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, \"Liberation Mono\", monospace; font-size: 13px; }",
    ".cmd { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 10px 0 4px; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".meta, .note { color: var(--muted); font-size: 13px; }",
    ".note { margin: 10px 0 0; }",
    ".figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-top: 22px; }",
    ".figure { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }",
    ".figure .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }",
    ".figure .value { font-size: 25px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.3; }",
    ".figure .hint { color: var(--muted); font-size: 12px; }",
    ".charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 18px; }",
    "figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 12px; }",
    "figure.chart figcaption { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px; font-weight: 600; margin-bottom: 4px; }",
    "figure.chart .subtitle { font-weight: 400; font-size: 12px; color: var(--muted); }",
    ".toggle { font-weight: 400; font-size: 13px; color: var(--muted); cursor: pointer; white-space: nowrap; }",
    ".plot { position: relative; }",
    ".plot svg { display: block; width: 100%; height: auto; }",
    "svg text { fill: var(--muted); font-size: 12px; }",
    "svg text.title { fill: var(--fg); font-size: 13px; }",
    ".grid line { stroke: #eaeef2; }",
    "rect.axis { fill: none; stroke: #afb8c1; }",
    "path.series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }",
    "line.guide { stroke: #6e7781; stroke-dasharray: 3 3; }",
    "line.diagonal { stroke: #afb8c1; stroke-dasharray: 6 4; }",
    ".points circle { fill: #4e79a7; fill-opacity: .55; }",
    "path.curve { fill: none; stroke-width: 2; stroke-linejoin: round; }",
    "circle.bin { stroke: #fff; stroke-width: 1; }",
    ".curve-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 8px; font-size: 12px; }",
    ".tip { position: absolute; display: none; pointer-events: none; background: rgba(255, 255, 255, .97); border: 1px solid var(--line); border-radius: 6px; padding: 6px 9px; font-size: 12px; white-space: nowrap; box-shadow: 0 3px 10px rgba(31, 35, 40, .15); z-index: 2; }",
    ".tip-head { font-weight: 600; margin-bottom: 2px; }",
    ".legend { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }",
    ".key { font: inherit; font-size: 12px; color: var(--fg); background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1px 10px; cursor: pointer; }",
    ".key.off { opacity: .45; text-decoration: line-through; }",
    ".swatch { display: inline-block; width: 16px; height: 0; border-top: 3px solid; margin-right: 6px; vertical-align: middle; }",
    ".swatch.dashed { border-top-style: dashed; }",
    "table { border-collapse: collapse; font-variant-numeric: tabular-nums; }",
    "th, td { padding: 5px 12px; text-align: right; border-bottom: 1px solid var(--line); }",
    "th:first-child, td:first-child { text-align: left; }",
    "thead th { color: var(--muted); font-size: 13px; font-weight: 600; }",
    ".split { display: flex; flex-wrap: wrap; gap: 36px; align-items: flex-start; }",
    ".split .note { max-width: 440px; }",
    "table.heat td.cell { text-align: center; min-width: 66px; border: 2px solid #fff; padding: 8px 6px; }",
    "table.heat.small td.cell { min-width: 26px; padding: 3px 2px; font-size: 11px; }",
    ".scroll { max-width: 100%; overflow-x: auto; }",
    "table.heat .share { display: block; font-size: 11px; opacity: .85; }",
    "table.heat th.corner { color: var(--muted); font-size: 12px; font-weight: 400; }",
    "table.heat th { text-align: center; }",
    "table.heat tbody th { text-align: right; }",
    "td.bar { background-repeat: no-repeat; }",
    "table.settings td { text-align: left; }",
    "table.settings td.given { font-weight: 650; }",
    "table.settings td.default { color: var(--muted); }",
    "table.settings th.group { text-align: left; padding-top: 16px; color: var(--fg); font-size: 14px; border-bottom: 2px solid var(--line); }",
    ".columns { columns: 2 380px; column-gap: 36px; }",
    ".columns table { width: 100%; break-inside: avoid; margin-bottom: 8px; }",
    "footer { margin-top: 44px; color: var(--muted); font-size: 12px; }",
    "@media print { .toggle, .legend { display: none; } figure.chart { break-inside: avoid; } }",
    NULL};

static const char *const report_js[] = {
    "(function () {",
    "  'use strict';",
    "  var SVG = 'http://www.w3.org/2000/svg';",
    "  var COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#7f7f7f'];",
    "  var W = 640, H = 330, LEFT = 66, RIGHT = 18, TOP = 14, BOTTOM = 44;",
    "  var data = JSON.parse(document.getElementById('report-data').textContent);",
    "  var drawn = 0;",
    "",
    "  function svg(name, attrs, parent) {",
    "    var e = document.createElementNS(SVG, name);",
    "    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });",
    "    if (parent) parent.appendChild(e);",
    "    return e;",
    "  }",
    "  function html(name, cls, parent, text) {",
    "    var e = document.createElement(name);",
    "    if (cls) e.className = cls;",
    "    if (text !== undefined) e.textContent = text;",
    "    if (parent) parent.appendChild(e);",
    "    return e;",
    "  }",
    "  function usable(v, log) { return typeof v === 'number' && isFinite(v) && (!log || v > 0); }",
    "  function fmt(v) {",
    "    if (!usable(v)) return '\\u2013';",
    "    var a = Math.abs(v);",
    "    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);",
    "    return String(Number(v.toPrecision(4)));",
    "  }",
    "  /* About n round tick values (1, 2 or 5 times a power of ten) over [lo, hi]. */",
    "  function ticks(lo, hi, n) {",
    "    var raw = (hi - lo) / n, step = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), r = raw / step;",
    "    step *= r >= 7 ? 10 : r >= 3 ? 5 : r >= 1.5 ? 2 : 1;",
    "    var out = [];",
    "    for (var t = Math.floor(lo / step) * step; t <= hi + step * 0.5; t += step) out.push(Number(t.toPrecision(12)));",
    "    while (out.length > 2 && out[1] <= lo) out.shift();",
    "    while (out.length > 2 && out[out.length - 2] >= hi) out.pop();",
    "    return out;",
    "  }",
    "  function logTicks(lo, hi) {",
    "    var a = Math.floor(Math.log(lo) / Math.LN10 + 1e-9), b = Math.ceil(Math.log(hi) / Math.LN10 - 1e-9), out = [];",
    "    if (b - a < 1) b = a + 1;",
    "    var mult = b - a <= 2 ? [1, 2, 5] : [1];",
    "    for (var p = a; p <= b; p++) mult.forEach(function (m) { out.push(Number((m * Math.pow(10, p)).toPrecision(12))); });",
    "    out = out.filter(function (t) { return t >= Math.pow(10, a) && t <= Math.pow(10, b); });",
    "    return out;",
    "  }",
    "  /* Index of the x value nearest to v in an ascending array. */",
    "  function nearest(xs, v) {",
    "    var lo = 0, hi = xs.length - 1;",
    "    while (hi - lo > 1) {",
    "      var mid = (lo + hi) >> 1;",
    "      if (xs[mid] < v) lo = mid; else hi = mid;",
    "    }",
    "    return Math.abs(xs[hi] - v) < Math.abs(xs[lo] - v) ? hi : lo;",
    "  }",
    "  function extent(series, log) {",
    "    var e = {x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity};",
    "    series.forEach(function (s) {",
    "      for (var i = 0; i < s.x.length; i++) {",
    "        if (!usable(s.y[i], log)) continue;",
    "        e.x0 = Math.min(e.x0, s.x[i]); e.x1 = Math.max(e.x1, s.x[i]);",
    "        e.y0 = Math.min(e.y0, s.y[i]); e.y1 = Math.max(e.y1, s.y[i]);",
    "      }",
    "    });",
    "    return e;",
    "  }",
    "",
    "  /* The frame of a chart: grid, ticks, axis titles; returns the scales. */",
    "  function frame(root, e, spec) {",
    "    if (e.x1 === e.x0) { e.x0 -= 1; e.x1 += 1; }",
    "    if (e.y1 === e.y0) { var d = Math.abs(e.y0) * 0.1 || 1; e.y0 = spec.log ? e.y0 / 2 : e.y0 - d; e.y1 = spec.log ? e.y1 * 2 : e.y1 + d; }",
    "    var xt = ticks(e.x0, e.x1, 6), yt = spec.log ? logTicks(e.y0, e.y1) : ticks(e.y0, e.y1, 5);",
    "    if (spec.percent) yt = yt.filter(function (t) { return t <= Math.max(100, e.y1); });",
    "    if (spec.xNice) { e.x0 = Math.min(e.x0, xt[0]); e.x1 = Math.max(e.x1, xt[xt.length - 1]); }",
    "    if (spec.log) {",
    "      e.y0 /= 1.1; e.y1 *= 1.1;",
    "      yt = yt.filter(function (t) { return t >= e.y0 && t <= e.y1; });",
    "    } else {",
    "      e.y0 = Math.min(e.y0, yt[0]); e.y1 = Math.max(e.y1, yt[yt.length - 1]);",
    "    }",
    "    var f = function (v) { return spec.log ? Math.log(v) : v; };",
    "    var s = {",
    "      x: function (v) { return LEFT + (v - e.x0) / (e.x1 - e.x0) * (W - LEFT - RIGHT); },",
    "      y: function (v) { return H - BOTTOM - (f(v) - f(e.y0)) / (f(e.y1) - f(e.y0)) * (H - TOP - BOTTOM); },",
    "      e: e",
    "    };",
    "    var g = svg('g', {'class': 'grid'}, root);",
    "    yt.forEach(function (t) {",
    "      if (t < e.y0 || t > e.y1) return;",
    "      svg('line', {x1: LEFT, x2: W - RIGHT, y1: s.y(t), y2: s.y(t)}, g);",
    "      svg('text', {x: LEFT - 8, y: s.y(t) + 4, 'text-anchor': 'end'}, g).textContent = fmt(t);",
    "    });",
    "    xt.forEach(function (t) {",
    "      if (t < e.x0 || t > e.x1) return;",
    "      svg('line', {x1: s.x(t), x2: s.x(t), y1: TOP, y2: H - BOTTOM}, g);",
    "      svg('text', {x: s.x(t), y: H - BOTTOM + 18, 'text-anchor': 'middle'}, g).textContent = fmt(t);",
    "    });",
    "    svg('rect', {'class': 'axis', x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: H - TOP - BOTTOM}, root);",
    "    svg('text', {'class': 'title', x: (LEFT + W - RIGHT) / 2, y: H - 6, 'text-anchor': 'middle'}, root).textContent = spec.xLabel;",
    "    svg('text', {'class': 'title', x: -(TOP + H - BOTTOM) / 2, y: 16, transform: 'rotate(-90)', 'text-anchor': 'middle'}, root).textContent = spec.yLabel;",
    "    return s;",
    "  }",
    "",
    "  function polyline(s, series, log) {",
    "    var d = '', pen = false;",
    "    for (var i = 0; i < series.x.length; i++) {",
    "      if (!usable(series.y[i], log)) { pen = false; continue; }",
    "      d += (pen ? 'L' : 'M') + s.x(series.x[i]).toFixed(1) + ' ' + s.y(series.y[i]).toFixed(1);",
    "      pen = true;",
    "    }",
    "    return d;",
    "  }",
    "",
    "  /* A tooltip with every visible series' value at the epoch under the pointer. */",
    "  function hover(root, plot, tip, s, series, spec) {",
    "    var guide = svg('line', {'class': 'guide', x1: -9, x2: -9, y1: TOP, y2: H - BOTTOM}, root);",
    "    var area = svg('rect', {x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: H - TOP - BOTTOM, fill: 'transparent'}, root);",
    "    area.addEventListener('mousemove', function (ev) {",
    "      var box = root.getBoundingClientRect(), at = (ev.clientX - box.left) / box.width * W;",
    "      var x = s.e.x0 + (at - LEFT) / (W - LEFT - RIGHT) * (s.e.x1 - s.e.x0);",
    "      tip.textContent = '';",
    "      var shown = null;",
    "      series.forEach(function (one) {",
    "        if (!one.x.length) return;",
    "        var i = nearest(one.x, x);",
    "        if (shown === null) { shown = one.x[i]; html('div', 'tip-head', tip, spec.xLabel + ' ' + shown); }",
    "        var row = html('div', null, tip);",
    "        html('span', 'swatch' + (one.dash ? ' dashed' : ''), row).style.borderColor = one.color;",
    "        row.appendChild(document.createTextNode(one.name + ': ' + fmt(one.y[i])));",
    "      });",
    "      if (shown === null) return;",
    "      guide.setAttribute('x1', s.x(shown)); guide.setAttribute('x2', s.x(shown));",
    "      tip.style.display = 'block';",
    "      var pbox = plot.getBoundingClientRect(), left = ev.clientX - pbox.left + 14;",
    "      if (left + tip.offsetWidth > pbox.width) left = ev.clientX - pbox.left - tip.offsetWidth - 14;",
    "      tip.style.left = Math.max(0, left) + 'px';",
    "      tip.style.top = Math.max(0, ev.clientY - pbox.top - tip.offsetHeight / 2) + 'px';",
    "    });",
    "    area.addEventListener('mouseleave', function () {",
    "      tip.style.display = 'none';",
    "      guide.setAttribute('x1', -9); guide.setAttribute('x2', -9);",
    "    });",
    "  }",
    "",
    "  /* A line chart of series {name, group, color, dash, x, y}; the legend",
    "   * buttons show and hide a group. */",
    "  function lineChart(host, spec) {",
    "    var box = html('figure', 'chart', host), head = html('figcaption', null, box), title = html('div', null, head, spec.title);",
    "    if (spec.subtitle) html('div', 'subtitle', title, spec.subtitle);",
    "    var plot = html('div', 'plot', box);",
    "    var root = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': spec.title}, plot);",
    "    var tip = html('div', 'tip', plot), off = {};",
    "    function render() {",
    "      while (root.firstChild) root.removeChild(root.firstChild);",
    "      var shown = spec.series.filter(function (one) { return !off[one.group]; });",
    "      var e = extent(shown, spec.log);",
    "      if (!(e.x1 >= e.x0)) {",
    "        svg('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle'}, root).textContent = 'no values to draw';",
    "        return;",
    "      }",
    "      var s = frame(root, e, spec);",
    "      shown.forEach(function (one) {",
    "        var p = svg('path', {'class': 'series', d: polyline(s, one, spec.log), stroke: one.color}, root);",
    "        if (one.dash) p.setAttribute('stroke-dasharray', '6 4');",
    "        svg('title', {}, p).textContent = one.name;",
    "      });",
    "      hover(root, plot, tip, s, shown, spec);",
    "    }",
    "    if (spec.canLog) {",
    "      var label = html('label', 'toggle', head), check = html('input', null, label);",
    "      check.type = 'checkbox';",
    "      check.checked = !!spec.log;",
    "      label.appendChild(document.createTextNode(' log scale'));",
    "      check.addEventListener('change', function () { spec.log = check.checked; render(); });",
    "    }",
    "    var legend = html('div', 'legend', box);",
    "    spec.legend.forEach(function (item, i) {",
    "      var b = html('button', 'key', legend);",
    "      b.type = 'button';",
    "      html('span', 'swatch' + (item.dash ? ' dashed' : ''), b).style.borderColor = item.color;",
    "      b.appendChild(document.createTextNode(item.name));",
    "      b.addEventListener('click', function () { off[i] = !off[i]; b.classList.toggle('off', off[i]); render(); });",
    "    });",
    "    render();",
    "    drawn++;",
    "  }",
    "",
    "  function hasValues(runs, key) {",
    "    return runs.some(function (r) { return (r[key] || []).some(function (v) { return usable(v); }); });",
    "  }",
    "  function varies(runs, key) {",
    "    return runs.some(function (r) { return (r[key] || []).some(function (v) { return v !== r[key][0]; }); });",
    "  }",
    "  /* Whether a loss falls by orders of magnitude: then a log scale shows it better. */",
    "  function wideRange(runs, key) {",
    "    var lo = Infinity, hi = 0;",
    "    runs.forEach(function (r) { (r[key] || []).forEach(function (v) { if (usable(v, true)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }); });",
    "    return hi / lo > 30;",
    "  }",
    "",
    "  /* Series for one measure: one color per run (fold), or, for a single run,",
    "   * one per measure (training and validation). */",
    "  function curveSpec(runs, keys, names) {",
    "    var series = [], legend = [], many = runs.length > 1;",
    "    if (many) {",
    "      runs.forEach(function (r, i) {",
    "        var color = COLORS[i % COLORS.length];",
    "        legend.push({name: r.name, color: color});",
    "        keys.forEach(function (key, k) {",
    "          if (hasValues([r], key)) series.push({name: r.name + ' ' + names[k], group: i, color: color, dash: k > 0, x: r.epoch, y: r[key]});",
    "        });",
    "      });",
    "    } else {",
    "      keys.forEach(function (key, k) {",
    "        if (!hasValues(runs, key)) return;",
    "        var color = COLORS[k % COLORS.length];",
    "        legend.push({name: names[k], color: color, dash: k > 0});",
    "        series.push({name: names[k], group: legend.length - 1, color: color, dash: k > 0, x: runs[0].epoch, y: runs[0][key]});",
    "      });",
    "    }",
    "    return {series: series, legend: legend};",
    "  }",
    "",
    "  function drawCurves() {",
    "    var host = document.getElementById('curves'), runs = data.runs || [];",
    "    if (!host || !runs.length) return;",
    "    var withVal = hasValues(runs, 'val_loss');",
    "    var loss = curveSpec(runs, ['loss', 'val_loss'], ['training', 'validation']);",
    "    lineChart(host, {",
    "      title: 'Loss per epoch', subtitle: withVal && runs.length > 1 ? 'solid: training, dashed: validation' : '',",
    "      xLabel: 'epoch', yLabel: data.loss_label, series: loss.series, legend: loss.legend,",
    "      canLog: true, log: wideRange(runs, 'loss')",
    "    });",
    "    if (hasValues(runs, 'val_accuracy')) {",
    "      var acc = curveSpec(runs, ['val_accuracy'], ['validation']);",
    "      lineChart(host, {title: 'Validation accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy (%)',",
    "                       series: acc.series, legend: acc.legend, percent: true});",
    "    }",
    "    if (varies(runs, 'learning_rate')) {",
    "      var lr = curveSpec(runs, ['learning_rate'], ['learning rate']);",
    "      lineChart(host, {title: 'Learning rate per epoch', xLabel: 'epoch', yLabel: 'learning rate',",
    "                       series: lr.series, legend: lr.legend, canLog: true});",
    "    }",
    "  }",
    "",
    "  /* Regression: each scored row as a point, predicted against actual, and",
    "   * the line where they are equal. */",
    "  function drawScatter() {",
    "    var host = document.getElementById('scatter'), sc = data.scatter;",
    "    if (!host || !sc || !sc.actual.length) return;",
    "    var box = html('figure', 'chart', host);",
    "    html('figcaption', null, box, sc.title);",
    "    var plot = html('div', 'plot', box);",
    "    var root = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': sc.title}, plot);",
    "    var all = sc.actual.concat(sc.predicted).filter(function (v) { return usable(v); });",
    "    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);",
    "    var s = frame(root, {x0: lo, x1: hi, y0: lo, y1: hi}, {xLabel: 'actual', yLabel: 'predicted', xNice: true});",
    "    var x0 = Math.max(s.e.x0, s.e.y0), x1 = Math.min(s.e.x1, s.e.y1);",
    "    svg('line', {'class': 'diagonal', x1: s.x(x0), y1: s.y(x0), x2: s.x(x1), y2: s.y(x1)}, root);",
    "    var g = svg('g', {'class': 'points'}, root);",
    "    for (var i = 0; i < sc.actual.length; i++) {",
    "      if (!usable(sc.actual[i]) || !usable(sc.predicted[i])) continue;",
    "      svg('circle', {cx: s.x(sc.actual[i]).toFixed(1), cy: s.y(sc.predicted[i]).toFixed(1), r: 2.6}, g);",
    "    }",
    "    drawn++;",
    "  }",
    "",
    "  try {",
    "    drawCurves();",
    "    drawScatter();",
    "  } finally {",
    "    document.documentElement.setAttribute('data-charts-drawn', String(drawn));",
    "  }",
    "})();",
    NULL};

/* ------------------------------------------------------------ helpers */

void cli_report_figure_add(cli_report *r, const char *label, const char *note, const char *fmt, ...)
{
    if (r->n_figures == sizeof r->figures / sizeof *r->figures) return;
    cli_report_figure *f = &r->figures[r->n_figures++];
    f->label = label;
    f->note = note;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->value, sizeof f->value, fmt, ap);
    va_end(ap);
}

void cli_report_figure_time(cli_report *r, const char *note)
{
    double seconds = cli_training_seconds(r->progress);
    if (seconds < 1) cli_report_figure_add(r, "Training time", note, "%.0f ms", 1000 * seconds);
    else cli_report_figure_add(r, "Training time", note, "%.2f s", seconds);
}

const cli_epoch *cli_run_last_epoch(const cli_progress *p, size_t run)
{
    for (size_t i = p->n_epochs; i-- > 0;)
        if (p->epochs[i].run == run) return &p->epochs[i];
    return NULL;
}

double cli_training_seconds(const cli_progress *p)
{
    double total = 0;
    for (size_t i = 0; i < p->n_epochs; i++)
        if (i + 1 == p->n_epochs || p->epochs[i + 1].run != p->epochs[i].run)
            total += p->epochs[i].report.seconds;
    return total;
}

/* The first n bytes of s (or up to its NUL) as text for an HTML element or
 * a quoted attribute: markup characters escaped, control characters and
 * bytes that are not UTF-8 replaced. */
static void put_html_n(FILE *f, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end && *s) {
        uint32_t cp;
        size_t len = cli_utf8_next(s, &cp);
        if (len > (size_t)(end - s)) len = 1, cp = 0xFFFD; /* a character cut at the end */
        if (cp == '&') fputs("&amp;", f);
        else if (cp == '<') fputs("&lt;", f);
        else if (cp == '>') fputs("&gt;", f);
        else if (cp == '"') fputs("&quot;", f);
        else if (cp == '\'') fputs("&#39;", f);
        else if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || (cp == 0xFFFD && len == 1))
            fputs("\xEF\xBF\xBD", f);
        else fwrite(s, 1, len, f);
        s += len;
    }
}

void cli_put_html(FILE *f, const char *s) { put_html_n(f, s, strlen(s)); }

static void put_html(FILE *f, const char *s) { cli_put_html(f, s); }

void cli_put_htmlf(FILE *f, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    put_html(f, text);
}

/* An argument as a POSIX shell would need it quoted. */
static void put_shell_word(FILE *f, const char *arg)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@%";
    if (*arg && strspn(arg, plain) == strlen(arg)) {
        put_html(f, arg);
        return;
    }
    /* 'it'\''s': quoted, each quote closed, escaped and reopened */
    fputs("&#39;", f);
    for (const char *p = arg;;) {
        size_t len = strcspn(p, "'");
        put_html_n(f, p, len);
        if (!p[len]) break;
        fputs("&#39;\\&#39;&#39;", f);
        p += len + 1;
    }
    fputs("&#39;", f);
}

static void put_lines(FILE *f, const char *const *lines)
{
    for (size_t i = 0; lines[i]; i++) {
        fputs(lines[i], f);
        putc('\n', f);
    }
}

/* A percentage with three decimals, as the text output prints it. */
static void put_percent(FILE *f, double percent)
{
    if (isfinite(percent)) fprintf(f, "%.3f%%", percent);
    else fputs("&ndash;", f);
}

static void put_number(FILE *f, double v, const char *format)
{
    if (isfinite(v)) fprintf(f, format, v);
    else fputs("&ndash;", f);
}

/* A table cell with a bar behind its number: share in [0, 1]. */
static void open_bar_cell(FILE *f, double share)
{
    double pct = isfinite(share) && share > 0 ? (share > 1 ? 100 : 100 * share) : 0;
    fprintf(f, "<td class=\"bar\" style=\"background-image:linear-gradient(90deg,rgba(9,105,218,.16) %.1f%%,"
               "transparent %.1f%%)\">",
            pct, pct);
}

/* ------------------------------------------------------------ sections */

static void write_head(FILE *f, const cli_report *r)
{
    const char *source = cli_source_name(bp_dataset_source(r->ds));
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          /* An empty icon: the page asks nothing of the network, not even a favicon. */
          "<link rel=\"icon\" href=\"data:,\">\n<title>",
          f);
    cli_put_htmlf(f, "backprop %s: %s", r->command, source);
    fputs("</title>\n<style>\n", f);
    put_lines(f, report_css);
    fputs("</style>\n</head>\n<body>\n<main>\n<header>\n<h1>backprop ", f);
    put_html(f, r->command);
    fputs(" <span class=\"file\">", f);
    put_html(f, source);
    fputs("</span></h1>\n<div class=\"cmd\">$ backprop ", f);
    put_html(f, r->command);
    for (int i = 0; i < r->argc; i++) {
        putc(' ', f);
        put_shell_word(f, r->argv[i]);
    }
    char when[64] = "";
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc)) strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &utc);
    fprintf(f, "</div>\n<p class=\"meta\">backprop %s (%s) &middot; %s</p>\n</header>\n", BP_VERSION,
            sizeof(bp_real) == sizeof(float) ? "float" : "double", when);
}

static void write_figures(FILE *f, const cli_report *r)
{
    fputs("<div class=\"figures\">\n", f);
    for (size_t i = 0; i < r->n_figures; i++) {
        const cli_report_figure *fig = &r->figures[i];
        fputs("<div class=\"figure\"><div class=\"label\">", f);
        put_html(f, fig->label);
        fputs("</div><div class=\"value\">", f);
        put_html(f, fig->value);
        fputs("</div>", f);
        if (fig->note) {
            fputs("<div class=\"hint\">", f);
            put_html(f, fig->note);
            fputs("</div>", f);
        }
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
}

/* What the run noticed, each with the flag that would help. */
static void write_warnings_section(FILE *f, const cli_report *r)
{
    if (!r->warnings || r->warnings->n == 0) return;
    fputs("<section>\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n", f);
    for (size_t i = 0; i < r->warnings->n; i++) {
        const cli_warning *w = &r->warnings->item[i];
        fprintf(f, "<li><code>%s</code> %s: ", w->code, w->note ? "note" : "warning");
        put_html(f, w->message);
        fputs(". <em>", f);
        put_html(f, w->hint);
        fputs("</em></li>\n", f);
    }
    fputs("</ul>\n</section>\n", f);
}

static int has_validation(const cli_progress *p)
{
    for (size_t i = 0; i < p->n_epochs; i++)
        if (!isnan(p->epochs[i].report.val_loss)) return 1;
    return 0;
}

static void write_curves_section(FILE *f, const cli_report *r)
{
    fputs("<section>\n<h2>Learning curves</h2>\n<div class=\"charts\" id=\"curves\"></div>\n"
          "<noscript><p class=\"note\">The charts are drawn by the page's script.</p></noscript>\n",
          f);
    if (r->progress->n_epochs == 0)
        fputs("<p class=\"note\">No epoch was recorded.</p>\n", f);
    else if (!has_validation(r->progress))
        fputs("<p class=\"note\">Validation loss and accuracy per epoch are measured on held-out "
              "training rows: add <code>--validation 0.2</code> (with early stopping after "
              "<code>--patience</code> epochs) to see them.</p>\n",
              f);
    if (r->progress->epoch_stride > 1)
        fprintf(f, "<p class=\"note\">One epoch in %zu is drawn, with each %s's first and last.</p>\n",
                r->progress->epoch_stride, r->runs > 1 ? "fold" : "run");
    fputs("</section>\n", f);
}

/* The heat map's colour: blue on the diagonal (right), red off it (wrong),
 * by the share of the actual class's rows. */
static void heat_colour(double share, int right, int rgb[3])
{
    static const int right_rgb[3] = {33, 102, 172}, wrong_rgb[3] = {202, 64, 48};
    const int *to = right ? right_rgb : wrong_rgb;
    double t = share > 1 ? 1 : share < 0 ? 0 : share;
    for (int i = 0; i < 3; i++) rgb[i] = (int)lround(255 + (to[i] - 255) * t);
}

static void write_heat_cell(FILE *f, const bp_metrics *m, size_t a, size_t p, const bp_dataset *ds)
{
    size_t k = m->n_classes, count = m->confusion[a * k + p], total = m->per_class[a].support;
    double share = total ? (double)count / (double)total : 0;
    int rgb[3];
    heat_colour(share, a == p, rgb);
    const char *ink = share > 0.5 ? "#fff" : count ? "#1f2328" : "#afb8c1";
    fprintf(f, "<td class=\"cell\" style=\"background:rgb(%d,%d,%d);color:%s\" title=\"", rgb[0], rgb[1],
            rgb[2], ink);
    cli_put_htmlf(f, "actual %s, predicted %s: %zu of %zu rows", bp_dataset_class_name(ds, a),
              bp_dataset_class_name(ds, p), count, total);
    fprintf(f, "\">%zu", count);
    if (k <= 12 && total) fprintf(f, "<span class=\"share\">%.1f%%</span>", 100 * share);
    fputs("</td>", f);
}

static void write_heat_map(FILE *f, const bp_metrics *m, const bp_dataset *ds)
{
    size_t k = m->n_classes;
    if (k > MAX_HEAT_MAP_CLASSES) {
        fprintf(f, "<div><h3>Confusion matrix</h3>\n<p class=\"note\">%zu classes are too many for a "
                   "readable heat map: the text output lists it, and so does <code>--format json</code> "
                   "of <code>cv</code> and <code>eval</code>.</p></div>\n",
                k);
        return;
    }
    fprintf(f, "<div class=\"scroll\"><h3>Confusion matrix</h3>\n<table class=\"heat%s\">\n<thead><tr>"
               "<th class=\"corner\">actual &darr; predicted &rarr;</th>",
            k > 12 ? " small" : "");
    for (size_t p = 0; p < k; p++) {
        fputs("<th>", f);
        put_html(f, bp_dataset_class_name(ds, p));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t a = 0; a < k; a++) {
        fputs("<tr><th>", f);
        put_html(f, bp_dataset_class_name(ds, a));
        fputs("</th>", f);
        for (size_t p = 0; p < k; p++) write_heat_cell(f, m, a, p, ds);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n<p class=\"note\">Shades show the share of each actual class's rows: "
          "blue on the diagonal (right), red off it (wrong).</p></div>\n",
          f);
}

/* The figures of the whole under the table, and what imbalanced classes
 * make of the accuracy. */
static void write_score_note(FILE *f, const bp_metrics *m, const bp_dataset *ds)
{
    fputs("<p class=\"note\">Accuracy ", f);
    put_percent(f, m->accuracy);
    fputs(", balanced accuracy ", f);
    put_percent(f, 100 * m->balanced_accuracy);
    fputs(", MCC ", f);
    put_number(f, m->mcc, "%.4f");
    fputs(", log loss ", f);
    put_number(f, m->log_loss, "%.4f");
    if (!isnan(m->brier)) {
        fputs(m->n_classes == 2 ? ", ROC AUC of the positive class " : ", ROC AUC (macro) ", f);
        put_number(f, m->roc_auc, "%.4f");
        fputs(", PR AUC ", f);
        put_number(f, m->pr_auc, "%.4f");
        fputs(", Brier score ", f);
        put_number(f, m->brier, "%.4f");
    }
    fputs(".", f);
    size_t c;
    if (cli_minority_class(m, &c)) {
        fputs(" <strong>Imbalanced classes:</strong> ", f);
        cli_put_htmlf(f, "'%s' is %.1f%% of the rows and its recall is %.3f%%; judge the model by the balanced "
                  "accuracy, not the accuracy.",
                  bp_dataset_class_name(ds, c), 100.0 * (double)m->per_class[c].support / (double)m->n,
                  100 * m->per_class[c].recall);
    }
    fputs("</p>", f);
}

static void write_per_class(FILE *f, const bp_metrics *m, const bp_dataset *ds)
{
    int areas = !isnan(m->brier); /* the rows' probabilities were scored */
    fputs("<div><h3>Per-class metrics</h3>\n<table>\n<thead><tr><th>class</th><th>precision</th>"
          "<th>recall</th><th>F1</th><th>support</th>",
          f);
    if (areas) fputs("<th>ROC AUC</th><th>PR AUC</th>", f);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t c = 0; c < m->n_classes; c++) {
        const bp_class_metrics *pc = &m->per_class[c];
        fputs("<tr><td>", f);
        put_html(f, bp_dataset_class_name(ds, c));
        fprintf(f, "</td><td>%.4f</td><td>%.4f</td>", pc->precision, pc->recall);
        open_bar_cell(f, pc->f1);
        fprintf(f, "%.4f</td><td>%zu</td>", pc->f1, pc->support);
        if (areas) {
            fputs("<td>", f);
            put_number(f, pc->roc_auc, "%.4f");
            fputs("</td><td>", f);
            put_number(f, pc->pr_auc, "%.4f");
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fprintf(f, "<tr><th>macro average</th><th>%.4f</th><th>%.4f</th><th>%.4f</th><th>%zu</th>",
            m->macro_precision, m->macro_recall, m->macro_f1, m->n);
    if (areas && m->n_classes > 2) {
        fputs("<th>", f);
        put_number(f, m->roc_auc, "%.4f");
        fputs("</th><th>", f);
        put_number(f, m->pr_auc, "%.4f");
        fputs("</th>", f);
    } else if (areas) {
        fputs("<th></th><th></th>", f);
    }
    fputs("</tr>\n</tbody>\n</table>\n", f);
    write_score_note(f, m, ds);
    fputs("</div>\n", f);
}

static void write_scores_section(FILE *f, const cli_report *r)
{
    if (r->metrics) {
        fputs("<section>\n<h2>Scores</h2>\n", f);
        if (r->metrics_title) {
            fputs("<p class=\"note\">", f);
            put_html(f, r->metrics_title);
            fputs("</p>\n", f);
        }
        fputs("<div class=\"split\">\n", f);
        write_heat_map(f, r->metrics, r->ds);
        write_per_class(f, r->metrics, r->ds);
        fputs("</div>\n</section>\n", f);
    }
    if (r->regression) {
        fputs("<section>\n<h2>Scores</h2>\n", f);
        if (r->actual && r->predicted) fputs("<div class=\"charts\" id=\"scatter\"></div>\n", f);
        fputs("<p class=\"note\">", f);
        if (r->scored_title) put_html(f, r->scored_title);
        fprintf(f, " RMSE %.4f, MAE %.4f, R&sup2; %.4f.", r->regression->rmse, r->regression->mae,
                r->regression->r2);
        if (r->actual && r->predicted && r->n_scored > MAX_SCATTER_POINTS)
            fprintf(f, " The chart shows %d of the %zu rows, evenly spaced.", MAX_SCATTER_POINTS,
                    r->n_scored);
        fputs("</p>\n</section>\n", f);
    }
}

static void write_fold_row(FILE *f, const cli_report *r, size_t fold, int with_val)
{
    fprintf(f, "<tr><td>%zu</td>", fold + 1);
    if (r->fold_scores) {
        open_bar_cell(f, r->fold_scores[fold] / 100);
        put_percent(f, r->fold_scores[fold]);
        fputs("</td>", f);
    } else {
        const bp_regression_metrics *m = &r->fold_regression[fold];
        fprintf(f, "<td>%.4f</td><td>%.4f</td><td>%.4f</td>", m->rmse, m->mae, m->r2);
    }
    const cli_epoch *last = cli_run_last_epoch(r->progress, fold);
    if (last) {
        fprintf(f, "<td>%zu</td><td>", last->report.epoch + 1);
        put_number(f, last->report.loss, "%.6g");
        fputs("</td>", f);
        if (with_val) {
            fputs("<td>", f);
            put_number(f, last->run_best_val_loss, "%.6g");
            fputs("</td>", f);
        }
        fprintf(f, "<td>%.3g</td>", last->report.seconds);
    }
    fputs("</tr>\n", f);
}

static void write_folds_section(FILE *f, const cli_report *r)
{
    if (!r->fold_scores && !r->fold_regression) return;
    int with_val = has_validation(r->progress);
    fputs("<section>\n<h2>Folds</h2>\n<table>\n<thead><tr><th>fold</th>", f);
    if (r->fold_scores) fputs("<th>accuracy</th>", f);
    else fputs("<th>RMSE</th><th>MAE</th><th>R&sup2;</th>", f);
    if (r->progress->n_epochs) {
        fputs("<th>epochs</th><th>final loss</th>", f);
        if (with_val) fputs("<th>best validation loss</th>", f);
        fputs("<th>seconds</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t fold = 0; fold < r->runs; fold++) write_fold_row(f, r, fold, with_val);
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static void write_setting(FILE *f, const cli_setting *it)
{
    const char *cls = it->given ? "given" : "default";
    fputs("<tr><td><code>--", f);
    put_html(f, it->option);
    fprintf(f, "</code></td><td class=\"%s\">", cls);
    if (it->automatic) fputs("auto \u2192 ", f);
    put_html(f, it->text);
    fprintf(f, "</td><td class=\"%s\">%s</td></tr>\n", cls,
            it->given ? "given" : it->automatic ? "chosen for this run" : "default");
}

static void write_settings_section(FILE *f, const cli_report *r)
{
    const cli_settings *s = r->settings;
    fputs("<section>\n<h2>Configuration</h2>\n", f);
    if (r->network) {
        fputs("<p>Network: ", f);
        put_html(f, r->network);
        fputs("</p>\n", f);
    }
    fputs("<div class=\"columns\">\n", f);
    size_t tables = s->n_groups ? s->n_groups : 1;
    for (size_t g = 0; g < tables; g++) {
        size_t begin = s->n_groups ? s->group_start[g] : 0;
        size_t end = g + 1 < s->n_groups ? s->group_start[g + 1] : s->n;
        fputs("<table class=\"settings\">\n<thead><tr><th class=\"group\" colspan=\"3\">", f);
        put_html(f, s->n_groups ? s->group_title[g] : "Settings");
        fputs("</th></tr></thead>\n<tbody>\n", f);
        for (size_t i = begin; i < end; i++) write_setting(f, &s->item[i]);
        fputs("</tbody>\n</table>\n", f);
    }
    fputs("</div>\n</section>\n", f);
}

static void write_class_counts(FILE *f, const bp_dataset *ds, const size_t *counts)
{
    size_t k = bp_dataset_classes(ds), n = bp_dataset_rows(ds);
    fputs("<h3>Classes</h3>\n<table>\n<thead><tr><th>class</th><th>rows</th><th>share</th></tr></thead>\n"
          "<tbody>\n",
          f);
    for (size_t c = 0; c < k; c++) {
        double share = n ? (double)counts[c] / (double)n : 0;
        fputs("<tr><td>", f);
        put_html(f, bp_dataset_class_name(ds, c));
        fprintf(f, "</td><td>%zu</td>", counts[c]);
        open_bar_cell(f, share);
        fprintf(f, "%.1f%%</td></tr>\n", 100 * share);
    }
    fputs("</tbody>\n</table>\n", f);
}

static void write_target_range(FILE *f, const bp_dataset *ds)
{
    size_t n = bp_dataset_rows(ds);
    bp_samples s = bp_dataset_samples(ds);
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    for (size_t i = 0; i < n; i++) {
        double y = (double)s.y[i];
        lo = y < lo ? y : lo;
        hi = y > hi ? y : hi;
        sum += y;
    }
    fputs("<h3>Target</h3>\n<table><tbody>\n<tr><td>minimum</td><td>", f);
    put_number(f, lo, "%.6g");
    fputs("</td></tr>\n<tr><td>mean</td><td>", f);
    put_number(f, n ? sum / (double)n : NAN, "%.6g");
    fputs("</td></tr>\n<tr><td>maximum</td><td>", f);
    put_number(f, hi, "%.6g");
    fputs("</td></tr>\n</tbody></table>\n", f);
}

static void write_data_section(FILE *f, const cli_report *r)
{
    const bp_dataset *ds = r->ds;
    const size_t *groups = bp_dataset_feature_groups(ds);
    size_t features = bp_dataset_features(ds), numeric = 0, categorical = 0;
    for (size_t j = 0; j < features; j++) {
        if (!groups || groups[j] == 0) numeric++;
        else if (groups[j] > categorical) categorical = groups[j];
    }
    fputs("<section>\n<h2>Data</h2>\n<div class=\"split\">\n<div><table><tbody>\n<tr><td>source</td><td>", f);
    put_html(f, cli_source_name(bp_dataset_source(ds)));
    fprintf(f, "</td></tr>\n<tr><td>rows</td><td>%zu</td></tr>\n", bp_dataset_rows(ds));
    fprintf(f, "<tr><td>input features</td><td>%zu</td></tr>\n", features);
    fprintf(f, "<tr><td>numeric features</td><td>%zu</td></tr>\n", numeric);
    fprintf(f, "<tr><td>text columns (one-hot)</td><td>%zu (%zu features)</td></tr>\n", categorical,
            features - numeric);
    fprintf(f, "<tr><td>task</td><td>%s</td></tr>\n",
            bp_dataset_classes(ds) ? "classification" : "regression");
    fputs("</tbody></table></div>\n<div>", f);
    if (bp_dataset_classes(ds) && r->class_counts) write_class_counts(f, ds, r->class_counts);
    else write_target_range(f, ds);
    fputs("</div>\n</div>\n</section>\n", f);
}

/* ------------------------------------------------- the embedded data */

/* What a learning curve shows. */
typedef enum measure { TRAINING_LOSS, VALIDATION_LOSS, VALIDATION_ACCURACY, LEARNING_RATE } measure;

static double measured(const bp_epoch_report *e, measure m)
{
    switch (m) {
    case TRAINING_LOSS: return e->loss;
    case VALIDATION_LOSS: return e->val_loss;
    case VALIDATION_ACCURACY: return e->val_accuracy;
    default: return e->learning_rate;
    }
}

/* One measure of one run's kept epochs as a JSON array. */
static void json_run_measure(cli_json *j, const cli_progress *p, size_t run, const char *key, measure m)
{
    cli_json_row(j, key);
    for (size_t i = 0; i < p->n_epochs; i++)
        if (p->epochs[i].run == run) cli_json_number(j, NULL, measured(&p->epochs[i].report, m));
    cli_json_end(j);
}

static int run_has(const cli_progress *p, size_t run, measure m)
{
    for (size_t i = 0; i < p->n_epochs; i++)
        if (p->epochs[i].run == run && !isnan(measured(&p->epochs[i].report, m))) return 1;
    return 0;
}

static void json_run(cli_json *j, const cli_report *r, size_t run)
{
    const cli_progress *p = r->progress;
    char name[64];
    if (r->runs > 1) snprintf(name, sizeof name, "fold %zu", run + 1);
    else snprintf(name, sizeof name, "training");
    cli_json_object(j, NULL);
    cli_json_string(j, "name", name);
    cli_json_row(j, "epoch");
    for (size_t i = 0; i < p->n_epochs; i++)
        if (p->epochs[i].run == run) cli_json_size(j, NULL, p->epochs[i].report.epoch + 1);
    cli_json_end(j);
    json_run_measure(j, p, run, "loss", TRAINING_LOSS);
    if (run_has(p, run, VALIDATION_LOSS)) json_run_measure(j, p, run, "val_loss", VALIDATION_LOSS);
    if (run_has(p, run, VALIDATION_ACCURACY))
        json_run_measure(j, p, run, "val_accuracy", VALIDATION_ACCURACY);
    json_run_measure(j, p, run, "learning_rate", LEARNING_RATE);
    cli_json_end(j);
}

static void json_scatter(cli_json *j, const cli_report *r)
{
    size_t step = (r->n_scored + MAX_SCATTER_POINTS - 1) / MAX_SCATTER_POINTS;
    if (step == 0) step = 1;
    cli_json_object(j, "scatter");
    cli_json_string(j, "title", "Predicted against actual values");
    for (int predicted = 0; predicted < 2; predicted++) {
        cli_json_row(j, predicted ? "predicted" : "actual");
        for (size_t i = 0; i < r->n_scored; i += step) {
            size_t row = r->rows ? r->rows[i] : i;
            cli_json_number(j, NULL, (double)(predicted ? r->predicted[row] : r->actual[row]));
        }
        cli_json_end(j);
    }
    cli_json_end(j);
}

static void write_embedded_data(FILE *f, const cli_report *r)
{
    char loss_label[64];
    snprintf(loss_label, sizeof loss_label, "%s loss (mean per row)", bp_loss_name(r->loss));
    fputs("<script type=\"application/json\" id=\"report-data\">\n", f);
    cli_json j;
    cli_json_init(&j, f, 1);
    cli_json_object(&j, NULL);
    cli_json_string(&j, "command", r->command);
    cli_json_string(&j, "loss_label", loss_label);
    cli_json_array(&j, "runs");
    for (size_t run = 0; run < r->runs; run++) json_run(&j, r, run);
    cli_json_end(&j);
    if (r->regression && r->actual && r->predicted) json_scatter(&j, r);
    else cli_json_null(&j, "scatter");
    cli_json_end(&j);
    cli_json_finish(&j);
    fputs("</script>\n", f);
}

/* 0 when out of memory. */
static int write_report(FILE *f, const cli_report *r)
{
    write_head(f, r);
    write_figures(f, r);
    write_warnings_section(f, r);
    write_curves_section(f, r);
    write_scores_section(f, r);
    if (!cli_write_curve_section(f, r)) return 0;
    write_folds_section(f, r);
    write_settings_section(f, r);
    write_data_section(f, r);
    fprintf(f, "<footer>Written by backprop %s. This file is self-contained: it needs no network "
               "access.</footer>\n</main>\n",
            BP_VERSION);
    write_embedded_data(f, r);
    fputs("<script>\n", f);
    put_lines(f, report_js);
    fputs("</script>\n</body>\n</html>\n", f);
    return 1;
}

int cli_report_open(cli_report_file *rf, const char *path)
{
    bp_error err;
    rf->path = path;
    rf->atomic = NULL;
    rf->f = NULL;
    if (bp_atomic_open(&rf->atomic, path, &rf->f, &err) != BP_OK) return cli_fail(&err), 0;
    return 1;
}

int cli_report_commit(cli_report_file *rf, const cli_report *r)
{
    bp_error err;
    if (!write_report(rf->f, r)) {
        cli_report_discard(rf);
        return cli_out_of_memory(), 0;
    }
    if (ferror(rf->f)) {
        cli_report_discard(rf);
        return cli_usage_error("cannot write %s", rf->path), 0;
    }
    bp_atomic_file *atomic = rf->atomic;
    rf->atomic = NULL;
    if (bp_atomic_commit(atomic, &err) != BP_OK) return cli_fail(&err), 0;
    return 1;
}

void cli_report_discard(cli_report_file *rf)
{
    bp_atomic_discard(rf->atomic);
    rf->atomic = NULL;
}
