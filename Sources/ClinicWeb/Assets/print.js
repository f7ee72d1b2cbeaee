// Shows the "Print" buttons (hidden without scripts) and prints the page when one is pressed.
// Loaded as a file because the content security policy forbids inline scripts.
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
