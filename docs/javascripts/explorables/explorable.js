// What the explorable figures share (one module per figure beside this file).
//
// A figure's data is computed by the book's library when the site is built
// (src/booktools/explorables, written to explorables/NAME.json by
// hooks/explorables.py). The modules fetch it, draw it and print the texts it
// carries: no number the reader sees is computed in the browser. Without
// JavaScript, or when the data cannot be read, the page keeps its static figure.

const SVG_NS = "http://www.w3.org/2000/svg";

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, value);
  }
  return element;
}

// An HTML element with attributes and children (strings or elements).
export function html(tag, attributes = {}, ...children) {
  const element = setAttributes(document.createElement(tag), attributes);
  element.append(...children);
  return element;
}

// An SVG element, appended to `parent`; `text` becomes its text.
export function svg(tag, attributes, parent, text) {
  const element = setAttributes(document.createElementNS(SVG_NS, tag), attributes);
  if (text !== undefined) element.textContent = text;
  if (parent) parent.append(element);
  return element;
}

// A map from the interval `domain` onto the pixels `range`, linear or logarithmic.
export function scale(domain, range, log = false) {
  const f = log ? Math.log10 : (v) => v;
  const [a, b] = domain.map(f);
  const [r0, r1] = range;
  return (value) => r0 + ((f(value) - a) / (b - a)) * (r1 - r0);
}

// The part of the segment (x0, y0)-(x1, y1) inside `box`, or null (Liang-Barsky).
function clipSegment(x0, y0, x1, y1, box) {
  let enter = 0;
  let leave = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  for (const [p, q] of [[-dx, x0 - box.left], [dx, box.right - x0], [-dy, y0 - box.top], [dy, box.bottom - y0]]) {
    if (p === 0) {
      if (q < 0) return null;
    } else if (p < 0) {
      enter = Math.max(enter, q / p);
    } else {
      leave = Math.min(leave, q / p);
    }
  }
  return enter > leave ? null : [x0 + enter * dx, y0 + enter * dy, x0 + leave * dx, y0 + leave * dy];
}

// SVG path data through [[x, y], ...] in data units, cut to the pixels of
// `box` (so nothing drawn reaches past the plot); a null value breaks the line.
export function pathData(points, x, y, box) {
  let data = "";
  let last = null;  // the end of the segment drawn last, in pixels
  let previous = null;
  const f = (v) => v.toFixed(1);
  for (const [u, v] of points) {
    const here = u === null || v === null ? null : [x(u), y(v)];
    if (here && previous) {
      const part = clipSegment(...previous, ...here, box);
      if (part) {
        const [ax, ay, bx, by] = part;
        if (!last || last[0] !== ax || last[1] !== ay) data += `M${f(ax)},${f(ay)}`;
        data += `L${f(bx)},${f(by)}`;
        last = [bx, by];
      }
    }
    previous = here;
  }
  return data;
}

// The axes of a plot inside an SVG of `width` x `height`: grid lines and tick
// labels (from the data: [[value, text], ...]), axis titles, and a group to
// draw the data in. Returns the scales, that group, `line` (path data cut to
// the plot) and `inside` (whether a point falls in the plot).
export function axes(root, {width, height, margin, x, y}) {
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const sx = scale(x.domain, [left, right], x.log);
  const sy = scale(y.domain, [bottom, top], y.log);
  const grid = svg("g", {class: "bfs-x-grid"}, root);
  const labels = svg("g", {class: "bfs-x-ticks"}, root);
  for (const [value, text] of x.ticks) {
    const at = sx(value).toFixed(1);
    svg("line", {x1: at, x2: at, y1: top, y2: bottom}, grid);
    svg("text", {x: at, y: bottom + 16, "text-anchor": "middle"}, labels, text);
  }
  for (const [value, text] of y.ticks) {
    const at = sy(value).toFixed(1);
    svg("line", {x1: left, x2: right, y1: at, y2: at}, grid);
    svg("text", {x: left - 6, y: at, dy: "0.35em", "text-anchor": "end"}, labels, text);
  }
  svg("rect", {class: "bfs-x-frame", x: left, y: top, width: right - left, height: bottom - top}, root);
  svg("text", {class: "bfs-x-title", x: (left + right) / 2, y: height - 4, "text-anchor": "middle"},
    root, x.title);
  svg("text", {class: "bfs-x-title", transform: `translate(12 ${(top + bottom) / 2}) rotate(-90)`,
    "text-anchor": "middle"}, root, y.title);
  const plot = svg("g", {}, root);
  const box = {left, right, top, bottom};
  return {
    sx, sy, plot, left, right, top, bottom,
    line: (points) => pathData(points, sx, sy, box),  // path data, cut to the plot
    inside: (u, v) => sx(u) >= left && sx(u) <= right && sy(v) >= top && sy(v) <= bottom,
  };
}

// A panel: an <svg role="img"> drawn at its box's own width in pixels, so its
// text stays 12 px on a phone and on a wide screen. `draw(root, width,
// height)` fills it; the returned function redraws it (after the knob moved).
export function panel(parent, {label, aspect, maxHeight, draw}) {
  const box = html("div", {class: "bfs-explorable__panel"});
  const root = svg("svg", {role: "img", "aria-label": label}, box);
  parent.append(box);
  let drawnWidth = 0;
  const redraw = () => {
    drawnWidth = Math.floor(box.clientWidth) || 320;
    const height = Math.round(Math.min(drawnWidth * aspect, maxHeight));
    setAttributes(root, {viewBox: `0 0 ${drawnWidth} ${height}`, width: drawnWidth, height});
    root.replaceChildren();
    draw(root, drawnWidth, height);
  };
  const observer = new ResizeObserver(() => requestAnimationFrame(() => {
    if (Math.floor(box.clientWidth) !== drawnWidth) redraw();
  }));
  observer.observe(box);
  return redraw;
}

// A labelled range input over the stops 0 .. count - 1, with tick labels
// under it and marks on it ({at, text}: a stop, possibly fractional).
export function slider(parent, {id, label, count, value, ticks, marks = []}) {
  const field = html("div", {class: "bfs-explorable__control"});
  const input = html("input", {type: "range", id, min: 0, max: count - 1, step: 1, value});
  const track = html("div", {class: "bfs-explorable__track"}, input);
  for (const mark of marks) {
    track.append(html("span", {class: "bfs-explorable__mark", "aria-hidden": "true",
      style: `--at: ${mark.at / (count - 1)}`}, html("span", {}, mark.text)));
  }
  const scaleRow = html("div", {class: "bfs-explorable__scale", "aria-hidden": "true"});
  for (const [at, text] of ticks) {
    scaleRow.append(html("span", {style: `--at: ${at / (count - 1)}`}, text));
  }
  field.append(html("label", {for: id}, label), track, scaleRow);
  parent.append(field);
  return input;
}

// Fetch the data of explorable `name` and build it in every placeholder of
// the page: `build(box, data, id)` fills the box added after the static figure.
export async function mount(name, build) {
  const placeholders = document.querySelectorAll(`.bfs-explorable[data-explorable="${name}"]`);
  if (!placeholders.length) return;
  let data;
  try {
    const response = await fetch(new URL(`../../explorables/${name}.json`, import.meta.url));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
  } catch (error) {
    console.warn(`explorable ${name}: no data (${error.message}); the static figure stays`);
    return;
  }
  placeholders.forEach((placeholder, index) => {
    const box = html("div", {class: "bfs-explorable__live"});
    placeholder.append(box);
    build(box, data, `bfs-${name}-${index}`);
    placeholder.classList.add("bfs-explorable--live");
    placeholder.querySelectorAll(".bfs-explorable__hint").forEach((hint) => { hint.hidden = false; });
  });
}
