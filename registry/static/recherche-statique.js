// Search on the static copy of the site (`registry freeze`): progressive enhancement only.
// Active only on frozen pages (they carry <meta name="registre-statique">): the search form
// submits to the static list page with ?q=…; this script then replaces the list by the
// records of the prebuilt index (recherche.json) whose name, summary or administration
// contain every word typed. Without JavaScript, the list page shows every record.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="registre-statique"]');
  var form = document.getElementById("recherche");
  var results = document.querySelector(".liste-resultats");
  if (!meta || !form || !results || !window.fetch || !window.URLSearchParams) { return; }
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (!query) { return; }
  var root = meta.getAttribute("content") || "./";
  var dynamic = meta.getAttribute("data-dynamique") || "";

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function matches(items, words) {
    var found = [];
    items.forEach(function (item) {
      var name = fold(item.nom);
      var haystack = [name, fold(item.resume), fold(item.administration), item.id].join(" ");
      if (words.every(function (w) { return haystack.indexOf(w) !== -1; })) {
        var inName = words.filter(function (w) { return name.indexOf(w) !== -1; }).length;
        found.push({ item: item, rank: inName });
      }
    });
    found.sort(function (a, b) {
      return b.rank - a.rank || a.item.nom.localeCompare(b.item.nom, "fr");
    });
    return found.map(function (f) { return f.item; });
  }

  function show(items) {
    var box = element("div");
    var count = items.length + " résultat" + (items.length > 1 ? "s" : "") + " pour « " + query + " »";
    var title = element("h2", count, "nombre-resultats");
    title.id = "titre-resultats";
    title.setAttribute("tabindex", "-1");
    box.appendChild(title);
    var note = element("p", "Copie statique du registre : la recherche porte sur le nom, le résumé " +
      "et l'administration ; les filtres et le tri ne s'appliquent pas ici.", "alerte");
    if (dynamic) {
      var link = element("a", "Lancer la recherche complète sur le site du registre");
      link.href = dynamic.replace(/\/$/, "") + "/algorithmes?q=" + encodeURIComponent(query);
      note.appendChild(document.createTextNode(" "));
      note.appendChild(link);
      note.appendChild(document.createTextNode("."));
    }
    box.appendChild(note);
    var list = element("ol", "", "resultats");
    items.forEach(function (item) {
      var li = element("li", "", "resultat");
      var h3 = element("h3");
      var a = element("a", item.nom);
      a.href = root + item.page;
      h3.appendChild(a);
      li.appendChild(h3);
      li.appendChild(element("p", item.administration, "meta-resultat"));
      if (item.resume) { li.appendChild(element("p", item.resume, "extrait")); }
      list.appendChild(li);
    });
    if (items.length) { box.appendChild(list); } else {
      box.appendChild(element("p", "Aucun algorithme ne correspond. Essayez d'autres mots."));
    }
    results.replaceChildren(box);
    var input = form.querySelector('input[name="q"]');
    if (input) { input.value = query; }
    document.title = "Recherche « " + query + " » — Registre citoyen des algorithmes publics";
    title.focus();
  }

  fetch(root + "recherche.json").then(function (response) {
    if (!response.ok) { throw new Error(response.status); }
    return response.json();
  }).then(function (items) {
    var words = fold(query).split(/[^a-z0-9]+/).filter(function (w) { return w.length > 1; });
    show(words.length ? matches(items, words) : items);
  }).catch(function () {
    results.insertBefore(element("p", "La recherche n'a pas pu être chargée sur cette copie " +
      "statique ; la liste ci-dessous présente toutes les fiches.", "alerte"), results.firstChild);
  });
})();
