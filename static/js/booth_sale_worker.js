/* The booth-sale page's service worker: it keeps /booths/sell opening with no signal.
 * Served from static/ at /booths/booth-sale-worker.js (payments.booth_sale_views), beside the
 * page, because a worker's scope can be no wider than its own folder; booth_sales.js registers
 * it, from that page only, with the page itself as its scope.
 * - The page (its last copy fetched online) and its static files are kept in one cache: with a
 *   signal they are always fetched fresh, without one the kept copy answers.
 * - It never sends anything. Sales typed with no signal are the page's own business
 *   (booth_sales.js queues them in localStorage and posts them back online); a POST, or a
 *   fetch() of the page's script (a fresh CSRF token), always goes to the network as is.
 */
"use strict";

var PREFIX = "bazaarche-booth-sale-";
var CACHE = PREFIX + "v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// A page's fetches on its first visit pass no worker: the page then names what it needs
// (its address, styles, scripts, icon) and is told once they are kept.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  var reply = event.ports && event.ports[0];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, {credentials: "same-origin"}).then(function (response) {
        return keep(cache, url, response);
      }).catch(function () { /* no signal: the copy kept before stays */ });
    }));
  }).then(function () {
    if (reply) reply.postMessage("kept");
  }));
});

function keep(cache, key, response) {
  // Signed out (a redirect to the login page) or refused: forget the page, keep nothing.
  if (response.redirected || response.type === "opaqueredirect" || response.status >= 400) {
    return cache.delete(key);
  }
  return response.ok ? cache.put(key, response) : null;
}

function freshOrKept(event, request, key) {
  event.respondWith(fetch(request).then(function (response) {
    var copy = response.clone();
    event.waitUntil(caches.open(CACHE).then(function (cache) { return keep(cache, key, copy); }));
    return response;
  }, function () {
    return caches.match(key).then(function (kept) { return kept || Response.error(); });
  }));
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // One copy of the page, whichever product (?product=) it was opened with.
    freshOrKept(event, request, url.pathname);
  } else if (url.pathname.indexOf("/static/") === 0) {
    freshOrKept(event, request, request.url);
  }
});
