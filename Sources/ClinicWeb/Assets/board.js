// KetaClinic chair board: keeps the cards live over server-sent events (GET /board/events).
// No dependencies and no HTML built from strings: new alerts are cloned from the page's
// <template id="board-alert-template"> and filled with textContent. The page works without
// this script; it then shows the board as it was when loaded.
(function () {
  'use strict';

  var STREAM_URL = '/board/events';
  var FILTER_KEY = 'ketaclinic.board.chairs';
  var REFRESH_EVERY_MS = 30000;
  var RECONNECT_AFTER_MS = 5000;

  var board = document.getElementById('board');
  if (!board || !window.EventSource || !window.fetch) { return; }

  // "My chairs": the chosen chairs travel in the query (?chair=…); this browser remembers them, so
  // opening /board again shows the same chairs. "Show all chairs" (?all=1) forgets them.
  var query = new URLSearchParams(window.location.search);
  var chosen = query.getAll('chair');
  try {
    if (query.get('all') === '1') {
      window.localStorage.removeItem(FILTER_KEY);
    } else if (chosen.length > 0) {
      window.localStorage.setItem(FILTER_KEY, JSON.stringify(chosen));
    } else {
      var saved = JSON.parse(window.localStorage.getItem(FILTER_KEY) || '[]');
      if (Array.isArray(saved) && saved.length > 0) {
        var restored = new URLSearchParams();
        saved.forEach(function (chair) { restored.append('chair', String(chair)); });
        window.location.replace('/board?' + restored.toString() + window.location.hash);
        return;
      }
    }
  } catch (storageUnavailable) { /* the query alone keeps the filter */ }
  var filterQuery = (function () {
    var kept = new URLSearchParams();
    chosen.forEach(function (chair) { kept.append('chair', chair); });
    return kept.toString();
  }());
  var FRAGMENT_URL = '/board?' + (filterQuery ? filterQuery + '&' : '') + 'fragment=1';
  var filtered = chosen.length > 0;
  var connection = document.getElementById('board-connection');
  var clock = document.getElementById('board-clock');
  var announcer = document.getElementById('board-announcer');
  var template = document.getElementById('board-alert-template');

  var serverOffset = 0;      // server clock minus this browser's clock, in ms
  var opened = false;        // the stream has been open once: later opens are reconnections
  var refreshing = false;
  var refreshWanted = false;

  function cards() { return document.getElementById('board-cards'); }

  function cardFor(sessionID) {
    var container = cards();
    if (!container || !sessionID) { return null; }
    var id = String(sessionID).toLowerCase();
    var all = container.querySelectorAll('.chair-card[data-session-id]');
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute('data-session-id') === id) { return all[i]; }
    }
    return null;
  }

  function two(n) { return n < 10 ? '0' + n : String(n); }

  function elapsedText(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h > 0 ? h + ':' + two(m) + ':' + two(r) : m + ':' + two(r);
  }

  // Times show in the clinic's zone (as the server renders them), whatever the screen's own zone.
  var clinicZone = board.getAttribute('data-time-zone');
  var zoneFormat = null;
  try {
    if (clinicZone && window.Intl) {
      zoneFormat = new Intl.DateTimeFormat('en-GB', { timeZone: clinicZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    }
  } catch (unknownZone) { zoneFormat = null; }
  function timeOfDay(date) {
    if (zoneFormat) { return zoneFormat.format(date); }
    return two(date.getHours()) + ':' + two(date.getMinutes()) + ':' + two(date.getSeconds());
  }

  function toDate(value) { return typeof value === 'number' ? new Date(value) : new Date(String(value)); }

  function syncServerClock() {
    var container = cards();
    var generated = container ? Number(container.getAttribute('data-generated-at')) : NaN;
    if (isFinite(generated) && generated > 0) { serverOffset = generated - Date.now(); }
  }

  function tick() {
    var now = Date.now() + serverOffset;
    if (clock) {
      var date = new Date(now);
      clock.textContent = timeOfDay(date);
      clock.setAttribute('datetime', date.toISOString());
    }
    var timers = board.querySelectorAll('#board-cards [data-since]');
    for (var i = 0; i < timers.length; i++) {
      var since = Number(timers[i].getAttribute('data-since'));
      var until = timers[i].getAttribute('data-until');
      timers[i].textContent = elapsedText((until ? Number(until) : now) - since);
    }
    var countdowns = board.querySelectorAll('#board-cards [data-countdown-to]');
    for (var j = 0; j < countdowns.length; j++) {
      var left = Number(countdowns[j].getAttribute('data-countdown-to')) - now;
      countdowns[j].textContent = left > 0 ? elapsedText(left + 999) : 'done';
    }
  }

  function setConnection(state, text) {
    if (!connection) { return; }
    connection.setAttribute('data-state', state);
    var label = connection.querySelector('.connection-text');
    if (label) { label.textContent = ' ' + text; } else { connection.textContent = text; }
  }

  function announce(text) {
    if (!announcer) { return; }
    announcer.textContent = '';
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function parse(message) {
    try { return JSON.parse(message.data); } catch (e) { return null; }
  }

  function editing() {
    var active = document.activeElement, container = cards();
    if (active && container && container.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) { return true; }
    // A reading form left open with values typed in is not thrown away by a refresh.
    var open = container ? container.querySelectorAll('.card-reading[open] input[type=text]') : [];
    for (var i = 0; i < open.length; i++) { if (open[i].value) { return true; } }
    return false;
  }

  // Replaces the cards with the server's current board; waits while a nurse is filling a form.
  function refresh() {
    if (refreshing || editing()) { refreshWanted = true; return; }
    refreshing = true;
    refreshWanted = false;
    fetch(FRAGMENT_URL, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname.indexOf('/login') === 0) {
          window.location.assign('/login?next=' + encodeURIComponent('/board'));
          return null;
        }
        if (!response.ok) { throw new Error('board refresh answered ' + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('board-cards');
        var current = cards();
        if (!fresh || !current) { return; }
        if (editing()) { refreshWanted = true; return; }
        current.replaceWith(document.importNode(fresh, true));
        syncServerClock();
        tick();
      })
      .catch(function () { /* the next periodic refresh tries again */ })
      .then(function () {
        refreshing = false;
        if (refreshWanted && !editing()) { window.setTimeout(refresh, 1000); }
      });
  }

  function setVital(card, key, text) {
    var cell = card.querySelector('[data-vital="' + key + '"]');
    if (!cell) { return; }
    cell.textContent = text === null || text === undefined ? '—' : String(text);
    cell.classList.add('updated');
    window.setTimeout(function () { cell.classList.remove('updated'); }, 1500);
  }

  function shown(value, suffix) { return value === null || value === undefined ? null : value + (suffix || ''); }

  function onReading(message) {
    var event = parse(message);
    if (!event || !event.reading) { return; }
    var card = cardFor(event.sessionID);
    if (!card) { if (!filtered) { refresh(); } return; }
    // A reading entered late (taken before the one shown) does not replace the latest.
    var taken = toDate(event.reading.takenAt).getTime();
    var shownAt = Number(card.getAttribute('data-taken-at'));
    if (isFinite(shownAt) && shownAt > 0 && taken < shownAt) { return; }
    card.setAttribute('data-taken-at', String(taken));
    var v = event.reading.values || {};
    var bp = (v.systolic === undefined || v.systolic === null) && (v.diastolic === undefined || v.diastolic === null)
      ? null : (shown(v.systolic) || '—') + '/' + (shown(v.diastolic) || '—');
    setVital(card, 'bp', bp);
    setVital(card, 'heartRate', shown(v.heartRate));
    setVital(card, 'oxygenSaturation', shown(v.oxygenSaturation, '%'));
    setVital(card, 'respiratoryRate', shown(v.respiratoryRate));
    setVital(card, 'takenAt', timeOfDay(toDate(event.reading.takenAt)));
  }

  function alertItem(card, alertID) {
    var list = card.querySelector('.card-alerts');
    if (!list) { return null; }
    var items = list.querySelectorAll('[data-alert-id]');
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute('data-alert-id') === alertID) { return items[i]; }
    }
    return null;
  }

  function onAlertRaised(message) {
    var event = parse(message);
    if (!event || !event.alert) { return; }
    var card = cardFor(event.sessionID);
    if (!card && filtered) { return; }
    if (!card || !template || !template.content) { refresh(); return; }
    var alertID = String(event.alert.id).toLowerCase();
    var sessionID = card.getAttribute('data-session-id');
    if (alertItem(card, alertID)) { return; }
    var item = template.content.querySelector('.card-alert').cloneNode(true);
    item.id = 'alert-' + alertID;
    item.setAttribute('data-alert-id', alertID);
    item.querySelector('.alert-text').textContent = String(event.alert.message || '');
    var raised = toDate(event.storedAt), time = item.querySelector('.alert-raised');
    if (time) { time.textContent = timeOfDay(raised); time.setAttribute('datetime', raised.toISOString()); }
    var form = item.querySelector('form');
    if (form) {
      form.setAttribute('action', '/board/sessions/' + encodeURIComponent(sessionID) + '/alerts/' + encodeURIComponent(alertID)
        + '/acknowledge' + (filterQuery ? '?' + filterQuery : ''));
    }
    card.querySelector('.card-alerts').appendChild(item);
    card.classList.add('alerting');
    announce('Alert at ' + (card.getAttribute('data-chair') || 'a chair') + ': ' + String(event.alert.message || ''));
  }

  function onAlertAcknowledged(message) {
    var event = parse(message);
    if (!event || !event.alert) { return; }
    var card = cardFor(event.sessionID);
    if (!card) { if (!filtered) { refresh(); } return; }
    var item = alertItem(card, String(event.alert.id).toLowerCase());
    if (item) {
      if (item.contains(document.activeElement)) { document.activeElement.blur(); }
      item.parentNode.removeChild(item);
    }
    if (!card.querySelector('.card-alerts [data-alert-id]')) { card.classList.remove('alerting'); }
  }

  function onAlertEscalated(message) {
    var event = parse(message);
    if (!event || !event.alert) { return; }
    var card = cardFor(event.sessionID);
    var item = card && alertItem(card, String(event.alert.id).toLowerCase());
    if (!item) { if (card || !filtered) { refresh(); } return; }
    item.classList.add('escalated');
    var label = item.querySelector('.alert-escalated');
    if (label) { label.textContent = ' · ESCALATED'; }
    announce('Escalated alert at ' + (card.getAttribute('data-chair') || 'a chair'));
  }

  function connect() {
    var source = new EventSource(STREAM_URL);
    source.onopen = function () {
      setConnection('live', 'Live');
      if (opened) { refresh(); }   // events may have been missed while disconnected
      opened = true;
    };
    source.onerror = function () {
      setConnection('reconnecting', 'Reconnecting…');
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error answer, a sign-in redirect): try again, and check the session.
        window.setTimeout(function () { refresh(); connect(); }, RECONNECT_AFTER_MS);
      }
    };
    source.addEventListener('reading', onReading);
    source.addEventListener('alert-raised', onAlertRaised);
    source.addEventListener('alert-acknowledged', onAlertAcknowledged);
    source.addEventListener('alert-escalated', onAlertEscalated);
    source.addEventListener('phase-changed', refresh);
    source.addEventListener('record-changed', refresh);
    // The server fell behind this client and dropped events: redraw the whole board.
    source.addEventListener('resync', refresh);
    // The server is restarting or its feed had a gap: it closes the stream; reconnect and redraw.
    source.addEventListener('reconnect', function () { setConnection('reconnecting', 'Reconnecting…'); });
  }

  // A card's forms (acknowledge an alert, record a reading) post in place: the server answers the
  // card alone (?fragment=1), which replaces the card on screen, with its field errors or its
  // confirmation. The board stays where it is. Without this script the same forms post normally.
  function sendInPlace(form) {
    var card = form.closest('.chair-card');
    var kind = form.getAttribute('data-in-place');
    var action = form.getAttribute('action');
    var url = action + (action.indexOf('?') >= 0 ? '&' : '?') + 'fragment=1';
    var body = new URLSearchParams(new FormData(form)).toString();
    var button = form.querySelector('button[type=submit]');
    if (button) { button.disabled = true; }
    fetch(url, { method: 'POST', credentials: 'same-origin', cache: 'no-store',
                 headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'text/html' }, body: body })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname.indexOf('/login') === 0) {
          window.location.assign('/login?next=' + encodeURIComponent('/board'));
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        var parsed = new DOMParser().parseFromString(html, 'text/html');
        var fresh = parsed.querySelector('article.chair-card');
        if (fresh && card && !parsed.getElementById('board-cards')) {
          var node = document.importNode(fresh, true);
          card.replaceWith(node);
          tick();
          var invalid = node.querySelector('[aria-invalid=true]');
          var status = node.querySelector('.card-status');
          if (invalid) {
            invalid.focus();
          } else if (kind === 'vitals' && node.querySelector('.card-reading')) {
            node.querySelector('.card-reading > summary').focus();
          } else if (status) {
            status.setAttribute('tabindex', '-1');
            status.focus();
          }
          var text = status ? status.textContent.trim() : '';
          if (text) { announce((node.getAttribute('data-chair') || '') + ': ' + text); }
        } else {
          var all = parsed.getElementById('board-cards'), current = cards();
          if (all && current) { current.replaceWith(document.importNode(all, true)); syncServerClock(); tick(); }
        }
      })
      .catch(function () {
        // The network failed: post the form the ordinary way, so nothing typed is lost silently.
        form.removeAttribute('data-in-place');
        form.submit();
      })
      .then(function () { if (button) { button.disabled = false; } });
  }

  board.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-in-place')) { return; }
    event.preventDefault();
    sendInPlace(form);
  });

  board.addEventListener('focusout', function () {
    window.setTimeout(function () { if (refreshWanted && !editing()) { refresh(); } }, 0);
  });
  syncServerClock();
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(refresh, REFRESH_EVERY_MS);
  connect();
}());
