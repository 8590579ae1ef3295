// Progressive enhancement only: every form works without this script.
// Copy buttons: shown when the clipboard can be written, they copy the text of the element they name.
for (const button of document.querySelectorAll("button[data-copy]")) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const text = "value" in source && source.value !== undefined ? source.value : source.textContent;
    const state = button.querySelector(".copy-state");
    try {
      await navigator.clipboard.writeText(text);
      state.textContent = "Copied";
    } catch {
      state.textContent = "Select and copy";
    }
    setTimeout(() => (state.textContent = "Copy"), 2000);
  });
}
