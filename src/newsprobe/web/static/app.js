// newsprobe web view: layer toggles and the span details panel. Plain JS, no dependencies, no inline code
// (the CSP forbids it). Everything from the article is put into the page with textContent, never innerHTML.
"use strict";

(function () {
  var SLUG = /^[a-z0-9-]+$/;

  function spansData() {
    var block = document.getElementById("spans-data");
    if (!block) return null;
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Any attrs value as nested lists: the panel shows layers it has never heard of.
  function value(v, depth) {
    if (v === null || v === undefined || v === "") return el("span", "none", "–");
    if (Array.isArray(v)) {
      if (!v.length) return el("span", "none", "none");
      if (depth > 3) return el("span", "none", "…");
      var ul = el("ul", "vals");
      v.slice(0, 30).forEach(function (item) { var li = el("li"); li.appendChild(value(item, depth + 1)); ul.appendChild(li); });
      return ul;
    }
    if (typeof v === "object") {
      if (depth > 3) return el("span", "none", "…");
      var dl = el("dl", "kv");
      Object.keys(v).forEach(function (k) {
        dl.appendChild(el("dt", null, k));
        var dd = el("dd"); dd.appendChild(value(v[k], depth + 1)); dl.appendChild(dd);
      });
      return dl;
    }
    if (typeof v === "number" && !Number.isInteger(v)) return el("span", null, v.toPrecision(3));
    return el("span", null, v);
  }

  function setupToggles() {
    document.querySelectorAll("input.layer-toggle").forEach(function (box) {
      var layer = box.getAttribute("data-layer") || "";
      if (!SLUG.test(layer)) return;
      box.addEventListener("change", function () {
        document.querySelectorAll(".L-" + layer).forEach(function (node) { node.classList.toggle("hl", box.checked); });
      });
    });
  }

  function setupDetails(data) {
    var text = document.getElementById("article-text");
    var body = document.getElementById("details-body");
    var hint = document.getElementById("details-hint");
    if (!text || !body || !data || !Array.isArray(data.spans)) return;
    text.addEventListener("click", function (event) {
      var node = event.target instanceof Element ? event.target.closest("[data-s]") : null;
      var chain = [];
      while (node && text.contains(node)) {
        if (node.classList.contains("hl")) chain.push(node.getAttribute("data-s"));
        node = node.parentElement ? node.parentElement.closest("[data-s]") : null;
      }
      document.querySelectorAll(".sp.sel").forEach(function (n) { n.classList.remove("sel"); });
      body.textContent = "";
      if (hint) hint.hidden = chain.length > 0;
      chain.forEach(function (index) {
        if (!/^[0-9]+$/.test(index)) return;
        var span = data.spans[Number(index)];
        if (!span) return;
        document.querySelectorAll('[data-s="' + index + '"]').forEach(function (n) { n.classList.add("sel"); });
        var card = el("div", "card");
        card.appendChild(el("h3", null, span.layer + " · " + span.label));
        card.appendChild(el("q", null, span.text.length > 400 ? span.text.slice(0, 400) + "…" : span.text));
        card.appendChild(el("p", "none", "characters " + span.start + "–" + span.end));
        if (span.attrs && Object.keys(span.attrs).length) card.appendChild(value(span.attrs, 0));
        body.appendChild(card);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupToggles();
    setupDetails(spansData());
  });
})();
