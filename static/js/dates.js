/* The Jalali date picker on Persian pages (core.forms.LocalDateInput marks the inputs with
 * data-jdp; date-only ones also data-jdp-only-date). Loads the vendored picker
 * (static/vendor/jalalidatepicker, from npm by `make vendor`) only on pages that have such an
 * input. The input shows and sends Persian digits («۱۴۰۵/۰۹/۱۶»; the server reads any digits),
 * while the picker, which parses Latin digits only, reads and writes the input's value through
 * a per-input property that translates. Without JavaScript the field is a plain text field.
 */
(function () {
  "use strict";

  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var ARABIC = "٠١٢٣٤٥٦٧٨٩";

  function toLatin(text) {
    return String(text).replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    });
  }

  function toPersian(text) {
    return String(text).replace(/[0-9]/g, function (d) { return PERSIAN[Number(d)]; });
  }

  var native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");

  function translateValue(input) {
    if (input.dataset.jdpDigits === "1") return;
    input.dataset.jdpDigits = "1";
    Object.defineProperty(input, "value", {
      configurable: true,
      get: function () { return toLatin(native.get.call(this)); },
      set: function (text) { native.set.call(this, toPersian(text)); }
    });
  }

  function load(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element.setAttribute(name, attributes[name]); });
      element.addEventListener("load", resolve);
      element.addEventListener("error", reject);
      document.head.appendChild(element);
    });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-jdp]");
    if (!inputs.length) return;
    inputs.forEach(translateValue);
    var self = document.querySelector("script[data-jdp-src]");
    if (!self) return;
    load("link", { rel: "stylesheet", href: self.getAttribute("data-jdp-css") });
    load("script", { src: self.getAttribute("data-jdp-src") }).then(function () {
      window.jalaliDatepicker.startWatch({
        persianDigits: true,
        time: true,
        hasSecond: false,
        autoReadOnlyInput: false,
        zIndex: 2000
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
