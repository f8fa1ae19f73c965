// The copy button of a Python console example (```pycon) copies runnable code:
// the `>>>` and `...` prompts are removed and the printed output is left out.
// Material's clipboard prefers a button's data-clipboard-text over the block's
// text, so we set it in the capture phase, before Material handles the click.
function pyconToCode(text) {
  const code = [];
  let inStatement = false;
  for (const line of text.split("\n")) {
    if (line.startsWith(">>>")) {
      code.push(line.slice(line.startsWith(">>> ") ? 4 : 3));
      inStatement = true;
    } else if (inStatement && line.startsWith("...")) {
      code.push(line.slice(line.startsWith("... ") ? 4 : 3));
    } else {
      inStatement = false;  // an output line, or a blank line after output
    }
  }
  return code.join("\n").replace(/\n+$/, "") + "\n";
}

document.addEventListener("click", (event) => {
  const button = event.target.closest(".md-clipboard[data-clipboard-target]");
  if (!button) return;
  const code = document.querySelector(button.getAttribute("data-clipboard-target"));
  if (code && code.closest(".language-pycon")) {
    button.setAttribute("data-clipboard-text", pyconToCode(code.innerText));
  }
}, true);
