// Chapter 7, backpropagation one step at a time: Back / Next buttons (and the
// arrow keys, Home and End while focus is in the figure) walk the neuron
// o = tanh(w1·x1 + w2·x2 + b) forward, filling in each node's value, then
// backward, filling in each gradient, edge by edge, with the local derivative
// and the product of the chain rule. Every number and text comes from
// explorables/ch07-backprop-steps.json (booktools.explorables.ch07_autodiff),
// recorded by running backprop.engine.Value.

import {html, mount, panel, svg} from "./explorable.js";

mount("ch07-backprop-steps", (box, data, id) => {
  const steps = data.steps;
  const nodes = data.nodes;
  let at = 0;

  const back = html("button", {type: "button", id: `${id}-back`}, "Back");
  const next = html("button", {type: "button", id: `${id}-next`}, "Next");
  const counter = html("span", {class: "bfs-explorable__counter", "aria-hidden": "true"});
  box.append(html("div", {class: "bfs-explorable__buttons", role: "group",
    "aria-label": "Steps of the forward and backward pass"}, back, next, counter));
  const readout = html("output", {class: "bfs-explorable__readout", for: `${id}-back ${id}-next`,
    "aria-live": "polite"});
  box.append(readout);
  const panels = html("div", {class: "bfs-explorable__panels bfs-explorable__panels--one"});
  box.append(panels);

  const columns = Math.max(...nodes.map((n) => n.column)) + 1;
  const rows = [Math.min(...nodes.map((n) => n.row)), Math.max(...nodes.map((n) => n.row))];

  const redraw = panel(panels, {
    label: "The neuron o = tanh(w1·x1 + w2·x2 + b) as a computation graph: the inputs w1, x1, w2, " +
      "x2 feed the products p1 and p2, their sum s is added to the bias b to give n, and o = tanh(n). " +
      "Each box shows its name, then its value once the forward pass has reached it, then its " +
      "gradient once the backward pass has; the node and edge of the current step are highlighted.",
    aspect: 0.75, maxHeight: 320,
    draw(root, width, height) {
      const step = steps[at];
      const margin = 2;
      const colStep = (width - 2 * margin) / columns;
      const boxWidth = Math.min(colStep * 0.9, 110);
      const rowStep = (height - 2 * margin) / (rows[1] - rows[0] + 1);
      const boxHeight = Math.min(rowStep * 0.84, 54);
      const cx = (n) => margin + (n.column + 0.5) * colStep;
      const cy = (n) => margin + (rows[1] - n.row + 0.5) * rowStep;
      const defs = svg("defs", {}, root);
      const marker = svg("marker", {id: `${id}-arrow`, viewBox: "0 0 10 10", refX: 10, refY: 5,
        markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto"}, defs);
      svg("path", {d: "M0,0L10,5L0,10z", class: "bfs-x-arrowhead"}, marker);
      const edges = svg("g", {class: "bfs-x-edges"}, root);
      nodes.forEach((node, k) => {
        for (const input of node.inputs) {
          const from = nodes[input];
          const current = step.edge && step.edge[0] === input && step.edge[1] === k;
          svg("path", {class: `bfs-x-edge${current ? " bfs-x-edge--now" : ""}`,
            d: `M${(cx(from) + boxWidth / 2).toFixed(1)},${cy(from).toFixed(1)}` +
               `L${(cx(node) - boxWidth / 2 - 1).toFixed(1)},${cy(node).toFixed(1)}`,
            "marker-end": `url(#${id}-arrow)`}, edges);
        }
      });
      nodes.forEach((node, k) => {
        const now = step.node === k;
        const g = svg("g", {class: `bfs-x-node bfs-x-node--${node.kind}${now ? ` bfs-x-node--now bfs-x-node--${step.pass}` : ""}`,
          "data-node": node.label, "font-size": boxWidth < 72 ? 11 : null}, root);  // a phone: narrower boxes
        svg("rect", {x: (cx(node) - boxWidth / 2).toFixed(1), y: (cy(node) - boxHeight / 2).toFixed(1),
          width: boxWidth.toFixed(1), height: boxHeight.toFixed(1), rx: 5}, g);
        const line = boxHeight / 3.2;
        svg("text", {class: "bfs-x-node-title", x: cx(node), y: cy(node) - line, dy: "0.35em",
          "text-anchor": "middle"}, g, node.title);
        svg("text", {class: "bfs-x-node-data", x: cx(node), y: cy(node), dy: "0.35em",
          "text-anchor": "middle"}, g, step.data[k] ?? "·");
        svg("text", {class: "bfs-x-node-grad", x: cx(node), y: cy(node) + line, dy: "0.35em",
          "text-anchor": "middle"}, g, step.grad[k] === null ? "" : step.grad[k]);
      });
    },
  });

  function show(k) {
    at = Math.max(0, Math.min(steps.length - 1, k));
    const step = steps[at];
    back.disabled = at === 0;
    next.disabled = at === steps.length - 1;
    counter.textContent = `${at + 1} / ${steps.length}`;
    readout.replaceChildren(
      html("span", {class: "bfs-explorable__headline"}, step.headline),
      html("span", {class: "bfs-x-step"}, step.text),
      html("span", {class: "bfs-explorable__note bfs-x-detail"}, step.detail),
    );
    redraw();
  }
  // Go to step k; a button disabled at the first or last step would lose the
  // focus, so it moves to the other one and stays in the figure.
  function go(k) {
    const had = box.contains(document.activeElement);
    show(k);
    if (had && (document.activeElement === document.body || document.activeElement.disabled)) {
      (next.disabled ? back : next).focus();
    }
  }
  back.addEventListener("click", () => go(at - 1));
  next.addEventListener("click", () => go(at + 1));
  box.addEventListener("keydown", (event) => {
    const moves = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: steps.length - 1};
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    go(moves[event.key]);
  });
  show(0);
});
