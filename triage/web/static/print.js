// Progressive enhancement: a Print button when JavaScript runs (the page works without it).
(function () {
  var button = document.getElementById("print-button");
  if (!button) return;
  button.parentNode.hidden = false;
  var hint = document.querySelector(".web-actions__noscript");
  if (hint) hint.hidden = true;
  button.addEventListener("click", function () { window.print(); });
})();
