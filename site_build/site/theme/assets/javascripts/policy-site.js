/*
 * policy-site: when several words are typed into the search box, show the sections that contain
 * all of them first, as staff expect from a handbook: "wifi password" finds the rule about the
 * wifi password, not every clause that mentions passwords. Only when no section has every word
 * does search fall back to Material's usual "any of the words" results.
 *
 * Material's search runs in a Web Worker (the iframe-worker shim on file://). This wraps the
 * Worker class before Material's bundle creates it and rewrites only the search queries sent to
 * it ({type: 2, data: query}) into lunr's "+word*" form; replies ({type: 3}) pass through.
 */
(function () {
  "use strict";
  var Base = window.Worker;
  if (typeof Base !== "function") {
    return;
  }
  var SEARCH_QUERY = 2;
  var SEARCH_RESULT = 3;
  var WORD = /^[\p{L}\p{N}]+$/u;
  // lunr's English stop words: the index leaves them out, so requiring one would match nothing.
  var STOP = new Set(("a able about across after all almost also am among an and any are as at be because been but by " +
    "can cannot could dear did do does either else ever every for from get got had has have he her hers him his how " +
    "however i if in into is it its just least let like likely may me might most must my neither no nor not of off " +
    "often on only or other our own rather said say says she should since so some than that the their them then there " +
    "these they this tis to too twas us wants was we were what when where which while who whom why will with would yet " +
    "you your").split(" "));

  /* "wifi password" -> "+wifi* +password*"; null when the query is one word or uses search syntax. */
  function everyWord(query) {
    var words = query.trim().split(/\s+/).filter(function (word) {
      return !STOP.has(word.toLowerCase());
    });
    if (words.length < 2 || !words.every(function (word) { return WORD.test(word); })) {
      return null;
    }
    return words.map(function (word) { return "+" + word + "*"; }).join(" ");
  }

  function PolicySiteWorker(url, options) {
    var worker = options === undefined ? new Base(url) : new Base(url, options);
    var post = worker.postMessage.bind(worker);
    var sent = [];   // one entry per search query sent, in order: the worker answers in order
    var latest = 0;

    // An empty answer to an "every word" query is held back from Material's listeners (and the
    // query as typed is sent instead). The listeners are wrapped rather than a listener of ours
    // added, so that the worker's messages reach Material exactly as they would without us.
    var held = new WeakMap();
    function hold(event) {
      if (!held.has(event)) {
        held.set(event, false);
        if (event.data && event.data.type === SEARCH_RESULT && sent.length) {
          var query = sent.shift();
          if (query.typed !== null && !event.data.data.items.length) {
            held.set(event, true);
            if (query.id === latest) {
              sent.push({id: query.id, typed: null});
              post({type: SEARCH_QUERY, data: query.typed});
            }
          }
        }
      }
      return held.get(event);
    }
    var wrappers = new WeakMap();
    var listen = worker.addEventListener.bind(worker);
    var unlisten = worker.removeEventListener.bind(worker);
    worker.addEventListener = function (type, listener, options) {
      if (type === "message" && typeof listener === "function") {
        var material = listener;
        if (!wrappers.has(material)) {
          wrappers.set(material, function (event) {
            return hold(event) ? undefined : material.call(this, event);
          });
        }
        return listen(type, wrappers.get(material), options);
      }
      return listen(type, listener, options);
    };
    worker.removeEventListener = function (type, listener, options) {
      return unlisten(type, wrappers.get(listener) || listener, options);
    };

    worker.postMessage = function (message, transfer) {
      if (message && message.type === SEARCH_QUERY && typeof message.data === "string") {
        var strict = everyWord(message.data);
        latest += 1;
        sent.push({id: latest, typed: strict === null ? null : message.data});
        if (strict !== null) {
          message = {type: SEARCH_QUERY, data: strict};
        }
      }
      return transfer === undefined ? post(message) : post(message, transfer);
    };
    return worker;
  }

  PolicySiteWorker.prototype = Base.prototype;
  window.Worker = PolicySiteWorker;
})();
