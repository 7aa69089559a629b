/* events2html's viewer (docs/html.md): FlameScope's heat map of the data
 * in #fp-data, a range selected on it, and that range's flame graph.
 * Written for flamepipe: no library, no network. Embedded in the page's
 * script element: it must not contain a closing script tag or an HTML
 * comment opening. */
"use strict";
(function () {
var D = JSON.parse(document.getElementById("fp-data").textContent);
var R = D.rows, NC = D.ncols, W = D.width, EDGE = D.edges, C = D.cells, NAMES = D.names;
var NN = D.nodes.length / 4, NT = D.threads.length, NE = C.length / 6;
var PAD = 10, FH = 16, FONTW = 12 * 0.59;
var STYLE = [
	"body { font-family: Verdana, sans-serif; font-size: 12px; margin: 12px; background: #f8f8f8; }",
	"h1 { font-size: 17px; font-weight: normal; margin: 0 0 4px 0; }",
	".sub { color: #444; margin-bottom: 4px; }",
	"#main { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }",
	"#heatpane { flex: 0 1 auto; max-width: 100%; overflow-x: auto; }",
	"#flamepane { flex: 1 1 560px; min-width: 480px; background: linear-gradient(#eeeeee, #eeeeb0); }",
	"#heat { cursor: crosshair; display: block; }",
	"#controls { margin: 8px 0; display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }",
	"#cmd { font-family: monospace; background: #fff; border: 1px solid #ccc; padding: 4px 6px; white-space: pre-wrap; word-break: break-all; }",
	"#fg text { font-family: Verdana, sans-serif; font-size: 12px; pointer-events: none; }",
	"#fg g:hover > rect { stroke: #000; stroke-width: 0.5; cursor: pointer; }",
	"#fg .parent { opacity: 0.5; }",
	"#fgtitle { text-align: center; font-size: 17px; margin-top: 6px; }",
	"#fgsub { text-align: center; color: #6e6e6e; margin-bottom: 4px; }",
	"#details, #matched, #heatinfo { min-height: 16px; }",
	"#matched { float: right; }"
].join("\n");

/* the page */
function el(tag, attrs, text) {
	var e = document.createElement(tag);
	for (var k in attrs) e.setAttribute(k, attrs[k]);
	if (text !== undefined) e.textContent = text;
	return e;
}
var st = el("style", {}, STYLE);
document.head.appendChild(st);
var title = D.title || D.input || (D.files.length === 1 && D.files[0] !== "-" ? D.files[0] : "") || "events2html";
var body = document.body;
body.appendChild(el("h1", { id: "title" }, title));
var heatsub = body.appendChild(el("div", { id: "heatsub", "class": "sub" }));
var controls = body.appendChild(el("div", { id: "controls" }));
var thsel = controls.appendChild(el("select", { id: "thread" }));
var search = controls.appendChild(el("input", { id: "search", type: "search", placeholder: "search frames (regular expression)" }));
var unzoomb = controls.appendChild(el("button", { id: "unzoom" }, "Reset Zoom"));
var allb = controls.appendChild(el("button", { id: "all" }, "Select all"));
body.appendChild(el("div", { "class": "sub" }, "timeslice command for the selection:"));
var cmdbox = body.appendChild(el("div", { id: "cmd" }));
var main = body.appendChild(el("div", { id: "main" }));
var heatpane = main.appendChild(el("div", { id: "heatpane" }));
var canvas = heatpane.appendChild(el("canvas", { id: "heat" }));
var heatinfo = heatpane.appendChild(el("div", { id: "heatinfo" }));
var flamepane = main.appendChild(el("div", { id: "flamepane" }));
var fgtitle = flamepane.appendChild(el("div", { id: "fgtitle" }, "Flame Graph"));
var fgsub = flamepane.appendChild(el("div", { id: "fgsub" }));
var fg = flamepane.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "svg"));
fg.setAttribute("id", "fg");
var foot = flamepane.appendChild(el("div", { style: "padding: 0 10px 4px 10px" }));
var matched = foot.appendChild(el("span", { id: "matched" }));
var details = foot.appendChild(el("div", { id: "details" }));

/* numbers and words */
function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
function esc(s) {
	return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]; });
}
function secs(ns) {	/* a BigInt of ns as exact decimal seconds */
	var neg = ns < 0n, a = neg ? -ns : ns, i = a / 1000000000n, f = String(a % 1000000000n);
	while (f.length < 9) f = "0" + f;
	f = f.replace(/0+$/, "");
	return (neg ? "-" : "") + String(i) + (f ? "." + f : "");
}
function ms(ns) { return secs(BigInt(ns) * 1000n); }
function quote(s) { return /^[A-Za-z0-9_.\/:=+,@%-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'"; }
function value(n) { return grouped(n) + " " + (n === 1 ? "sample" : "samples"); }

/* the tree: parent, depth, children in id order (preorder, by name) */
var parent = new Int32Array(NN), depth = new Int32Array(NN), kid = new Int32Array(NN).fill(-1),
	next = new Int32Array(NN).fill(-1), last = new Int32Array(NN).fill(-1);
for (var i = 1; i < NN; i++) {
	var p = D.nodes[4 * i];
	parent[i] = p;
	depth[i] = depth[p] + 1;
	if (last[p] < 0) kid[p] = i; else next[last[p]] = i;
	last[p] = i;
}
function nname(n) { return NAMES[D.nodes[4 * n + 1]]; }

/* threads: the selection */
var tmatch = new Uint8Array(NT).fill(1), tsel = { kind: "all" };
(function () {
	var o = thsel.appendChild(el("option", { value: "all" }, "all threads")), pids = {}, list = [];
	var n = new Float64Array(NT);
	for (var e = 0; e < NE; e++) n[C[6 * e + 2]] += C[6 * e + 5];
	for (var t = 0; t < NT; t++) {
		var th = D.threads[t];
		if (n[t] === 0) continue;
		if (th[0] !== "-") {
			if (!(th[0] in pids)) { pids[th[0]] = { n: 0, name: th[2] }; list.push(th[0]); }
			pids[th[0]].n += n[t];
		}
	}
	list.forEach(function (pid) {
		thsel.appendChild(el("option", { value: "p:" + pid }, "process " + pid + " " + pids[pid].name + " (" + value(pids[pid].n) + ")"));
	});
	for (t = 0; t < NT; t++)
		if (n[t] > 0 && D.threads[t][1] !== "-")
			thsel.appendChild(el("option", { value: "t:" + t }, "thread " + D.threads[t][0] + "/" + D.threads[t][1] + " " + D.threads[t][2] + " (" + value(n[t]) + ")"));
	o.selected = true;
})();
function set_threads(v) {
	thsel.value = v;
	if (v.slice(0, 2) === "p:") tsel = { kind: "pid", pid: v.slice(2) };
	else if (v.slice(0, 2) === "t:") tsel = { kind: "tid", t: +v.slice(2) };
	else tsel = { kind: "all" };
	for (var t = 0; t < NT; t++)
		tmatch[t] = tsel.kind === "all" || (tsel.kind === "pid" ? D.threads[t][0] === tsel.pid : t === tsel.t);
	heat_values();
	draw_heat();
	update();
}
thsel.addEventListener("change", function () { set_threads(thsel.value); });

/* the heat map: cell index ci = col * R + bucket is time order */
var vals = new Float64Array(Math.max(NC * R, 1)), vmax = 0, vtotal = 0;
function heat_values() {
	vals.fill(0);
	vmax = vtotal = 0;
	for (var e = 0; e < NE; e++) {
		var k = 6 * e;
		if (!tmatch[C[k + 2]]) continue;
		var ci = C[k] * R + C[k + 1];
		vals[ci] += C[k + 5];
		vtotal += C[k + 5];
		if (vals[ci] > vmax) vmax = vals[ci];
	}
}
var colw = Math.max(4, Math.min(32, Math.floor(640 / Math.max(NC, 1)))), rowh = Math.max(2, Math.min(16, Math.floor(400 / R)));
if (NC * colw > 30000) colw = Math.max(1, Math.floor(30000 / NC));
var LEFT = 56, TOP = 8, GW = NC * colw, GH = R * rowh;
canvas.width = LEFT + Math.max(GW, 170) + 12;
canvas.height = TOP + GH + 34;
var ctx = canvas.getContext("2d");
function colour(v) {	/* FlameScope: [0, max/2, max] -> #FFFFFF #FF5032 #E50914 */
	var s = [[255, 255, 255], [255, 80, 50], [229, 9, 20]];
	var t = vmax > 0 && v > 0 ? v / vmax : 0, lo = t <= 0.5 ? 0 : 1, f = Math.min(1, t <= 0.5 ? t * 2 : (t - 0.5) * 2);
	return "rgb(" + [0, 1, 2].map(function (i) { return Math.round(s[lo][i] + (s[lo + 1][i] - s[lo][i]) * f); }).join(",") + ")";
}
function cell_xy(col, b) { return [LEFT + col * colw, TOP + (R - 1 - b) * rowh]; }
function draw_heat() {
	ctx.fillStyle = "#f8f8f8";
	ctx.fillRect(0, 0, canvas.width, canvas.height);
	ctx.fillStyle = "#fff";
	ctx.fillRect(LEFT, TOP, GW, GH);
	for (var ci = 0; ci < NC * R; ci++) {
		if (!vals[ci]) continue;
		var xy = cell_xy(Math.floor(ci / R), ci % R);
		ctx.fillStyle = colour(vals[ci]);
		ctx.fillRect(xy[0], xy[1], colw, rowh);
	}
	ctx.strokeStyle = "#ccc";
	ctx.strokeRect(LEFT - 0.5, TOP - 0.5, GW + 1, GH + 1);
	ctx.fillStyle = "#000";
	ctx.font = "11px Verdana, sans-serif";
	ctx.textAlign = "right";
	var step = Math.max(1, Math.ceil(14 / rowh), Math.round(R / 5));
	for (var b = 0; b < R; b += step) ctx.fillText(ms(EDGE[b]), LEFT - 4, TOP + (R - b) * rowh);
	ctx.textAlign = "center";
	var lw = (String(NC).length + 2) * 8 + 8, cs = [1, 2, 5], k = 0, every = 1;
	while (every * colw < lw) every = cs[k % 3] * Math.pow(10, Math.floor(k++ / 3));
	for (var c = 0; c < NC; c += every) ctx.fillText(secs(BigInt(c) * BigInt(W)), LEFT + c * colw + colw / 2, TOP + GH + 14);
	ctx.textAlign = "left";
	ctx.fillText(NC ? "seconds (columns), ms (rows)" : "no samples", LEFT, TOP + GH + 28);
	if (sel) {
		ctx.fillStyle = "rgba(147,110,181,0.4)";	/* FlameScope's #936EB5 */
		for (c = Math.floor(sel.lo / R); c <= Math.floor(sel.hi / R); c++) {
			var b0 = c === Math.floor(sel.lo / R) ? sel.lo % R : 0, b1 = c === Math.floor(sel.hi / R) ? sel.hi % R : R - 1;
			var top = cell_xy(c, b1);
			ctx.fillRect(top[0], top[1], colw, (b1 - b0 + 1) * rowh);
		}
	}
	heatsub.textContent = grouped(vtotal) + " samples of " + (D.event === null ? "no event" : D.event) +
		(tsel.kind === "all" ? "" : " (" + thsel.options[thsel.selectedIndex].textContent + ")") +
		", max " + value(vmax) + " per cell; columns of " + secs(BigInt(W)) + " s from " + D.origin_s +
		" s, " + R + " rows, time runs up; idle samples " + (D.idle ? "kept" : "left out (" + grouped(D.nidle) + ")");
}
function cell_at(ev) {
	var r = canvas.getBoundingClientRect(), x = ev.clientX - r.left - LEFT, y = ev.clientY - r.top - TOP;
	if (x < 0 || y < 0 || x >= GW || y >= GH) return -1;
	return Math.floor(x / colw) * R + (R - 1 - Math.floor(y / rowh));
}
function cell_words(ci) {
	var c = Math.floor(ci / R), b = ci % R;
	return "column " + c + ", " + ms(EDGE[b]) + "-" + ms(EDGE[b + 1]) + " ms: " + value(vals[ci]);
}

/* the selection: cells lo..hi in time order, across columns */
var sel = null, pending = -1, dragging = -1, moved = false;
canvas.addEventListener("mousedown", function (ev) {
	var ci = cell_at(ev);
	if (ci < 0) return;
	ev.preventDefault();
	dragging = ci;
	moved = false;
});
canvas.addEventListener("mousemove", function (ev) {
	var ci = cell_at(ev);
	heatinfo.textContent = ci < 0 ? "" : cell_words(ci) + (pending >= 0 ? " (click the end of the range)" : "");
	if (dragging >= 0 && ci >= 0 && ci !== dragging) {
		moved = true;
		select(Math.min(dragging, ci), Math.max(dragging, ci), true);
	}
});
window.addEventListener("mouseup", function (ev) {
	if (dragging < 0) return;
	var ci = cell_at(ev), from = dragging;
	dragging = -1;
	if (ci < 0) ci = moved && sel ? (sel.lo === from ? sel.hi : sel.lo) : from;
	if (moved && ci !== from) { pending = -1; select(Math.min(from, ci), Math.max(from, ci)); return; }
	if (pending >= 0) {	/* FlameScope: the second click ends the range */
		select(Math.min(pending, ci), Math.max(pending, ci));
		pending = -1;
	} else {
		pending = ci;
		select(ci, ci);
	}
});
function select(lo, hi, quick) {
	sel = { lo: lo, hi: hi };
	draw_heat();
	if (!quick) { zoomed = 0; update(); }
}
allb.addEventListener("click", function () { pending = -1; select(0, NC * R - 1); });

/* the flame graph of the selection */
var w = new Float64Array(NN), self = new Float64Array(NN), zoomed = 0, re = null;
function first_entry(ci) {	/* the first entry of a cell >= ci */
	var a = 0, b = NE;
	while (a < b) {
		var m = (a + b) >> 1;
		if (C[6 * m] * R + C[6 * m + 1] < ci) a = m + 1; else b = m;
	}
	return a;
}
function aggregate() {
	w.fill(0);
	if (!sel) return;
	for (var e = first_entry(sel.lo); e < NE && C[6 * e] * R + C[6 * e + 1] <= sel.hi; e++)
		if (tmatch[C[6 * e + 2]]) w[C[6 * e + 3]] += C[6 * e + 4];
	self.set(w);
	for (var n = NN - 1; n > 0; n--) w[parent[n]] += w[n];
}
function command() {
	if (!sel) return "";
	var lo = sel.lo, hi = sel.hi, base = D.relative ? 0n : BigInt(D.origin_s) * 1000000000n;
	var s = base + BigInt(Math.floor(lo / R)) * BigInt(W) + BigInt(EDGE[lo % R]);
	var e = base + BigInt(Math.floor(hi / R)) * BigInt(W) + BigInt(EDGE[hi % R + 1]);
	var a = ["timeslice", D.relative ? "-f" : "-a"];
	if (!D.idle) a.push("--no-idle");
	if (D.other && D.event !== null) a.push("-e", quote(D.event));
	if (tsel.kind === "pid") a.push("-p", quote(tsel.pid));
	if (tsel.kind === "tid") {
		if (D.threads[tsel.t][0] !== "-") a.push("-p", quote(D.threads[tsel.t][0]));
		a.push("-t", quote(D.threads[tsel.t][1]));
	}
	if (s < 0n) a.push("--");
	a.push(secs(s), secs(e));
	D.files.forEach(function (f) { a.push(quote(f)); });
	return a.join(" ") + " | events2folded" + (D.count ? " -c" : "");
}
function weight_words(x) {
	var t = w[zoomed] > 0 ? w[0] : 0;
	return grouped(x) + " " + D.unit + ", " + (t > 0 ? (100 * x / t).toFixed(2) : "0.00") + "%";
}
function update() {
	aggregate();
	cmdbox.textContent = command();
	var range = "";
	if (sel) {
		var c0 = Math.floor(sel.lo / R), c1 = Math.floor(sel.hi / R);
		range = "column " + c0 + " " + ms(EDGE[sel.lo % R]) + " ms to column " + c1 + " " + ms(EDGE[sel.hi % R + 1]) + " ms";
	}
	fgsub.textContent = sel ? (D.event === null ? "" : D.event + ", ") + grouped(w[0]) + " " + D.unit + "; " + range +
		(tsel.kind === "all" ? "" : "; " + thsel.options[thsel.selectedIndex].textContent) : "select a range on the heat map";
	draw_flame();
}
var MAXD = 400, MAXA = 40;	/* levels drawn under the zoomed frame, ancestors over it */
function draw_flame() {
	var FW = Math.max(300, flamepane.clientWidth), full = FW - 2 * PAD, out = [], maxd = 0, list = [], deeper = 0;
	var z = zoomed, base = w[z], d0 = depth[z];
	unzoomb.disabled = z === 0;
	if (base > 0) {
		for (var a = z; a !== 0 && list.length < MAXA; ) {
			a = parent[a];
			list.push([a, 0, full, true]);
			d0 = depth[a];
		}
		var stack = [[z, 0]];
		while (stack.length) {
			var top = stack.pop(), n = top[0], x = top[1], wd = w[n] / base * full;
			if (wd < 0.1) continue;
			if (depth[n] - depth[z] > MAXD) { deeper++; continue; }
			list.push([n, x, wd, false]);
			var kids = [];
			for (var k = kid[n]; k >= 0; k = next[k]) kids.push(k);
			for (var i = kids.length - 1, cx = x + kids.reduce(function (s, q) { return s + w[q]; }, 0) / base * full; i >= 0; i--) {
				cx -= w[kids[i]] / base * full;
				stack.push([kids[i], cx]);
			}
		}
	}
	list.forEach(function (f) { if (depth[f[0]] - d0 > maxd) maxd = depth[f[0]] - d0; });
	details.textContent = deeper ? "frames more than " + MAXD + " levels above the zoomed one are not drawn: click a frame near the top to zoom" : "";
	var H = (maxd + 1) * FH + 8, mw = 0, total = 0;
	fg.setAttribute("width", FW);
	fg.setAttribute("height", list.length ? H : 40);
	if (!list.length) {
		fg.innerHTML = "<text x=\"" + FW / 2 + "\" y=\"24\" text-anchor=\"middle\">" + (sel ? "no samples: nothing to draw" : "") + "</text>";
		matched.textContent = "";
		return;
	}
	list.forEach(function (f) {
		var n = f[0], name = nname(n), y = H - 4 - (depth[n] - d0 + 1) * FH, chars = Math.floor((f[2] - 3) / FONTW);
		var hit = re !== null && re.test(name), fill = hit ? "rgb(230,0,230)" : D.colours[D.nodes[4 * n + 3]];
		var label = chars < 3 ? "" : name.length > chars ? name.slice(0, chars - 2) + ".." : name;
		out.push("<g data-n=\"" + n + "\"" + (f[3] ? " class=\"parent\"" : "") + "><title>" + esc(name) + " (" + weight_words(w[n]) +
			")</title><rect x=\"" + (f[1] + PAD).toFixed(3) + "\" y=\"" + y + "\" width=\"" + f[2].toFixed(3) +
			"\" height=\"" + (FH - 1) + "\" fill=\"" + fill + "\" rx=\"2\" ry=\"2\"/><text x=\"" + (f[1] + PAD + 3).toFixed(3) +
			"\" y=\"" + (y + 10.5) + "\">" + esc(label) + "</text></g>");
	});
	fg.innerHTML = out.join("");
	if (re !== null) {	/* the weight under a match, each sample once */
		for (var n = 0; n < NN; n++) {
			var m = re.test(nname(n)) && n !== 0;
			for (var q = parent[n]; m && q > 0; q = parent[q]) if (re.test(nname(q))) m = false;
			if (m && n !== 0) mw += w[n];
		}
		total = w[0];
		matched.textContent = "Matched: " + (total > 0 ? (100 * mw / total).toFixed(2) : "0.00") + "%";
	} else {
		matched.textContent = "";
	}
}
fg.addEventListener("click", function (ev) {
	var g = ev.target.closest ? ev.target.closest("g") : null;
	if (!g) return;
	zoomed = +g.getAttribute("data-n");
	draw_flame();
});
fg.addEventListener("mouseover", function (ev) {
	var g = ev.target.closest ? ev.target.closest("g") : null;
	details.textContent = g ? g.firstChild.textContent : "";
});
unzoomb.addEventListener("click", function () { zoomed = 0; draw_flame(); });
search.addEventListener("input", function () {
	try { re = search.value === "" ? null : new RegExp(search.value); } catch (e) { matched.textContent = "bad regular expression"; return; }
	draw_flame();
});
window.addEventListener("keydown", function (e) {
	if (e.key === "Escape") { pending = -1; zoomed = 0; search.value = ""; re = null; draw_flame(); }
});
window.addEventListener("resize", draw_flame);

/* for people reading the page with a program (tests/browser/html.js) */
window.flamepipe = {
	cols: NC, rows: R, event: D.event,
	cell: function (col, b) {	/* the centre of a cell, in page coordinates */
		var r = canvas.getBoundingClientRect(), xy = cell_xy(col, b);
		return { x: r.left + window.scrollX + xy[0] + colw / 2, y: r.top + window.scrollY + xy[1] + rowh / 2 };
	},
	selection: function () { return sel ? { lo: sel.lo, hi: sel.hi } : null; },
	threads: function (v) { set_threads(v); },
	command: command,
	total: function () { return w[0]; },
	value: function (col, b) { return vals[col * R + b]; },
	folded: function () {	/* the selection as events2folded lines (names as drawn) */
		var lines = {}, path = [];
		for (var n = 1; n < NN; n++) {
			if (self[n] === 0) continue;
			path.length = 0;
			for (var q = n; q > 0; q = parent[q])
				path.push(nname(q) + (D.nodes[4 * q + 2] === 3 ? "_[i]" : ""));
			var s = path.reverse().join(";");
			lines[s] = (lines[s] || 0) + self[n];
		}
		return Object.keys(lines).sort().map(function (k) { return k + " " + lines[k]; });
	}
};
heat_values();
if (NC > 0) select(0, NC * R - 1); else { draw_heat(); update(); }
})();
