// Progressive enhancement of the office pages; every page works without it.
//  [data-locate]: fill the latitude and longitude fields from the browser's geolocation and search.
//  [data-print]:  print the page (the rate board's print stylesheet lays it out for the wall).
//  [data-hours-day]: a weekday of the hours form; its times are disabled while it is marked closed.
(function () {
  "use strict";

  function locate(button) {
    var form = button.form;
    var status = form.querySelector("[data-locate-status]");
    var say = function (text) { if (status) { status.textContent = text; } };
    if (!("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      say(button.dataset.locating);
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(5);
          form.elements.lon.value = position.coords.longitude.toFixed(5);
          button.disabled = false;
          // One click: search as soon as the position arrives, unless the service is still to choose.
          if (form.elements.service && !form.elements.service.value) {
            say(button.dataset.chooseService);
            form.elements.service.focus();
            return;
          }
          say(button.dataset.located);
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        },
        function () {
          button.disabled = false;
          say(button.dataset.failed);
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  // A day marked closed has no hours: its times are dimmed and skipped (kept, should it reopen).
  function hoursDay(fieldset) {
    var closed = fieldset.querySelector("[data-hours-closed]");
    if (!closed) { return; }
    var sync = function () {
      fieldset.querySelectorAll("[data-hours-shift]").forEach(function (shift) {
        shift.toggleAttribute("data-off", closed.checked);
        shift.querySelectorAll("input").forEach(function (input) { input.disabled = closed.checked; });
      });
    };
    closed.addEventListener("change", sync);
    sync();
  }

  function printable(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-locate]").forEach(locate);
    document.querySelectorAll("[data-print]").forEach(printable);
    document.querySelectorAll("[data-hours-day]").forEach(hoursDay);
  });
})();
