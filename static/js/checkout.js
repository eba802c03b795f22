/* Checkout and payment pages; every page also works without this file.
 * - Checkout: show the pickup place only for parts picked up, the address only when some
 *   part is shipped, and the choice to pay at the booth only when some part is picked up.
 * - Payment (production): mount Stripe's Payment Element and confirm the card with Stripe.js;
 *   Stripe then sends the buyer to the return URL, where the server settles the payment.
 */
(function () {
  "use strict";

  var form = document.getElementById("checkout-form");
  if (form) {
    var update = function () {
      var anyShipping = false;
      var anyPickup = false;
      form.querySelectorAll(".vendor-part").forEach(function (part) {
        var checked = part.querySelector("input[data-fulfilment]:checked");
        var value = checked ? checked.value : "pickup";
        part.classList.toggle("wants-pickup", value === "pickup");
        if (value === "shipping") anyShipping = true;
        if (value === "pickup") anyPickup = true;
      });
      form.classList.toggle("no-shipping", !anyShipping);
      form.classList.toggle("no-pickup", !anyPickup);
      // Paying at the booth needs a part picked up: back to "everything online" without one.
      var online = form.querySelector("input[name=pickup_payment][value=online]");
      if (!anyPickup && online) online.checked = true;
    };
    form.addEventListener("change", update);
    form.classList.add("js-ready");
    update();
  }

  var paymentForm = document.getElementById("payment-form");
  if (paymentForm && window.Stripe) {
    var stripe = window.Stripe(paymentForm.dataset.publishableKey);
    var elements = stripe.elements({
      clientSecret: paymentForm.dataset.clientSecret,
      locale: document.documentElement.lang || "auto"
    });
    elements.create("payment").mount("#payment-element");
    var message = document.getElementById("payment-message");
    paymentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      stripe.confirmPayment({
        elements: elements,
        confirmParams: { return_url: paymentForm.dataset.returnUrl }
      }).then(function (result) {
        if (result.error) {
          message.textContent = result.error.message;
          message.hidden = false;
          delete paymentForm.dataset.submitting;
        }
      });
    });
  }
})();
