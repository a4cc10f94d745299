// Copy buttons: <button data-copy-target="ID"> copies the value of the
// element with that id. Where the Clipboard API is missing or refused (an
// insecure origin, a denied permission), the text is selected instead so
// that the user can press Ctrl+C. Texts come from the button's data-copied-text
// and data-fallback-text attributes, so they follow the page's language.
"use strict";

function showCopyStatus(text) {
  const status = document.getElementById("copy-status");
  if (status) {
    status.textContent = text;
  }
}

function selectForManualCopy(button, field) {
  field.focus();
  field.select();
  showCopyStatus(button.dataset.fallbackText);
}

function copyFromTarget(button) {
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field) {
    return;
  }
  if (!navigator.clipboard || !window.isSecureContext) {
    selectForManualCopy(button, field);
    return;
  }
  navigator.clipboard.writeText(field.value).then(
    () => showCopyStatus(button.dataset.copiedText),
    () => selectForManualCopy(button, field),
  );
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    button.addEventListener("click", () => copyFromTarget(button));
  }
});
