// Progressive enhancement of the licensing pages; every page works without it.
//  [data-applicant-kind]: show only the identifier box of the kind of applicant chosen.
//  [data-place]: offer cities and villages by name as one types (the public places API), filling the code;
//                only those of the county chosen on the form (or of its province).
(function () {
  "use strict";

  function applicantKind(form) {
    var radios = form.querySelectorAll("input[data-applicant-kind]");
    if (!radios.length) { return; }
    function show() {
      var chosen = form.querySelector("input[data-applicant-kind]:checked");
      form.querySelectorAll("[data-for-kind]").forEach(function (input) {
        var field = input.closest(".field");
        if (field) { field.hidden = !!chosen && input.dataset.forKind !== chosen.value; }
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", show); });
    show();
  }

  // The places of the county chosen on the form, else of its province, else of all Iran.
  function placeScope(form) {
    var county = form && form.elements.county ? form.elements.county.value : "";
    var province = form && form.elements.province ? form.elements.province.value : "";
    if (/^[0-9]{4}$/.test(county)) { return "&county=" + county; }
    if (/^[0-9]{2}$/.test(province)) { return "&province=" + province; }
    return "";
  }

  function placeSearch(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !list.dataset.placesUrl || !window.fetch) { return; }
    var timer = null;
    // Another county or province makes the suggestions already offered wrong.
    ["county", "province"].forEach(function (name) {
      var select = input.form && input.form.elements[name];
      if (select) { select.addEventListener("change", function () { list.replaceChildren(); }); }
    });
    input.addEventListener("input", function () {
      var q = input.value.trim();
      window.clearTimeout(timer);
      if (q.length < 2 || /^[0-9۰-۹]+$/.test(q)) { return; }
      timer = window.setTimeout(function () {
        var url = list.dataset.placesUrl + "?limit=10&q=" + encodeURIComponent(q) + placeScope(input.form);
        fetch(url, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (places) {
            list.replaceChildren();
            places.forEach(function (place) {
              var code = place.code || place.city_code;
              if (!code) { return; }
              var option = document.createElement("option");
              option.value = code;
              option.label = place.name_fa + (place.county_name_fa ? " — " + place.county_name_fa : "");
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 250);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(applicantKind);
    document.querySelectorAll("input[data-place]").forEach(placeSearch);
  });
})();
