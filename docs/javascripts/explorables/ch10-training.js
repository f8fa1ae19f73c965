// Chapter 10, training epoch by epoch: a radio group picks the activation
// (sigmoid, tanh, ReLU) and a slider the epoch; the plane is coloured by the
// class the network predicts there (paler where it is less sure), under the
// spiral's training points, and the loss is drawn up to that epoch. Every
// number comes from explorables/ch10-training.json
// (booktools.explorables.ch10_activations), recorded while backprop trained.

import {axes, html, mount, panel, slider, svg} from "./explorable.js";

mount("ch10-training", (box, data, id) => {
  const names = Object.keys(data.runs);
  const group = html("fieldset", {class: "bfs-explorable__choices"},
    html("legend", {}, "Activation of the hidden layers"));
  const radios = names.map((name) => {
    const input = html("input", {type: "radio", name: `${id}-activation`, id: `${id}-${name}`, value: name});
    input.checked = name === data.initial.activation;
    group.append(html("label", {for: `${id}-${name}`}, input, ` ${data.runs[name].name}`));
    return input;
  });
  box.append(group);
  const input = slider(box, {
    id: `${id}-epoch`, label: "Epochs of training", count: data.epochs.length, value: data.initial.epoch,
    ticks: data.epochs.map((epoch, k) => [k, String(epoch)]).filter(([, text]) => ["0", "10", "50", "100", "200"].includes(text)),
  });
  const readout = html("output", {class: "bfs-explorable__readout",
    for: `${id}-epoch ${radios.map((r) => r.id).join(" ")}`, "aria-live": "polite"});
  box.append(readout);
  const panels = html("div", {class: "bfs-explorable__panels"});
  box.append(panels);
  const chosen = () => radios.find((r) => r.checked).value;
  const run = () => data.runs[chosen()];
  const shot = () => run().snapshots[Number(input.value)];

  const redrawBoundary = panel(panels, {
    label: "The spiral's three arms of training points, one colour per class, over the plane " +
      "coloured by the class the network predicts at each place after the chosen epoch, paler " +
      "where its probability is lower.",
    aspect: 1, maxHeight: 360,
    draw(root, width, height) {
      const side = Math.min(width, height);
      const x0 = Math.round((width - side) / 2);
      const [lo, hi] = data.window;
      const n = data.grid;
      const cell = side / n;
      const now = shot();
      const cells = svg("g", {class: "bfs-x-cells", "shape-rendering": "crispEdges"}, root);
      const edge = (j) => Math.round(j * cell);  // whole pixels: cells neither overlap nor leave gaps
      for (let k = 0; k < n * n; k += 1) {
        const row = Math.floor(k / n);
        const col = k - row * n;
        svg("rect", {class: `bfs-x-class${now.classes[k]}`, x: x0 + edge(col), y: side - edge(row + 1),
          width: edge(col + 1) - edge(col), height: edge(row + 1) - edge(row),
          "fill-opacity": (0.1 + 0.06 * Number(now.confidence[k])).toFixed(2)}, cells);
      }
      const sx = (u) => x0 + ((u - lo) / (hi - lo)) * side;
      const sy = (v) => side - ((v - lo) / (hi - lo)) * side;
      const dots = svg("g", {class: "bfs-x-points"}, root);
      for (const [u, v, k] of data.points) {
        svg("circle", {class: `bfs-x-dot bfs-x-class${k}`, cx: sx(u).toFixed(1), cy: sy(v).toFixed(1), r: 2.6}, dots);
      }
      svg("rect", {class: "bfs-x-frame", x: x0, y: 0, width: side, height: side}, root);
    },
  });

  const redrawLoss = panel(panels, {
    label: "The training loss after each epoch, from before training up to the chosen epoch, for the " +
      "chosen activation.",
    aspect: 1, maxHeight: 360,
    draw(root, width, height) {
      const {sx, sy, plot, line} = axes(root, {
        width, height, margin: {left: 44, right: 12, top: 10, bottom: 40},
        x: {domain: [0, data.total], ticks: data.axes.epoch, title: "epoch"},
        y: {domain: data.loss_range, ticks: data.axes.loss, title: "training loss"},
      });
      const name = chosen();
      const epoch = shot().epoch;
      const losses = run().losses.slice(0, epoch + 1).map((loss, k) => [k, loss]);
      svg("path", {class: `bfs-x-${name}`, d: line(losses)}, plot);
      const [k, loss] = losses[losses.length - 1];
      svg("circle", {class: `bfs-x-dot bfs-x-${name}`, cx: sx(k).toFixed(1), cy: sy(loss).toFixed(1), r: 4}, plot);
    },
  });

  function update() {
    const now = shot();
    const label = `${run().name}, epoch ${now.epoch} of ${data.total}`;
    input.setAttribute("aria-valuetext", `epoch ${now.epoch}`);
    readout.replaceChildren(
      html("span", {class: "bfs-explorable__headline"}, label),
      html("span", {class: "bfs-x-result"}, now.text),
    );
    redrawBoundary();
    redrawLoss();
  }
  input.addEventListener("input", update);
  for (const radio of radios) radio.addEventListener("change", update);
  update();
});
