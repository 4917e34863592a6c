// The web counter's form and its receipt; both work without this script.
//  [data-record-form]: picking a service fills the fee with its tariff (while the fee is untouched);
//                      a sent form's button is disabled, so a double click sends it once (the server
//                      answers a second sending with the same transaction anyway).
//  [data-print-now]:   the receipt of a transaction just recorded opens the print dialog at once.
(function () {
  "use strict";

  function persian(digits) {
    return digits.replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹".charAt(+d); });
  }

  function grouped(value) {
    return persian(String(value).replace(/\B(?=(\d{3})+(?!\d))/g, "٬"));
  }

  function recordForm(form) {
    var service = form.elements.service;
    var fee = form.elements.fee_charged;
    var note = form.querySelector("[data-fee-note]");
    var shown = form.querySelector("[data-fee-tariff]");
    var filled = fee.value;
    function chosen() {
      var option = service.options[service.selectedIndex];
      var tariff = option ? option.getAttribute("data-fee") : null;
      if (note) { note.hidden = !tariff; }
      if (!tariff) { return; }
      if (shown) { shown.textContent = grouped(tariff); }
      if (fee.value === "" || fee.value === filled) {
        fee.value = tariff;
        filled = tariff;
      }
    }
    service.addEventListener("change", chosen);
    chosen();
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-record-submit]");
      if (!button) { return; }
      // Disabled after this event, so the button's own submission still goes.
      window.setTimeout(function () {
        button.disabled = true;
        if (button.dataset.sending) { button.textContent = button.dataset.sending; }
      }, 0);
    });
  }

  document.querySelectorAll("[data-record-form]").forEach(recordForm);
  if (document.querySelector("[data-print-now]")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
