// The Jalali date picker: a calendar button beside every date box (input[data-datepicker]).
//
// Progressive enhancement: the box still takes a typed date (Jalali 1405/09/14 or Gregorian
// 2026-12-05), and the page works without this script. The picker writes the Jalali date in the
// page's digits; the server (pishkhan.common.calendar.date_parse) reads either digits.
//
// The words it shows come from the box's data-datepicker attribute (JSON written by the server in
// the page's language: month names, weekday initials, button labels, today in Tehran, the first and
// last day the server accepts). Keyboard: arrows move a day (mirrored right-to-left) or a week,
// Home/End go to the week's first/last day, Page Up/Down a month (with Shift a year), Enter or Space
// choose, Escape closes (and so does leaving the calendar with Tab). The calendar arithmetic follows
// the 33-year cycle that jdatetime uses, so a day chosen here is the day the server reads;
// tests/web/test_browser_datepicker.py holds it to that.
(function () {
  "use strict";

  // --- Calendar arithmetic (no DOM) -------------------------------------------------------------
  var LEAP_REMAINDERS = [1, 5, 9, 13, 17, 22, 26, 30]; // of the Jalali year divided by 33
  var DAY_MS = 86400000;
  var EPOCH_MS = Date.UTC(622, 2, 21); // Farvardin 1 of year 1, proleptic Gregorian

  function isLeap(year) {
    return LEAP_REMAINDERS.indexOf(((year % 33) + 33) % 33) !== -1;
  }

  function leapYearsBefore(year) {
    var past = year - 1;
    var cycles = Math.floor(past / 33);
    var rest = past - cycles * 33;
    var count = cycles * LEAP_REMAINDERS.length;
    LEAP_REMAINDERS.forEach(function (remainder) { if (remainder <= rest) { count += 1; } });
    return count;
  }

  function monthLength(year, month) {
    if (month <= 6) { return 31; }
    if (month <= 11) { return 30; }
    return isLeap(year) ? 30 : 29;
  }

  // Days since Farvardin 1 of year 1.
  function jalaliToDays(year, month, day) {
    var beforeMonth = month <= 7 ? (month - 1) * 31 : 186 + (month - 7) * 30;
    return 365 * (year - 1) + leapYearsBefore(year) + beforeMonth + day - 1;
  }

  function daysToJalali(days) {
    var year = Math.floor(days / 365.2422) + 1;
    while (jalaliToDays(year, 1, 1) > days) { year -= 1; }
    while (jalaliToDays(year + 1, 1, 1) <= days) { year += 1; }
    var inYear = days - jalaliToDays(year, 1, 1);
    if (inYear < 186) { return { year: year, month: Math.floor(inYear / 31) + 1, day: (inYear % 31) + 1 }; }
    inYear -= 186;
    return { year: year, month: 7 + Math.floor(inYear / 30), day: (inYear % 30) + 1 };
  }

  function gregorianToDays(year, month, day) {
    return Math.round((Date.UTC(year, month - 1, day) - EPOCH_MS) / DAY_MS);
  }

  function daysToGregorian(days) {
    var date = new Date(EPOCH_MS + days * DAY_MS);
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  }

  function toGregorian(year, month, day) { return daysToGregorian(jalaliToDays(year, month, day)); }
  function toJalali(year, month, day) { return daysToJalali(gregorianToDays(year, month, day)); }

  // 0 for Saturday … 6 for Friday.
  function iranianWeekday(days) {
    return (new Date(EPOCH_MS + days * DAY_MS).getUTCDay() + 1) % 7;
  }

  function latinDigits(text) {
    return text.replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); });
  }

  function persianDigits(text) {
    return text.replace(/[0-9]/g, function (d) { return String.fromCharCode(0x06f0 + Number(d)); });
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  // A typed date as days since the epoch, read as the server reads it; null if it is none.
  function parseTyped(text) {
    var match = /^(\d{1,4})\s*[\/\-.]\s*(\d{1,2})\s*[\/\-.]\s*(\d{1,2})$/.exec(latinDigits(text).trim());
    if (!match) { return null; }
    var year = Number(match[1]), month = Number(match[2]), day = Number(match[3]);
    if (year >= 1300 && year <= 1499 && month >= 1 && month <= 12 && day >= 1 && day <= monthLength(year, month)) {
      return jalaliToDays(year, month, day);
    }
    if (year >= 1921 && year <= 2121) {
      var date = new Date(Date.UTC(year, month - 1, day));
      if (date.getUTCMonth() === month - 1 && date.getUTCDate() === day) { return gregorianToDays(year, month, day); }
    }
    return null;
  }

  window.PishkhanJalali = { toGregorian: toGregorian, toJalali: toJalali, isLeap: isLeap, parseTyped: parseTyped };

  // --- The picker -------------------------------------------------------------------------------
  var openPicker = null; // the one picker open at a time

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function Picker(input) {
    this.input = input;
    this.words = JSON.parse(input.getAttribute("data-datepicker"));
    this.shown = this.words.persian ? persianDigits : function (text) { return text; };
    this.first = parseTyped(this.words.first);
    this.last = parseTyped(this.words.last);
    this.rtl = getComputedStyle(input.parentNode).direction === "rtl"; // the box itself is ltr
    this.build();
  }

  Picker.prototype.build = function () {
    var self = this;
    var wrapper = element("span", { "class": "datepicker" });
    this.input.parentNode.insertBefore(wrapper, this.input);
    wrapper.appendChild(this.input);
    this.wrapper = wrapper;
    this.toggle = element("button", {
      type: "button", "class": "datepicker__toggle", "aria-haspopup": "dialog", "aria-expanded": "false",
      "aria-label": this.words.open, title: this.words.open
    });
    this.toggle.innerHTML = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20">'
      + '<rect x="3" y="5" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>'
      + '<path d="M3 10h18M8 3v4M16 3v4" stroke="currentColor" stroke-width="2" fill="none"/></svg>';
    wrapper.appendChild(this.toggle);
    this.toggle.addEventListener("click", function () { if (self.dialog) { self.close(true); } else { self.open(); } });
  };

  Picker.prototype.open = function () {
    var self = this;
    if (openPicker) { openPicker.close(false); }
    openPicker = this;
    // Today in Tehran as the server saw it; the browser's own clock may be in another day.
    var today = new Date();
    var todayDays = parseTyped(this.words.todayDate);
    if (todayDays === null) { todayDays = gregorianToDays(today.getFullYear(), today.getMonth() + 1, today.getDate()); }
    this.today = todayDays;
    this.chosen = parseTyped(this.input.value);
    this.focused = this.clamp(this.chosen === null ? todayDays : this.chosen);

    var dialog = element("div", { "class": "datepicker__dialog", role: "dialog", "aria-modal": "false", "aria-label": this.words.dialog });
    var head = element("div", { "class": "datepicker__head" });
    this.title = element("span", { "class": "datepicker__title", "aria-live": "polite" });
    var button = function (label, text, step) {
      var node = element("button", { type: "button", "class": "datepicker__step", "aria-label": label, title: label }, text);
      node.addEventListener("click", function () { self.moveMonths(step); self.render(false); });
      return node;
    };
    // Arrows point the way time runs on the page: leftwards in Persian, rightwards in English.
    var back = this.rtl ? "›" : "‹", forth = this.rtl ? "‹" : "›";
    this.previousYear = button(this.words.previousYear, back + back, -12);
    this.previousMonth = button(this.words.previousMonth, back, -1);
    this.nextMonth = button(this.words.nextMonth, forth, 1);
    this.nextYear = button(this.words.nextYear, forth + forth, 12);
    [this.previousYear, this.previousMonth, this.title, this.nextMonth, this.nextYear].forEach(function (node) { head.appendChild(node); });
    dialog.appendChild(head);

    this.grid = element("table", { "class": "datepicker__grid", role: "grid" });
    var headRow = element("tr");
    this.words.weekdays.forEach(function (initial) { headRow.appendChild(element("th", { scope: "col" }, initial)); });
    var thead = element("thead");
    thead.appendChild(headRow);
    this.grid.appendChild(thead);
    this.body = element("tbody");
    this.grid.appendChild(this.body);
    this.grid.addEventListener("keydown", function (event) { self.key(event); });
    dialog.appendChild(this.grid);

    var foot = element("div", { "class": "datepicker__foot" });
    var todayButton = element("button", { type: "button", "class": "datepicker__text" }, this.words.today);
    todayButton.addEventListener("click", function () { self.choose(self.clamp(self.today)); });
    var closeButton = element("button", { type: "button", "class": "datepicker__text" }, this.words.close);
    closeButton.addEventListener("click", function () { self.close(true); });
    foot.appendChild(todayButton);
    foot.appendChild(closeButton);
    dialog.appendChild(foot);
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); self.close(true); }
    });

    this.dialog = dialog;
    this.wrapper.appendChild(dialog);
    this.toggle.setAttribute("aria-expanded", "true");
    this.outside = function (event) { if (!self.wrapper.contains(event.target)) { self.close(false); } };
    document.addEventListener("mousedown", this.outside);
    // Tabbing out of the calendar closes it, as a click elsewhere does.
    dialog.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !self.wrapper.contains(event.relatedTarget)) { self.close(false); }
    });
    this.render(true);
  };

  Picker.prototype.close = function (refocus) {
    if (!this.dialog) { return; }
    this.dialog.remove();
    this.dialog = null;
    document.removeEventListener("mousedown", this.outside);
    this.toggle.setAttribute("aria-expanded", "false");
    if (openPicker === this) { openPicker = null; }
    if (refocus) { this.toggle.focus(); }
  };

  Picker.prototype.clamp = function (days) {
    return Math.min(Math.max(days, this.first), this.last);
  };

  Picker.prototype.moveMonths = function (step) {
    var at = daysToJalali(this.focused);
    var month = at.month - 1 + step;
    var year = at.year + Math.floor(month / 12);
    month = ((month % 12) + 12) % 12 + 1;
    var day = Math.min(at.day, monthLength(year, month));
    this.focused = this.clamp(jalaliToDays(year, month, day));
  };

  Picker.prototype.render = function (focus) {
    var self = this;
    var at = daysToJalali(this.focused);
    this.title.textContent = this.words.months[at.month - 1] + " " + this.shown(String(at.year));
    var start = jalaliToDays(at.year, at.month, 1);
    var length = monthLength(at.year, at.month);
    var lead = iranianWeekday(start);
    this.body.textContent = "";
    var row = element("tr");
    for (var blank = 0; blank < lead; blank += 1) { row.appendChild(element("td")); }
    for (var day = 1; day <= length; day += 1) {
      var days = start + day - 1;
      var cell = element("td");
      var label = this.shown(day + " " + this.words.months[at.month - 1] + " " + at.year);
      var dayButton = element("button", {
        type: "button", "class": "datepicker__day", tabindex: days === this.focused ? "0" : "-1",
        "data-days": String(days), "aria-label": label
      }, this.shown(String(day)));
      if (days === this.chosen) { dayButton.setAttribute("aria-pressed", "true"); }
      if (days === this.today) { dayButton.setAttribute("aria-current", "date"); }
      if (days < this.first || days > this.last) { dayButton.disabled = true; }
      dayButton.addEventListener("click", function (event) { self.choose(Number(event.currentTarget.getAttribute("data-days"))); });
      cell.appendChild(dayButton);
      row.appendChild(cell);
      if ((lead + day) % 7 === 0) { this.body.appendChild(row); row = element("tr"); }
    }
    if (row.childNodes.length) { this.body.appendChild(row); }
    this.previousYear.disabled = this.previousMonth.disabled = start <= this.first;
    this.nextYear.disabled = this.nextMonth.disabled = start + length > this.last;
    if (focus) { this.body.querySelector('[tabindex="0"]').focus(); }
  };

  Picker.prototype.key = function (event) {
    var forward = this.rtl ? -1 : 1;
    var weekday = iranianWeekday(this.focused);
    var moves = {
      ArrowRight: forward, ArrowLeft: -forward, ArrowDown: 7, ArrowUp: -7,
      Home: -weekday, End: 6 - weekday
    };
    if (event.key in moves) {
      this.focused = this.clamp(this.focused + moves[event.key]);
    } else if (event.key === "PageUp" || event.key === "PageDown") {
      this.moveMonths((event.key === "PageUp" ? -1 : 1) * (event.shiftKey ? 12 : 1));
    } else {
      return; // Enter and Space press the focused day's button
    }
    event.preventDefault();
    this.render(true);
  };

  Picker.prototype.choose = function (days) {
    var at = daysToJalali(days);
    this.input.value = this.shown(at.year + "/" + pad(at.month) + "/" + pad(at.day));
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.close(false);
    this.input.focus();
  };

  // The picker's stylesheet, named by the script tag (data-style), is needed only where it runs.
  function stylesheet() {
    var script = document.currentScript;
    if (!script || !script.dataset.style || document.querySelector("link[data-datepicker-style]")) { return; }
    document.head.appendChild(element("link", { rel: "stylesheet", href: script.dataset.style, "data-datepicker-style": "" }));
  }

  function enhance(root) {
    root.querySelectorAll("input[data-datepicker]:not([data-datepicker-ready])").forEach(function (input) {
      input.setAttribute("data-datepicker-ready", "");
      new Picker(input);
    });
  }

  stylesheet();
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // Forms that htmx swaps in get their pickers too.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
