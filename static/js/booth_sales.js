/* The booth-sale page (/booths/sell) when the phone has no signal; the page works without it.
 * - Each sale typed gets a client key (the form's hidden `client_key`): the server records a
 *   key once, so a sale sent twice — a retry after a lost answer — is one sale.
 * - Submitted while the browser is offline, the sale is kept in localStorage (per trainee)
 *   and listed as waiting; back online (or when the page opens online) each waiting sale is
 *   posted to the same form with a fresh CSRF token. A sale the server refuses — the piece
 *   was sold meanwhile (409) or the input is no longer valid — stays listed with the
 *   server's own message until dismissed; one that went through reloads the page.
 * - A service worker (booth_sale_worker.js, registered below) keeps the page and its files,
 *   so that the page opens even when the phone had no signal to begin with.
 */
(function () {
  "use strict";
  var form = document.getElementById("booth-sale-form");
  var box = document.getElementById("booth-sale-queue");
  if (!form || !box || !window.localStorage || !window.fetch) return;
  var list = box.querySelector("ul");
  var notice = document.getElementById("booth-sale-queued");
  var keyField = form.querySelector("input[name=client_key]");
  var storeKey = box.getAttribute("data-queue-key");
  var titles = JSON.parse(form.getAttribute("data-titles") || "{}");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || []; } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(storeKey, JSON.stringify(queue)); }

  function render() {
    var queue = load();
    list.textContent = "";
    queue.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "booth-sale" + (item.refused ? " refused" : "");
      var what = document.createElement("strong");
      what.textContent = (item.title || titles[item.product_id] || "") + " × " +
        numbers.format(parseInt(item.quantity_number, 10) || 0);
      var state = document.createElement("small");
      state.textContent = item.refused || box.getAttribute("data-waiting");
      li.appendChild(what);
      li.appendChild(state);
      if (item.refused) {
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "link-button";
        dismiss.textContent = box.getAttribute("data-dismiss");
        dismiss.addEventListener("click", function () {
          save(load().filter(function (other) { return other.client_key !== item.client_key; }));
          render();
        });
        li.appendChild(dismiss);
      }
      list.appendChild(li);
    });
    box.hidden = queue.length === 0;
  }

  function asciiDigits(text) {
    return String(text || "").replace(/[\u06F0-\u06F9\u0660-\u0669]/g, function (d) {
      var code = d.charCodeAt(0);
      return String(code >= 0x06F0 ? code - 0x06F0 : code - 0x0660);
    });
  }

  if (keyField && !keyField.value) keyField.value = newKey();

  // Opened with no signal, this is the copy the service worker kept: its messages ("Sale
  // recorded: …") told of the visit that kept it, not of this one.
  if (!navigator.onLine) {
    document.querySelectorAll(".flashes .flash").forEach(function (old) { old.remove(); });
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) return;  // sent as usual
    event.preventDefault();
    var data = new FormData(form);
    var queue = load();
    queue.push({
      client_key: keyField.value, product_id: String(data.get("product_id") || ""),
      title: titles[String(data.get("product_id") || "")] || "",
      quantity: String(data.get("quantity") || ""),
      quantity_number: asciiDigits(data.get("quantity")).replace(/[^0-9]/g, ""),
      payment_kind: String(data.get("payment_kind") || ""),
      card_reference: String(data.get("card_reference") || "")
    });
    save(queue);
    keyField.value = newKey();
    if (notice) notice.hidden = false;
    render();
  });

  function freshToken() {
    return fetch(form.action, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok || response.redirected) throw new Error("not signed in");
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var token = page.querySelector("input[name=csrf_token]");
      if (!token) throw new Error("no token");
      return token.value;
    });
  }

  function serverMessage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    // The form's own error first, then a field's, then an error page's message.
    var found = [".form-errors", ".field .error", "main p"].map(function (selector) {
      return page.querySelector(selector);
    }).filter(Boolean)[0];
    return (found && found.textContent.trim()) || box.getAttribute("data-refused");
  }

  function post(item, token) {
    var body = new URLSearchParams();
    ["client_key", "product_id", "quantity", "payment_kind", "card_reference"].forEach(
      function (name) { body.set(name, item[name] || ""); });
    body.set("csrf_token", token);
    return fetch(form.action, {method: "POST", body: body, credentials: "same-origin",
                               redirect: "manual"}).then(function (response) {
      if (response.type === "opaqueredirect" || response.ok) return {sent: true};
      if (response.status >= 400 && response.status < 500 && response.status !== 401) {
        return response.text().then(function (html) {
          return {refused: serverMessage(html)};
        });
      }
      throw new Error("try later");
    });
  }

  function sendWaiting() {
    var waiting = load().filter(function (item) { return !item.refused; });
    if (sending || !waiting.length || !navigator.onLine) return;
    sending = true;
    var sent = 0;
    freshToken().then(function (token) {
      return waiting.reduce(function (chain, item) {
        return chain.then(function () {
          return post(item, token).then(function (outcome) {
            var queue = load();
            if (outcome.sent) {
              sent += 1;
              queue = queue.filter(function (o) { return o.client_key !== item.client_key; });
            } else {
              queue.forEach(function (o) {
                if (o.client_key === item.client_key) o.refused = outcome.refused;
              });
            }
            save(queue);
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* still no connection: the sales wait for the next try */ })
      .then(function () {
        sending = false;
        if (sent) { window.location.reload(); } else { render(); }
      });
  }

  // The service worker keeps this page and its files, so that it opens with no signal
  // (static/js/booth_sale_worker.js); sending stays here. `data-offline-ready` on <html>
  // says they are kept.
  function keepForOffline() {
    var worker = box.getAttribute("data-worker");
    if (!worker || !navigator.serviceWorker) return;
    var ready = function () { document.documentElement.setAttribute("data-offline-ready", ""); };
    navigator.serviceWorker.register(worker, {scope: box.getAttribute("data-worker-scope")})
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        // Opened through the worker, the page and its files were kept on the way.
        if (navigator.serviceWorker.controller) return ready();
        var files = [location.pathname];
        document.querySelectorAll("link[rel=stylesheet][href], link[rel~=icon][href], script[src]")
          .forEach(function (element) { files.push(element.href || element.src); });
        var channel = new MessageChannel();
        channel.port1.onmessage = ready;
        registration.active.postMessage({keep: files}, [channel.port2]);
      })
      .catch(function () { /* no worker (private mode, old browser): online only */ });
  }

  window.addEventListener("online", sendWaiting);
  render();
  sendWaiting();
  keepForOffline();
})();
