// The profession field's choices, filled as the officer types (from 2 letters, after a
// pause): the page's own search (/occupations/search) in the page's language. Without this
// file the field is a plain form: type a code or pick one of the suggestions listed.
"use strict";
(function () {
  var field = document.getElementById("occupation-code");
  if (!field || !window.fetch) return;
  var list = document.getElementById(field.getAttribute("list"));
  var timer = 0;
  var asked = "";

  function fill(items) {
    var options = items.map(function (item) {
      var option = document.createElement("option");
      option.value = (item.nkz || item.code) + " — " + item.title;
      return option;
    });
    list.replaceChildren.apply(list, options);
  }

  function ask(query) {
    asked = query;
    fetch(field.getAttribute("data-search") + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (answer) { return answer.ok ? answer.json() : []; })
      .then(function (items) { if (field.value.trim() === query) fill(items); })
      .catch(function () {});
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    var query = field.value.trim();
    // a code, or a choice just picked from the list ("7212-2-005 — ..."), is not searched
    if (query.length < 2 || /^\d/.test(query) || query === asked) return;
    timer = window.setTimeout(function () { ask(query); }, 250);
  });
})();
