/*
 * The worker side of the iframe-worker shim (iframe-worker-shim.js, MIT, Martin Donath): inside the
 * hidden iframe that stands in for a Web Worker on file://, make the worker's script see a worker's
 * globals. Loaded from a file rather than written inline, so the Content-Security-Policy can forbid
 * inline scripts.
 */
(function () {
  "use strict";
  var filename = document.currentScript.dataset.filename;
  window.postMessage = function (message, origin) {
    parent.postMessage(message, origin || "*");
  };
  window.importScripts = function () {
    return Array.prototype.reduce.call(arguments, function (loaded, url) {
      return loaded.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = url;
          script.onload = resolve;
          document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  };
  window.addEventListener("error", function (event) {
    parent.dispatchEvent(new ErrorEvent("error", {filename: filename, error: event.error}));
  });
})();
