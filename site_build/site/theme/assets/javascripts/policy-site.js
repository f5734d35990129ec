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

/*
 * policy-site: the keyboard and screen readers (issue 19), over Material's checkbox toggles.
 *
 * The drawer (the navigation below 1220px): the menu button (partials/header.html) opens and closes
 * it, and its aria-expanded follows the drawer's checkbox however that changes. An open drawer is
 * modal: the focus moves into it, the rest of the page is inert (it lies under the overlay), and
 * Escape closes it and gives the focus back to the button. A closed drawer is inert: its links are
 * off screen, so they take no tab stop and are not read out. Inside it, the titles that lead back a
 * level and the current page's contents take a tab stop (Material's Enter on a label clicks it), and
 * the focus follows a panel as it opens or closes; policy-site.css hides the panels out of sight.
 *
 * Search: the search button opens it on a phone. In open search, Tab moves through the box and the
 * results (Material closes search on Tab, and keeps its results out of the tab order); search closes
 * once the focus leaves it. Escape in the results gives the focus back to the box; Escape in the box
 * closes search, leaving the focus there, or on the search button where the box is hidden when
 * search is closed (a phone). Material would leave it on nothing.
 */
(function () {
  "use strict";
  var DRAWER_WIDTH = "(max-width: 76.234375em)";  // Material's breakpoints: the navigation is a drawer below 1220px,
  var SEARCH_IN_HEADER = "(min-width: 60em)";      // and the search box stays in the header from 960px

  function toggleFor(name) {
    return document.querySelector("[data-md-toggle='" + name + "']");
  }

  function setChecked(toggle, checked) {
    if (toggle.checked !== checked) {
      toggle.click();  // as Material does: its listeners hear a change event
    }
  }

  /* Everything on the page but the drawer, its overlay and the toggles: inert while the drawer is open. */
  function outside(sidebar) {
    var found = [];
    for (var node = sidebar; node.parentElement && node !== document.body; node = node.parentElement) {
      Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
        if (sibling !== node && !sibling.matches(".md-overlay, .md-toggle, script, style, link")) {
          found.push(sibling);
        }
      });
    }
    return found;
  }

  function drawer() {
    var toggle = toggleFor("drawer");
    var button = document.querySelector("[data-policy-site-toggle='drawer']");
    var sidebar = document.querySelector(".md-sidebar--primary");
    var nav = sidebar && sidebar.querySelector(".md-nav--primary");
    if (!toggle || !button || !nav) {
      return;
    }
    var narrow = window.matchMedia(DRAWER_WIDTH);
    var rest = outside(sidebar);
    sidebar.setAttribute("tabindex", "-1");  // the focus lands here as the drawer opens; Tab goes on from it
    function sync() {
      var modal = narrow.matches && toggle.checked;
      button.setAttribute("aria-expanded", String(toggle.checked));
      sidebar.inert = narrow.matches && !toggle.checked;
      rest.forEach(function (element) {
        element.inert = modal;
      });
    }
    function close() {
      setChecked(toggle, false);
      if (button.offsetParent !== null) {
        button.focus();
      }
    }
    button.addEventListener("click", function () {
      if (toggle.checked) {
        close();
      } else {
        setChecked(toggle, true);
        if (narrow.matches) {
          sidebar.focus({preventScroll: true});
        }
      }
    });
    toggle.addEventListener("change", sync);
    narrow.addEventListener("change", sync);
    window.addEventListener("pageshow", sync);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked && !event.defaultPrevented) {
        event.preventDefault();
        close();
      }
    });
    sync();
    panels(nav, narrow);
  }

  /* The drawer's panels: a title leads back a level, the current page's entry opens its contents. */
  function panels(nav, narrow) {
    // A section's label opens its panel in the drawer; on a wide screen it is the section's heading.
    var sections = ".md-nav__item--section > label.md-nav__link, .md-nav__item--section > .md-nav__container > label";
    function labels() {
      nav.querySelectorAll(".md-nav .md-nav__title[for]:not([for='__drawer']), .md-nav__link[for='__toc']").forEach(function (label) {
        label.setAttribute("tabindex", "0");
      });
      nav.querySelectorAll(sections).forEach(function (label) {
        label.setAttribute("tabindex", narrow.matches ? "0" : "");
      });
    }
    // After Material has set up its own labels: it expects each label with a tab stop to open a group.
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(labels);
    } else {
      window.setTimeout(labels);
    }
    narrow.addEventListener("change", labels);
    nav.addEventListener("change", function (event) {
      var toggle = event.target;
      var item = toggle.parentElement;
      var panel = item && item.querySelector(":scope > .md-nav");
      if (!narrow.matches || !panel || !toggle.matches(".md-nav__toggle") || !toggle.id) {
        return;
      }
      var focused = document.activeElement;
      var opener = item.querySelector(":scope > label[for='" + toggle.id + "'][tabindex], " +
                                      ":scope > .md-nav__container > label[for='" + toggle.id + "'][tabindex]");
      var title = panel.querySelector(":scope > .md-nav__title");
      // (Not scrolled into view: the panel is still sliding, and the drawer would scroll sideways.)
      if (toggle.checked && focused === opener && title) {
        title.focus({preventScroll: true});
      } else if (!toggle.checked && panel.contains(focused) && opener) {
        opener.focus({preventScroll: true});
      }
    });
  }

  function search() {
    var toggle = toggleFor("search");
    var dialog = document.querySelector(".md-search");
    var input = document.querySelector(".md-search__input");
    var list = document.querySelector(".md-search-result__list");
    var button = document.querySelector("[data-policy-site-toggle='search']");
    if (!toggle || !dialog || !input) {
      return;
    }
    var inHeader = window.matchMedia(SEARCH_IN_HEADER);
    function sync() {
      if (button) {
        button.setAttribute("aria-expanded", String(toggle.checked));
      }
      // On a phone the closed box is out of sight: the search button is the way in.
      if (button && !inHeader.matches && !toggle.checked) {
        input.setAttribute("tabindex", "-1");
      } else {
        input.removeAttribute("tabindex");
      }
    }
    toggle.addEventListener("change", sync);
    inHeader.addEventListener("change", sync);
    window.addEventListener("pageshow", sync);
    sync();
    if (button) {
      button.addEventListener("click", function () {
        setChecked(toggle, true);
        input.removeAttribute("tabindex");
        input.focus();
      });
    }
    // Material renders each result link with tabindex="-1" (only the arrow keys reach them).
    if (list) {
      new MutationObserver(function () {
        list.querySelectorAll("a[tabindex='-1']").forEach(function (link) {
          link.removeAttribute("tabindex");
        });
      }).observe(list, {childList: true, subtree: true});
    }
    // Escape in the results goes back to the box (search stays open, to change the words); Escape in
    // the box closes search. (Closed at once from the results, Material would open it again as the
    // box took the focus.)
    function escape() {
      if (document.activeElement !== input) {
        input.focus();
        return;
      }
      setChecked(toggle, false);
      if (button && !inHeader.matches) {
        button.focus();
      }
    }
    // Material listens on window; this listener on document hears the key first and keeps it from there.
    document.addEventListener("keydown", function (event) {
      if (!toggle.checked || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (event.key === "Tab") {
        event.stopPropagation();  // the browser moves the focus; search closes only if it leaves (below)
      } else if (event.key === "Escape") {
        event.stopPropagation();
        event.preventDefault();
        escape();
      }
    });
    dialog.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (toggle.checked && next instanceof Node && !dialog.contains(next) && next !== button) {
        setChecked(toggle, false);
      }
    });
    // Typing in the box after Escape (a wide screen: the box keeps the focus) opens search again.
    input.addEventListener("input", function () {
      setChecked(toggle, true);
    });
  }

  function start() {
    drawer();
    search();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
