// Render TeX to HTML with the KaTeX the site serves (booktools.math_render runs this).
//
//   node katex_render.js path/to/katex.min.js  < [{"tex": "x^2", "display": false}, ...]
//
// stdout: {"version": "0.19.1", "results": [{"html": "..."} or {"error": "..."}, ...]},
// one result per expression, in order. A TeX error is reported for its own
// expression (throwOnError), so one run names every bad expression at once.
"use strict";

const katex = require(require("path").resolve(process.argv[2]));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(({ tex, display }) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
    } catch (error) {
      return { error: String(error.message || error) };
    }
  });
  process.stdout.write(JSON.stringify({ version: katex.version, results }));
});
