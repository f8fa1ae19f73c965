// The light/dark toggle in the header (overrides/partials/palette.html).
//
// The scheme itself was set before the page's content was parsed
// (overrides/partials/javascripts/palette.html); this script only shows the
// toggle that leads to the other scheme and, when the reader uses it, switches
// the scheme and remembers the choice under Material's own "__palette" key.
// Material's palette component is not used: on every page load it restyles
// the whole page twice, which costs seconds on a long chapter on a phone.

const form = document.querySelector("form[data-bfs-palette]");

if (form) {
  const inputs = [...form.querySelectorAll("input.md-option")];
  const KEYS = ["media", "scheme", "primary", "accent"];

  const colorOf = (input) =>
    Object.fromEntries(KEYS.map((key) => [key, input.getAttribute(`data-md-color-${key}`)]));

  // The option in force: the one whose scheme and colours the body carries.
  const current = () => {
    const found = inputs.findIndex((input) =>
      KEYS.slice(1).every((key) =>
        input.getAttribute(`data-md-color-${key}`) === document.body.getAttribute(`data-md-color-${key}`)));
    return Math.max(found, 0);
  };

  // Each option's label switches to the next option: show only the current one's.
  const show = (index) => {
    inputs.forEach((input, i) => {
      input.checked = i === index;
      const label = input.nextElementSibling;
      if (label instanceof HTMLLabelElement) label.hidden = i !== index;
    });
  };

  const choose = (index) => {
    const color = colorOf(inputs[index]);
    for (const key of KEYS) document.body.setAttribute(`data-md-color-${key}`, color[key]);
    show(index);
    __md_set("__palette", { index, color });
  };

  show(current());
  form.addEventListener("change", (event) => {
    const index = inputs.indexOf(event.target);
    if (index >= 0) choose(index);
  });
  // Enter on the focused option moves on to the next one, as in Material.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const next = (current() + 1) % inputs.length;
    inputs[next].click();
    inputs[next].focus();
  });
}
