/// The live dashboard at `/`: one page, served by Sonde itself (no CDN, no build step, no external fonts), that
/// reads the API every two seconds. Written for a person on call at night: big figures first, red only for
/// trouble, every number labelled.
enum Dashboard {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sonde</title>
        <style>
        :root { --bg:#0f1419; --panel:#171e26; --line:#26313d; --text:#e6edf3; --dim:#8b98a5; --accent:#4fb3ff;
                --ok:#3fb950; --warn:#d29922; --bad:#f85149; }
        * { box-sizing:border-box; }
        body { margin:0; background:var(--bg); color:var(--text); font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
        header { display:flex; align-items:baseline; gap:16px; padding:14px 20px; border-bottom:1px solid var(--line); }
        header h1 { margin:0; font-size:20px; letter-spacing:.5px; }
        header .status { color:var(--dim); }
        header .status.bad { color:var(--bad); font-weight:600; }
        main { display:grid; grid-template-columns:repeat(12,1fr); gap:14px; padding:16px 20px; }
        .panel { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
        .panel h2 { margin:0 0 8px; font-size:12px; font-weight:600; text-transform:uppercase; letter-spacing:.8px; color:var(--dim); }
        .kpi { grid-column:span 2; }
        .kpi .v { font-size:30px; font-weight:650; font-variant-numeric:tabular-nums; }
        .kpi .s { color:var(--dim); font-size:12px; }
        .wide { grid-column:span 8; } .side { grid-column:span 4; } .third { grid-column:span 4; } .half { grid-column:span 6; }
        @media (max-width:1100px) { .kpi { grid-column:span 4; } .wide,.side,.third,.half { grid-column:span 12; } }
        canvas { width:100%; height:160px; display:block; }
        table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
        td { padding:3px 4px; border-top:1px solid var(--line); white-space:nowrap; }
        td.k { width:100%; max-width:0; overflow:hidden; text-overflow:ellipsis; }
        td.n { text-align:right; width:1%; padding-left:12px; }
        .bar { height:8px; background:var(--accent); border-radius:2px; min-width:2px; }
        .bars td.k { width:96px; min-width:96px; max-width:96px; }
        .bars td.b { width:100%; }
        .bad { color:var(--bad); } .ok { color:var(--ok); } .warn { color:var(--warn); }
        .tabs button { background:none; color:var(--dim); border:1px solid var(--line); border-radius:4px; padding:2px 8px; margin:0 4px 8px 0; cursor:pointer; font:inherit; font-size:12px; }
        .tabs button.on { color:var(--text); border-color:var(--accent); }
        .legend { color:var(--dim); font-size:12px; }
        </style>
        </head>
        <body>
        <header><h1>Sonde</h1><span id="status" class="status">connecting…</span><span class="legend" id="since"></span></header>
        <main>
          <section class="panel kpi"><h2>Queries/s</h2><div class="v" id="qps">–</div><div class="s" id="qpsPeak"></div></section>
          <section class="panel kpi"><h2>Responses/s</h2><div class="v" id="rps">–</div><div class="s" id="rpsPeak"></div></section>
          <section class="panel kpi"><h2>Queries</h2><div class="v" id="queries">–</div><div class="s" id="responses"></div></section>
          <section class="panel kpi"><h2>Clients</h2><div class="v" id="clients">–</div><div class="s" id="domains"></div></section>
          <section class="panel kpi"><h2>Latency p50 / p99</h2><div class="v" id="p50">–</div><div class="s" id="p99"></div></section>
          <section class="panel kpi"><h2>Errors</h2><div class="v" id="errors">–</div><div class="s" id="errorsDetail"></div></section>
          <section class="panel wide"><h2>Queries and responses per second (last 5 minutes)</h2><canvas id="chart" width="900" height="160"></canvas>
            <div class="legend"><span style="color:var(--accent)">■</span> queries/s &nbsp; <span style="color:var(--ok)">■</span> responses/s</div></section>
          <section class="panel side"><h2>Latency</h2><table class="bars" id="latency"></table></section>
          <section class="panel third"><h2>Response codes</h2><table class="bars" id="rcodes"></table></section>
          <section class="panel third"><h2>Query types</h2><table class="bars" id="qtypes"></table></section>
          <section class="panel third"><h2>Protocols and families</h2><table class="bars" id="protocols"></table></section>
          <section class="panel half"><h2>Top</h2>
            <div class="tabs" id="tabs"></div><table id="top"></table></section>
          <section class="panel half"><h2>Outputs</h2><table id="outputs"></table></section>
        </main>
        <script>
        "use strict";
        const key = new URLSearchParams(location.hash.slice(1)).get("key") || sessionStorage.getItem("sondeKey");
        if (key) sessionStorage.setItem("sondeKey", key);
        const headers = key ? {"X-API-Key": key} : {};
        const tables = [["domains","Domains"],["nxdomain","NXDOMAIN"],["servfail","SERVFAIL"],["refused","REFUSED"],
          ["tlds","TLDs"],["registered_domains","Registered"],["clients","Clients"],["clients_by_bytes","Clients by bytes"],["slowest","Slowest (ms)"]];
        let tab = "domains";
        const history = [];
        const fmt = n => n == null ? "–" : n >= 1e9 ? (n/1e9).toFixed(2)+"G" : n >= 1e6 ? (n/1e6).toFixed(2)+"M" : n >= 1e4 ? (n/1e3).toFixed(1)+"k" : Math.round(n).toLocaleString("en");
        const exact = n => n == null ? "–" : Number(n).toLocaleString("en");
        const ms = v => v == null ? "–" : v < 1 ? v.toFixed(3)+" ms" : v < 100 ? v.toFixed(1)+" ms" : Math.round(v)+" ms";
        const $ = id => document.getElementById(id);
        function el(tag, attrs, ...kids) { const e = document.createElement(tag); Object.assign(e, attrs || {}); for (const k of kids) e.append(k); return e; }
        function bars(id, pairs, cls, whole) {
          const t = $(id); t.replaceChildren();
          const max = Math.max(1, ...pairs.map(p => p[1]));
          const total = whole || pairs.reduce((a, p) => a + p[1], 0) || 1;
          for (const [k, v] of pairs) {
            const bar = el("div", {className: "bar"}); bar.style.width = (100 * v / max) + "%";
            if (cls && cls(k)) bar.style.background = "var(--" + cls(k) + ")";
            t.append(el("tr", {}, el("td", {className: "k", title: k}, k), el("td", {className: "b"}, bar), el("td", {className: "n"}, exact(v)), el("td", {className: "n"}, (100 * v / total).toFixed(1) + "%")));
          }
          if (!pairs.length) t.append(el("tr", {}, el("td", {className: "k"}, "nothing yet")));
        }
        function entries(o) { return Object.entries(o || {}).sort((a, b) => b[1] - a[1]); }
        function chart() {
          const c = $("chart"), g = c.getContext("2d");
          const w = c.width = c.clientWidth * devicePixelRatio, h = c.height = 160 * devicePixelRatio;
          g.clearRect(0, 0, w, h);
          const max = Math.max(5, ...history.map(p => Math.max(p.q, p.r)));
          g.strokeStyle = "#26313d"; g.fillStyle = "#8b98a5"; g.font = (11 * devicePixelRatio) + "px system-ui";
          for (let i = 0; i <= 4; i++) { const y = h - 4 - (h - 20) * i / 4; g.beginPath(); g.moveTo(0, y); g.lineTo(w, y); g.stroke(); g.fillText(fmt(max * i / 4), 4, y - 3); }
          for (const [k, color] of [["q", "#4fb3ff"], ["r", "#3fb950"]]) {
            g.strokeStyle = color; g.lineWidth = 2 * devicePixelRatio; g.beginPath();
            history.forEach((p, i) => { const x = w * i / 149, y = h - 4 - (h - 20) * p[k] / max; i ? g.lineTo(x, y) : g.moveTo(x, y); });
            g.stroke();
          }
        }
        async function get(path) {
          const r = await fetch(path, {headers, cache: "no-store"});
          if (r.status === 401) throw new Error("unauthorized: open the page as #key=YOUR_API_KEY or with Basic credentials");
          if (!r.ok) throw new Error(path + ": HTTP " + r.status);
          return r.json();
        }
        async function refresh() {
          try {
            const [c, t, o] = await Promise.all([get("/api/v1/counters"), get("/api/v1/tables?n=10"), get("/api/v1/outputs")]);
            $("status").textContent = "live · updated " + new Date().toLocaleTimeString(); $("status").className = "status";
            $("since").textContent = c.since ? "since " + c.since.replace("T", " ").slice(0, 19) + " UTC" : "";
            $("qps").textContent = fmt(c.queries_per_second); $("qpsPeak").textContent = "peak " + fmt(c.peak_queries_per_second);
            $("rps").textContent = fmt(c.responses_per_second); $("rpsPeak").textContent = "peak " + fmt(c.peak_responses_per_second);
            $("queries").textContent = fmt(c.queries); $("responses").textContent = exact(c.responses) + " responses";
            $("clients").textContent = fmt(c.clients); $("domains").textContent = "~" + exact(c.domains) + " domains";
            $("p50").textContent = ms(c.latency.p50_ms); $("p99").textContent = "p99 " + ms(c.latency.p99_ms) + " · p99.9 " + ms(c.latency.p999_ms);
            const servfail = c.rcode.SERVFAIL || 0, malformed = c.malformed || 0;
            const errors = servfail + malformed + (c.unanswered || 0);
            $("errors").textContent = exact(errors); $("errors").className = "v " + (errors ? "bad" : "ok");
            $("errorsDetail").textContent = "SERVFAIL " + exact(servfail) + " · malformed " + exact(malformed) + " · unanswered " + exact(c.unanswered);
            history.push({q: c.queries_per_second || 0, r: c.responses_per_second || 0}); if (history.length > 150) history.shift();
            chart();
            const lat = c.latency.buckets || {};
            bars("latency", [["< 1 ms", lat.lt_1ms], ["1–10 ms", lat["1_10ms"]], ["10–50 ms", lat["10_50ms"]], ["50–100 ms", lat["50_100ms"]], ["100 ms–1 s", lat["100_1000ms"]], ["> 1 s", lat.gt_1s]].map(([k, v]) => [k, v || 0]),
                 k => k.startsWith(">") ? "bad" : k.startsWith("100") ? "warn" : null);
            bars("rcodes", entries(c.rcode), k => k === "NOERROR" ? "ok" : k === "NXDOMAIN" ? "warn" : "bad");
            bars("qtypes", entries(c.qtype).slice(0, 10));
            bars("protocols", [...entries(c.protocol).map(([k, v]) => [k.toUpperCase(), v]), ...entries(c.family).map(([k, v]) => [k === "ipv4" ? "IPv4" : "IPv6", v])], null, c.messages - c.without_message);
            const tabs = $("tabs"); tabs.replaceChildren();
            for (const [k, label] of tables) { const b = el("button", {className: k === tab ? "on" : "", textContent: label}); b.onclick = () => { tab = k; refresh(); }; tabs.append(b); }
            const top = $("top"); top.replaceChildren();
            const rows = t.tables[tab] || [];
            for (const e of rows) top.append(el("tr", {}, el("td", {className: "k", title: e.key}, e.key), el("td", {className: "n"}, tab === "slowest" ? ms(e.count / 1000) : exact(e.count)), el("td", {className: "n legend"}, e.error ? "±" + exact(e.error) : "")));
            if (!rows.length) top.append(el("tr", {}, el("td", {className: "k"}, "nothing yet")));
            const out = $("outputs"); out.replaceChildren();
            out.append(el("tr", {}, ...["output", "written", "filtered", "dropped", "failed", "queued"].map(h => el("td", {className: h === "output" ? "k legend" : "n legend"}, h))));
            for (const x of o.outputs) {
              const bad = x.state !== "running" || x.dropped > 0 || x.failed > 0;
              out.append(el("tr", {}, el("td", {className: "k " + (bad ? "bad" : "ok"), title: x.kind}, x.name + " (" + x.kind + ")" + (x.state !== "running" ? " — " + x.state : "")),
                ...[x.written, x.filtered, x.dropped, x.failed, x.pending].map((v, i) => el("td", {className: "n" + ((i === 2 || i === 3) && v > 0 ? " bad" : "")}, exact(v)))));
            }
            if (!o.outputs.length) out.append(el("tr", {}, el("td", {className: "k"}, "no outputs (statistics only)")));
          } catch (e) {
            $("status").textContent = String(e.message || e); $("status").className = "status bad";
          }
        }
        refresh(); setInterval(refresh, 2000); addEventListener("resize", chart);
        </script>
        </body>
        </html>

        """#
}
