// Chapter 5, the learning rate: a slider over η from 10⁻⁵ to 10⁻² (the
// stability limit 2/λmax marked on it) shows that rate's 100-step descent on
// the contours of the error, its error trace, where it diverges, and the final
// (m, c). Every number comes from explorables/ch05-learning-rate.json
// (booktools.explorables.ch05_gradient_descent).

import {axes, html, mount, panel, slider, svg} from "./explorable.js";

mount("ch05-learning-rate", (box, data, id) => {
  const runs = data.rates;
  const input = slider(box, {
    id: `${id}-rate`, label: "Learning rate η", count: runs.length, value: data.initial,
    ticks: data.axes.rate,
    marks: [{at: data.limit_at, text: `stability limit 2/λmax = ${data.limit_text}`}],
  });
  const readout = html("output", {class: "bfs-explorable__readout", for: `${id}-rate`, "aria-live": "polite"});
  box.append(readout);
  const panels = html("div", {class: "bfs-explorable__panels"});
  box.append(panels);
  const run = () => runs[Number(input.value)];

  const redrawPath = panel(panels, {
    label: "Contour plot of the error over slope m and intercept c, a long narrow valley with its " +
      "minimum marked by a star, and the descent path of the chosen learning rate from the start " +
      "near (0.6, 0.3), a dot per step.",
    aspect: 0.9, maxHeight: 360,
    draw(root, width, height) {
      const {sx, sy, plot, line, inside} = axes(root, {
        width, height, margin: {left: 44, right: 10, top: 10, bottom: 40},
        x: {domain: data.window.m, ticks: data.axes.m, title: "slope m"},
        y: {domain: data.window.c, ticks: data.axes.c, title: "intercept c"},
      });
      for (const contour of data.contours) {
        svg("path", {class: "bfs-x-contour", d: line(contour)}, plot);
      }
      const now = run();
      const points = now.m.map((m, k) => [m, now.c[k]]);
      svg("path", {class: "bfs-x-fit", d: line(points)}, plot);
      for (const [m, c] of points.filter(([m, c]) => inside(m, c))) {  // the steps still in view
        svg("circle", {class: "bfs-x-dot bfs-x-fit", cx: sx(m).toFixed(1), cy: sy(c).toFixed(1), r: 2.5}, plot);
      }
      svg("circle", {class: "bfs-x-start", cx: sx(data.start[0]), cy: sy(data.start[1]), r: 5}, plot);
      const [m0, c0] = data.least_squares;  // the minimum, on top of the path
      svg("text", {class: "bfs-x-star bfs-x-label", x: sx(m0), y: sy(c0), dy: "0.35em", "text-anchor": "middle"},
        plot, "★");
    },
  });

  const redrawErrors = panel(panels, {
    label: "The error after each of the 100 steps on a log scale for the chosen learning rate, " +
      "with the smallest possible error (least squares) dashed and the level above which the " +
      "library stops a diverging run dotted.",
    aspect: 0.9, maxHeight: 360,
    draw(root, width, height) {
      const {sx, sy, plot, left, right, top, line, inside} = axes(root, {
        width, height, margin: {left: 52, right: 10, top: 10, bottom: 40},
        x: {domain: [0, data.iterations], ticks: data.axes.iteration, title: "iteration"},
        y: {domain: data.error_range, log: true, ticks: data.axes.error, title: "error (log scale)"},
      });
      const now = run();
      const levels = [[data.floor, "bfs-x-ink bfs-x-dashed", `least squares, ${data.floor_text}`],
        [data.threshold, "bfs-x-warn bfs-x-dotted", "DivergenceError above this"]];
      levels.forEach(([value, cls, text], row) => {  // each level, and its key in the top right corner
        svg("line", {class: cls, x1: left, x2: right, y1: sy(value), y2: sy(value)}, plot);
        const y = top + 12 + 17 * row;
        svg("line", {class: cls, x1: right - 26, x2: right - 4, y1: y, y2: y}, plot);
        svg("text", {class: "bfs-x-label", x: right - 32, y, dy: "0.35em", "text-anchor": "end"}, plot, text);
      });
      const points = now.errors.map((error, k) => [k, error]);
      svg("path", {class: "bfs-x-fit", d: line(points)}, plot);
      for (const [k, error] of points) {
        if (error !== null && inside(k, error)) svg("circle", {class: "bfs-x-dot bfs-x-fit", cx: sx(k).toFixed(1), cy: sy(error).toFixed(1), r: 2}, plot);
      }
      if (now.diverged !== null) {
        const [k, error] = points[points.length - 1];
        svg("circle", {class: "bfs-x-marker bfs-x-warn", cx: sx(k), cy: sy(error), r: 7}, plot);
        const late = sx(k) > (left + right) / 2;  // write the label on the side with room
        svg("text", {class: "bfs-x-label", x: sx(k) + (late ? -10 : 10), y: sy(error) + 28,
          "text-anchor": late ? "end" : "start"}, plot, `diverged at iteration ${now.diverged}`);
      }
    },
  });

  function update() {
    const now = run();
    input.setAttribute("aria-valuetext", `${now.spoken}, ${now.stability}`);
    const parts = [
      html("span", {class: "bfs-explorable__headline"}, `η = ${now.label}, ${now.stability}`),
      html("span", {class: "bfs-x-result"}, now.result),
    ];
    if (now.message) parts.push(html("code", {class: "bfs-x-message"}, `DivergenceError: ${now.message}`));
    readout.replaceChildren(...parts);
    redrawPath();
    redrawErrors();
  }
  input.addEventListener("input", update);
  update();
});
