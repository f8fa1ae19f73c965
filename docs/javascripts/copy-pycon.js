// The copy button of a Python console example (```pycon) copies runnable code:
// the `>>>` and `...` prompts are removed, the printed output is left out, and
// so is any `# doctest: ...` directive (the build already removes them from the
// page, hooks/notebooks.py; this is the second line of defence).
// Material's clipboard prefers a button's data-clipboard-text over the block's
// text, so we set it in the capture phase, before Material handles the click.

// doctest's own pattern: a directive runs to the end of the line, without quotes.
const DOCTEST_DIRECTIVE = /[ \t]*#[ \t]*doctest:[^\n'"]*$/;

function pyconToCode(text) {
  const code = [];
  let inStatement = false;
  let continued = false;  // the statement so far spans several lines
  for (const line of text.split("\n")) {
    if (line.startsWith(">>>")) {
      // A blank line ends a multi-line statement, as Python's prompt needs.
      if (continued && code[code.length - 1] !== "") code.push("");
      code.push(line.slice(line.startsWith(">>> ") ? 4 : 3));
      inStatement = true;
      continued = false;
    } else if (inStatement && line.startsWith("...")) {
      code.push(line.slice(line.startsWith("... ") ? 4 : 3));
      continued = true;
    } else {
      inStatement = false;  // an output line, or a blank line after output
    }
  }
  return code.map((line) => line.replace(DOCTEST_DIRECTIVE, ""))
    .join("\n").replace(/\n+$/, "") + "\n";
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-clipboard-target]");
  if (!button) return;
  const code = document.querySelector(button.getAttribute("data-clipboard-target"));
  if (code && code.closest(".language-pycon")) {
    button.setAttribute("data-clipboard-text", pyconToCode(code.innerText));
  }
}, true);
