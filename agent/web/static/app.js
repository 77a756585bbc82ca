// capplan page. No libraries; every text goes into the page with textContent (never as HTML).
// The only markup parsed is the chart SVG the server draws (its texts escaped), as image/svg+xml.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { id: null, scenarios: new Map(), order: [], selected: null, final: null, busy: false };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  async function api(path, options) {
    const res = await fetch(path, Object.assign({ credentials: "same-origin", headers: { "content-type": "application/json" } }, options || {}));
    if (!res.ok) {
      let message = res.status + " " + res.statusText;
      try { message = (await res.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return res;
  }

  function setStatus(text) { $("status").textContent = text || ""; }

  // -- sessions ---------------------------------------------------------------------------------
  async function refreshSessions() {
    const list = $("session-list");
    try {
      const data = await (await api("/api/sessions")).json();
      list.replaceChildren(...data.sessions.map((s) => {
        const a = el("a", { href: "#s=" + s.id, "aria-current": s.id === state.id ? "page" : null, text: s.title || "New session" });
        const when = new Date(s.updated_at * 1000);
        return el("li", {}, a, el("time", { datetime: when.toISOString(), text: when.toLocaleString() }));
      }));
    } catch (e) { list.replaceChildren(el("li", { text: "Could not list sessions: " + e.message })); }
  }

  async function newSession() {
    const data = await (await api("/api/sessions", { method: "POST", body: "{}" })).json();
    state.id = data.id;
    state.scenarios.clear(); state.order = []; state.selected = null; state.final = null;
    $("log").replaceChildren();
    renderPlan();
    history.pushState(null, "", "#s=" + data.id);
    localStorage.setItem("capplan-session", data.id);
    refreshSessions();
    return data.id;
  }

  async function openSession(id) {
    state.id = id;
    state.scenarios.clear(); state.order = []; state.selected = null;
    $("log").replaceChildren();
    try {
      const view = await (await api("/api/sessions/" + id)).json();
      for (const m of view.messages) {
        if (m.role === "user") addMessage("user", m.text);
        else if (m.role === "assistant") {
          const bubble = m.text || m.tools.length ? addMessage("assistant", m.text) : null;
          if (bubble) for (const t of m.tools) addStep(bubble, t).update(t.ok, t.summary);
        }
      }
      state.final = view.final;
      for (const s of view.scenarios) putScenario(s);
      state.selected = view.final && state.scenarios.has(view.final) ? view.final : state.order[state.order.length - 1] || null;
      renderPlan();
      localStorage.setItem("capplan-session", id);
    } catch (e) {
      if (/no session/.test(e.message)) {  // a session of another database: start afresh
        localStorage.removeItem("capplan-session");
        state.id = null;
        history.replaceState(null, "", location.pathname);
      } else {
        addMessage("error", "Could not open this session: " + e.message);
      }
    }
    refreshSessions();
  }

  // -- the conversation --------------------------------------------------------------------------
  // **bold** in the assistant's words, as DOM nodes (text stays text; no HTML is parsed)
  function renderText(node, text) {
    const parts = String(text || "").split("**");
    node.replaceChildren(...parts.map((p, i) => (i % 2 === 1 && i < parts.length - 1 ? el("strong", { text: p }) : document.createTextNode(p))));
  }

  function addMessage(kind, text) {
    const who = { user: "You", assistant: "capplan", error: "Problem", notice: "" }[kind];
    const body = el("div", { class: "text" });
    if (kind === "assistant") renderText(body, text); else body.textContent = text || "";
    const bubble = el("div", { class: "msg " + kind }, who ? el("span", { class: "who", text: who }) : null, body);
    $("log").append(el("li", {}, bubble));
    bubble.scrollIntoView({ block: "end" });
    return bubble;
  }

  function addStep(bubble, step) {
    const summary = el("summary", { text: "ran " + step.name });
    const args = el("pre", { text: "arguments: " + (step.arguments || "{}") });
    const result = el("pre", { text: "running…" });
    const box = el("details", { class: "step", "data-tool": step.name }, summary, args, result);
    bubble.insertBefore(box, bubble.querySelector(".text"));
    return {
      update(ok, text) {
        box.classList.toggle("failed", ok === false);
        summary.textContent = (ok === false ? "ran " + step.name + " (it reported a problem)" : "ran " + step.name);
        result.textContent = text || "";
      },
    };
  }

  async function send(text) {
    if (state.busy) return;
    state.busy = true;  // before any await: a second Enter must not start a second turn
    $("send").disabled = true;
    if (!state.id) {
      try { await newSession(); } catch (e) {
        addMessage("error", "Could not start a session: " + e.message);
        state.busy = false; $("send").disabled = false;
        return;
      }
    }
    addMessage("user", text);
    await stream("/api/sessions/" + state.id + "/messages", { text: text }, false);
  }

  async function stream(path, body, showTurn) {
    state.busy = true;
    $("send").disabled = true;
    setStatus("Working…");
    let bubble = null, textNode = null;
    const steps = new Map();
    const ensureBubble = () => { if (!bubble) { bubble = addMessage("assistant", ""); textNode = bubble.querySelector(".text"); } return bubble; };
    const handlers = {
      turn_start(d) { if (showTurn) addMessage("user", d.text); },  // the form's change, in words
      reply_start() { ensureBubble(); if (textNode.textContent && !/\n$/.test(textNode.textContent)) textNode.append("\n"); },
      reply_end() { if (textNode) renderText(textNode, textNode.textContent); },
      text(d) { ensureBubble(); textNode.append(document.createTextNode(d.text)); setStatus("Writing…"); },
      tool_start(d) { steps.set(d.id, addStep(ensureBubble(), d)); setStatus("Running " + d.name + "…"); },
      tool_end(d) { const s = steps.get(d.id); if (s) s.update(d.ok, d.summary); },
      plan(d) { putScenario(d); state.selected = d.name; renderPlan(); },
      notice(d) { addMessage("notice", d.text); },
      error(d) { addMessage("error", d.message); },
      done(d) { state.final = d.session.final; markFinal(); refreshSessions(); },
    };
    try {
      const res = await api(path, { method: "POST", body: JSON.stringify(body) });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
          let event = "message", data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (handlers[event]) handlers[event](data ? JSON.parse(data) : {});
        }
      }
    } catch (e) {
      addMessage("error", e.message);
    } finally {
      state.busy = false;
      $("send").disabled = false;
      setStatus("");
      if (bubble) bubble.scrollIntoView({ block: "end" });
    }
  }

  // -- the plan panel ----------------------------------------------------------------------------
  function putScenario(view) {
    if (!state.scenarios.has(view.name)) state.order.push(view.name);
    state.scenarios.set(view.name, view);
    if (view.final) state.final = view.name;
  }

  function markFinal() {
    $("final-mark").textContent = state.selected && state.selected === state.final ? "final plan" : "";
  }

  function renderPlan() {
    const view = state.selected ? state.scenarios.get(state.selected) : null;
    $("plan-empty").hidden = !!view;
    $("plan-body").hidden = !view;
    if (!view) return;
    const select = $("scenario");
    select.replaceChildren(...state.order.map((n) => {
      const s = state.scenarios.get(n);
      return el("option", { value: n, selected: n === view.name, text: n + (s.kind === "what_if" ? " (what-if of " + s.base + ")" : "") });
    }));
    markFinal();
    $("cards").replaceChildren(...view.cards.map((c) => el("article", { class: "card " + c.key, "data-card": c.key },
      el("h4", { text: c.title }), c.value ? el("p", { class: "value", text: c.value }) : null,
      el("ul", {}, ...c.lines.map((l) => el("li", { text: l }))))));
    renderComparison(view);
    $("charts").replaceChildren(...view.charts.map(renderChart));
    renderInputs(view);
    $("assumptions").replaceChildren(table(["name", "value", "unit", "source"],
      view.assumptions.map((a) => [a.name, String(a.value), a.unit, a.source])));
    renderDownloads(view);
  }

  function renderComparison(view) {
    const wrap = $("comparison-wrap");
    wrap.hidden = !view.comparison;
    if (!view.comparison) return;
    const [base, name] = view.comparison.names;
    const head = el("tr", {}, el("th", { scope: "col", text: "figure" }), el("th", { scope: "col", class: "num", text: base }),
      el("th", { scope: "col", class: "num", text: name }));
    const rows = view.comparison.rows.map((r) => el("tr", {}, el("th", { scope: "row", text: r.label }),
      ...r.cells.map((c) => el("td", { class: "num" }, c.text,
        c.change ? el("span", { class: "change " + (c.direction > 0 ? "up" : c.direction < 0 ? "down" : ""), text: c.change }) : null))));
    $("comparison").replaceChildren(el("table", { class: "compare", "data-compare": name }, el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  function renderChart(chart) {
    const figure = el("figure", { "data-chart": chart.key });
    const doc = new DOMParser().parseFromString(chart.svg, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg && svg.nodeName === "svg") figure.append(document.importNode(svg, true));
    figure.append(el("figcaption", { text: chart.summary }));
    figure.append(el("details", {}, el("summary", { text: "Data table: " + chart.title }), el("div", { class: "scroll" },
      table(chart.table.headers, chart.table.rows))));
    return figure;
  }

  function table(headers, rows) {
    return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", { text: c }))))));
  }

  function renderInputs(view) {
    const form = $("inputs");
    const controls = [];
    for (const f of view.inputs) {
      const id = "in-" + f.path.replace(/[^a-z0-9]/gi, "-");
      let input;
      if (f.kind === "select") {
        input = el("select", { id: id }, ...f.options.map((o) => el("option", { value: o, selected: o === f.value, text: o })));
      } else {
        const shown = f.kind === "percent" && typeof f.value === "number" ? +(f.value * 100).toFixed(4) : (f.value ?? "");
        input = el("input", { id: id, type: f.kind === "text" ? "text" : "number", step: "any", min: f.kind === "text" ? null : "0",
          value: String(shown), inputmode: f.kind === "text" ? null : "decimal" });
      }
      input.dataset.path = f.path; input.dataset.kind = f.kind; input.dataset.original = input.value;
      controls.push(el("div", { class: "field" }, el("label", { for: id }, f.label, f.given ? null : el("span", { class: "default", text: " default" })), input));
    }
    const correct = el("button", { type: "submit", value: "correction", text: "Correct this scenario" });
    const whatIf = el("button", { type: "submit", value: "what_if", class: "secondary", text: "Try as a what-if" });
    form.replaceChildren(...controls, el("div", { class: "actions" }, correct, whatIf));
  }

  async function submitInputs(mode) {
    const changes = {};
    for (const input of $("inputs").querySelectorAll("[data-path]")) {
      if (input.value === input.dataset.original) continue;
      let value = input.value;
      if (input.dataset.kind === "number" || input.dataset.kind === "percent") {
        value = Number(value);
        if (!Number.isFinite(value)) { addMessage("error", input.dataset.path + ": enter a number"); return; }
        if (input.dataset.kind === "percent") value = value / 100;
      }
      changes[input.dataset.path] = value;
    }
    if (!Object.keys(changes).length) { setStatus("Change a value first."); return; }
    await stream("/api/sessions/" + state.id + "/inputs", { scenario: state.selected, mode: mode, changes: changes }, true);
  }

  function renderDownloads(view) {
    const base = "/api/sessions/" + state.id;
    const links = [
      ["Report (HTML)", base + "/report.html?download=1"], ["Open the report", base + "/report.html"],
      ["Transcript (Markdown)", base + "/transcript.md"], ["Transcript (JSON)", base + "/transcript.json"],
      ["Plan of " + view.name + " (JSON)", base + "/plan.json?scenario=" + encodeURIComponent(view.name)],
    ];
    $("downloads").replaceChildren(...links.map(([t, href]) => el("li", {}, el("a", { href: href, "data-download": t,
      target: t === "Open the report" ? "_blank" : null, rel: "noopener", text: t }))));
  }

  // -- wiring ---------------------------------------------------------------------------------------
  function idFromHash() { const m = /s=([0-9a-f]{16})/.exec(location.hash); return m ? m[1] : null; }

  document.addEventListener("DOMContentLoaded", async () => {
    const box = $("message");
    box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
    });
    $("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      const text = box.value.trim();
      if (!text || state.busy) return;
      box.value = "";
      send(text);
    });
    $("inputs").addEventListener("submit", (e) => { e.preventDefault(); submitInputs(e.submitter ? e.submitter.value : "correction"); });
    $("scenario").addEventListener("change", (e) => { state.selected = e.target.value; renderPlan(); });
    $("new-session").addEventListener("click", () => newSession());
    $("toggle-sessions").addEventListener("click", (e) => {
      const nav = $("sessions"); nav.hidden = !nav.hidden;
      e.currentTarget.setAttribute("aria-expanded", String(!nav.hidden));
      document.querySelector(".layout").classList.toggle("with-sessions", !nav.hidden);
    });
    window.addEventListener("hashchange", () => { const id = idFromHash(); if (id && id !== state.id) openSession(id); });
    const id = idFromHash() || localStorage.getItem("capplan-session");
    if (id && /^[0-9a-f]{16}$/.test(id)) {
      if (!idFromHash()) history.replaceState(null, "", "#s=" + id);
      await openSession(id);
    } else {
      refreshSessions();
    }
    box.focus();
  });
})();
