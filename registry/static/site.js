// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // A « Imprimer la fiche » button on record pages (the print stylesheet does the rest); its
  // text comes from the page, in the page's language.
  document.querySelectorAll(".emplacement-impression").forEach(function (slot) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "bouton-secondaire";
    button.textContent = slot.getAttribute("data-libelle") || "Imprimer la fiche";
    button.addEventListener("click", function () { window.print(); });
    slot.replaceWith(button);
  });
  // The summary of a form's errors takes the focus, so that it is read first (RGAA 11.10).
  var errors = document.getElementById("erreurs");
  if (errors) { errors.focus(); }
})();
