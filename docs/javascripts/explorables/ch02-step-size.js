// Chapter 2, the step size: a slider over h from 10⁻¹⁶ to 10⁻¹ moves the
// secants of sin at x = 1 and a marker along each method's error curve, and
// prints the three estimates of f′(1) with their errors. Every number comes
// from explorables/ch02-step-size.json (booktools.explorables.ch02_derivatives).

import {axes, html, mount, panel, slider, svg} from "./explorable.js";

mount("ch02-step-size", (box, data, id) => {
  const steps = data.steps;
  const input = slider(box, {
    id: `${id}-h`, label: "Step size h", count: steps.length, value: data.initial,
    ticks: data.axes.h.map(([h, text]) => [steps.findIndex((s) => s.h === h), text]),
  });
  const readout = html("output", {class: "bfs-explorable__readout", for: `${id}-h`, "aria-live": "polite"});
  box.append(readout);
  const panels = html("div", {class: "bfs-explorable__panels"});
  box.append(panels);
  const step = () => steps[Number(input.value)];

  const redrawSecants = panel(panels, {
    label: "The graph of sin x for x from 0.5 to 1.5, its tangent at x = 1, and the forward " +
      "and central secants for the chosen step h: the slopes the two differences compute.",
    aspect: 0.8, maxHeight: 320,
    draw(root, width, height) {
      const {sx, sy, plot, line} = axes(root, {
        width, height, margin: {left: 44, right: 10, top: 10, bottom: 40},
        x: {domain: data.window.x, ticks: data.axes.x, title: "x"},
        y: {domain: data.window.y, ticks: data.axes.y, title: "y"},
      });
      svg("path", {class: "bfs-x-curve", d: line(data.curve)}, plot);
      svg("path", {class: "bfs-x-true bfs-x-dashed", d: line(data.tangent)}, plot);
      for (const method of ["forward", "central"]) {
        const secant = step().secants[method];
        if (!secant) continue;  // the library refused this step
        svg("path", {class: `bfs-x-${method}`, d: line(secant.line)}, plot);
        const [[x0, y0], [x1, y1]] = secant.points;
        if (Math.abs(sx(x1) - sx(x0)) > 6) {  // the two points are apart: show them
          for (const [u, v] of secant.points) {
            svg("circle", {class: `bfs-x-dot bfs-x-${method}`, cx: sx(u), cy: sy(v), r: 3.5}, plot);
          }
        }
      }
      svg("circle", {class: "bfs-x-dot bfs-x-ink", cx: sx(data.point[0]), cy: sy(data.point[1]), r: 3}, plot);
      const legend = svg("g", {class: "bfs-x-legend", transform: "translate(54 22)"}, root);
      [["bfs-x-curve", `f(x) = ${data.function} x`], ["bfs-x-true bfs-x-dashed", "tangent, slope cos 1"],
        ["bfs-x-forward", "forward secant"], ["bfs-x-central", "central secant"]].forEach(([cls, text], row) => {
        svg("line", {class: cls, x1: 0, x2: 22, y1: row * 17, y2: row * 17}, legend);
        svg("text", {x: 28, y: row * 17, dy: "0.35em"}, legend, text);
      });
    },
  });

  const redrawErrors = panel(panels, {
    label: "Log-log plot of the relative error of the forward, central and complex-step " +
      "derivatives of sin at 1 against the step h, from 10⁻¹⁶ to 10⁻¹, with a marker on each " +
      "curve at the chosen step.",
    aspect: 0.8, maxHeight: 320,
    draw(root, width, height) {
      const clamp = (error) => Math.max(error, data.floor);
      const {sx, sy, plot, top, bottom, line} = axes(root, {
        width, height, margin: {left: 52, right: 10, top: 10, bottom: 40},
        x: {domain: data.h_range, log: true, ticks: data.axes.h, title: "step h"},
        y: {domain: data.error_range, log: true, ticks: data.axes.error, title: "relative error"},
      });
      const now = step();
      svg("line", {class: "bfs-x-now", x1: sx(now.h), x2: sx(now.h), y1: top, y2: bottom}, plot);
      for (const method of ["forward", "complex", "central"]) {  // central on top, as in the static figure
        const points = steps.map((s) => [s.h, "error" in s.methods[method] ? clamp(s.methods[method].error) : null]);
        svg("path", {class: `bfs-x-${method}${method === "complex" ? " bfs-x-dashed" : ""}`,
          d: line(points)}, plot);
      }
      for (const method of ["forward", "complex", "central"]) {
        const row = now.methods[method];
        if (!("error" in row)) continue;
        svg("circle", {class: `bfs-x-marker bfs-x-${method}`, cx: sx(now.h), cy: sy(clamp(row.error)),
          r: method === "complex" ? 7 : 5}, plot);
      }
    },
  });

  function update() {
    const now = step();
    input.setAttribute("aria-valuetext", `h = ${now.spoken}`);
    const rows = data.methods.map((method) => {
      const row = now.methods[method];
      const value = "estimate" in row  // the error first: on a phone it shares the method's line
        ? [html("span", {class: "bfs-x-error"}, `error ${row.error_text}`),
          html("span", {class: "bfs-x-estimate"}, `f′(1) ≈ ${row.estimate}`)]
        : [html("span", {class: "bfs-x-refused"}, `refused: ${row.refused}`)];
      return html("span", {class: "bfs-explorable__row", "data-method": method},
        html("span", {class: `bfs-x-swatch bfs-x-${method}`}),
        html("span", {class: "bfs-x-method"}, data.labels[method]), ...value);
    });
    readout.replaceChildren(
      html("span", {class: "bfs-explorable__headline"}, `h = ${now.label}`),
      ...rows,
      html("span", {class: "bfs-explorable__note"}, `exact: cos 1 = ${data.exact_text}`),
    );
    redrawSecants();
    redrawErrors();
  }
  input.addEventListener("input", update);
  update();
});
