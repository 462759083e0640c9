// The room client: shows messages strictly in room order, fills gaps, resends what was not
// acknowledged (the server stores a retried message once), and catches up after a reconnect.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('room-config').textContent);
  var list = document.getElementById('messages');
  var older = document.getElementById('older');
  var form = document.getElementById('composer');
  var input = document.getElementById('body');
  var errorBox = document.getElementById('send-error');
  var typingBox = document.getElementById('typing');
  var connection = document.getElementById('connection');
  var onlineList = document.getElementById('online');

  var lastSeq = null;        // the highest number shown with nothing missing before it
  var firstSeq = null;       // the oldest number shown (for scrolling back)
  var pending = {};          // messages received ahead of a gap, by number
  var outbox = [];           // messages sent but not yet acknowledged
  var syncing = false;
  var typingTimer = null, typingPeople = {};

  var socket = io({transports: ['websocket', 'polling']});

  function fill(template, params) {
    return template.replace(/%\((\w+)\)[sd]/g, function (_, key) {
      var value = params[key];
      return value in cfg.params ? cfg.params[value] : (value === undefined ? '' : String(value));
    });
  }

  // Every time on the platform is Beijing time; say so when this browser keeps another zone.
  var beijingParts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  });
  function beijingTime(iso) {
    var when = new Date(iso);
    var p = {};
    beijingParts.formatToParts(when).forEach(function (part) { p[part.type] = part.value; });
    var text = p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
    return when.getTimezoneOffset() === -480 ? text : text + ' (' + cfg.texts.beijing + ')';
  }

  // Why the text box is closed to this user (the server's reason on arrival, then live changes).
  var blocked = {closed: !cfg.is_open && !cfg.is_mediator, muted: cfg.muted};
  function showBlocked() {
    var reason = cfg.inactive || (blocked.muted ? cfg.texts.muted : (blocked.closed ? cfg.texts.not_open : ''));
    var box = document.getElementById('cannot-post');
    box.querySelector('span').textContent = reason;
    box.classList.toggle('d-none', !reason);
    [input, document.getElementById('send'), document.getElementById('file')].forEach(function (el) { el.disabled = !!reason; });
    document.getElementById('attach').classList.toggle('disabled', !!reason);
  }

  function render(m) {
    var row = document.createElement('div');
    row.className = 'msg mb-2';
    row.dataset.seq = m.seq;
    var bubble = document.createElement('div');
    bubble.className = 'bubble';
    if (m.kind === 'system') {
      row.classList.add('system');
      var data = {};
      try { data = JSON.parse(m.body); } catch (e) { data = {code: null}; }
      bubble.textContent = cfg.system[data.code] ? fill(cfg.system[data.code], data.params || {}) : m.body;
      var target = (data.params || {}).link;
      if (typeof target === 'string' && /^\/[^\/]/.test(target)) {   // a page of the platform only
        var open = document.createElement('a');
        open.href = target;
        open.className = 'ms-1';
        open.textContent = '→';
        bubble.appendChild(open);
      }
    } else {
      if (m.sender && m.sender.id === cfg.me) row.classList.add('mine');
      var meta = document.createElement('div');
      meta.className = 'small text-secondary';
      meta.textContent = (m.sender ? m.sender.name : '') + ' · ' + beijingTime(m.created_at);
      row.appendChild(meta);
      if (m.kind === 'file') {
        var link = document.createElement('a');
        link.href = cfg.file_url.replace(/0$/, m.id);
        link.textContent = '📎 ' + m.file.name + ' (' + Math.round(m.file.size / 1024) + ' KB)';
        bubble.appendChild(link);
      } else {
        bubble.textContent = m.body;   // text, never markup
      }
    }
    row.appendChild(bubble);
    return row;
  }

  function atBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight < 80; }

  function append(m) {
    var stick = atBottom();
    list.insertBefore(render(m), list.querySelector('.msg.pending'));   // before what is still sending
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function accept(m) {
    if (lastSeq === null || m.seq <= lastSeq) return;     // already shown
    if (m.seq > lastSeq + 1) { pending[m.seq] = m; requestSync(); return; }
    ownMessageArrived(m);
    append(m);
    lastSeq = m.seq;
    while (pending[lastSeq + 1]) { var next = pending[lastSeq + 1]; delete pending[lastSeq + 1]; ownMessageArrived(next); append(next); lastSeq = next.seq; }
    markRead();
  }

  function requestSync() {
    if (syncing || lastSeq === null) return;
    syncing = true;
    socket.emit('sync', {room_id: cfg.room_id, after_seq: lastSeq}, function (res) {
      syncing = false;
      if (!res || !res.ok) return;
      res.messages.forEach(accept);
      if (res.more) requestSync();
    });
  }

  var readTimer = null;
  function markRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      if (lastSeq) socket.emit('read', {room_id: cfg.room_id, seq: lastSeq});
    }, 500);
  }

  function showOnline(people) {
    onlineList.innerHTML = '';
    people.forEach(function (p) {
      var li = document.createElement('li');
      li.innerHTML = '<i class="bi bi-circle-fill text-success presence-dot"></i> ';
      li.appendChild(document.createTextNode(p.name));
      onlineList.appendChild(li);
    });
  }

  function join() {
    var payload = {room_id: cfg.room_id};
    if (lastSeq !== null) payload.last_seq = lastSeq;   // coming back: everything after what we saw
    socket.emit('join', payload, function (res) {
      if (!res || !res.ok) { showError(res ? res.error : ''); return; }
      connection.classList.add('d-none');
      setOpen(res.is_open);
      showOnline(res.online);
      if (lastSeq === null) {
        lastSeq = res.messages.length ? res.messages[0].seq - 1 : res.last_seq;
        firstSeq = res.messages.length ? res.messages[0].seq : res.last_seq + 1;
        older.classList.toggle('d-none', firstSeq <= 1);
      }
      res.messages.forEach(accept);
      if (res.more || (lastSeq < res.last_seq)) requestSync();
      outbox.slice().forEach(function (item) { item.tries = 0; transmit(item); });   // resend what was not acknowledged
    });
  }

  function setOpen(isOpen) {
    var badge = document.getElementById('room-state');
    badge.textContent = isOpen ? cfg.texts.open : cfg.texts.closed;
    badge.className = 'badge ' + (isOpen ? 'text-bg-success' : 'text-bg-secondary');
  }

  function showError(text) {
    errorBox.textContent = text || '';
    errorBox.classList.toggle('d-none', !text);
  }

  // Sending: each message waits in the outbox, shown as "sending…", until the server answers. No
  // answer within SEND_TIMEOUT, or "busy": sent again with the same client id (stored once);
  // after SEND_ATTEMPTS the row says it was not sent and offers to try again. A reconnect resends
  // everything still waiting.
  var SEND_TIMEOUT = cfg.send_timeout_ms || 5000, SEND_ATTEMPTS = 3;

  function pendingRow(item) {
    var row = document.createElement('div');
    row.className = 'msg mine mb-2 pending';
    row.dataset.clientId = item.client_id;
    row.dataset.testid = 'pending';
    var meta = document.createElement('div');
    meta.className = 'small text-secondary';
    var status = document.createElement('span');
    status.className = 'status';
    meta.appendChild(status);
    var again = document.createElement('button');
    again.type = 'button';
    again.className = 'btn btn-sm btn-link p-0 ms-2 d-none retry';
    again.textContent = cfg.texts.retry;
    again.addEventListener('click', function () { item.tries = 0; transmit(item); });
    meta.appendChild(again);
    var bubble = document.createElement('div');
    bubble.className = 'bubble opacity-75';
    bubble.textContent = item.body;
    row.appendChild(meta);
    row.appendChild(bubble);
    return row;
  }

  function setState(item, state) {
    item.state = state;
    var failed = state === 'failed';
    item.row.dataset.state = state;
    item.row.querySelector('.status').textContent = failed ? cfg.texts.not_sent : cfg.texts.sending;
    item.row.querySelector('.status').className = 'status' + (failed ? ' text-danger fw-semibold' : '');
    item.row.querySelector('.retry').classList.toggle('d-none', !failed);
  }

  function finish(item) {
    item.done = true;
    clearTimeout(item.timer);
    var i = outbox.indexOf(item);
    if (i >= 0) outbox.splice(i, 1);
    if (item.row.parentNode) item.row.parentNode.removeChild(item.row);
  }

  function stored(item, seq) {
    finish(item);
    showError('');
    // Normally the message itself arrives at once; if it was lost on the way, fetch it.
    setTimeout(function () { if (lastSeq !== null && lastSeq < seq) requestSync(); }, 1000);
  }

  function transmit(item) {
    if (item.done) return;
    clearTimeout(item.timer);
    setState(item, 'sending');
    if (!socket.connected) return;            // join() sends it again once reconnected
    var attempt = item.attempt = (item.attempt || 0) + 1;
    item.tries = (item.tries || 0) + 1;
    socket.timeout(SEND_TIMEOUT).emit('send', {room_id: cfg.room_id, client_id: item.client_id, body: item.body}, function (err, res) {
      if (item.done) return;
      if (!err && res && res.ok) { stored(item, res.seq); return; }   // any attempt's answer will do
      if (attempt !== item.attempt) return;    // a later attempt is on its way
      if (!err && res && res.code !== 'busy') {  // refused, with the reason: give the text back
        finish(item);
        showError(res.error);
        if (!input.value) input.value = item.body;
        return;
      }
      if (item.tries >= SEND_ATTEMPTS) { setState(item, 'failed'); return; }
      item.timer = setTimeout(function () { transmit(item); }, err ? 0 : 1000 + Math.random() * 2000);
    });
  }

  function ownMessageArrived(m) {
    if (!m.client_id || !m.sender || m.sender.id !== cfg.me) return;
    outbox.filter(function (item) { return item.client_id === m.client_id; }).forEach(finish);
  }

  function newId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = input.value.trim();
    if (!body) return;
    var item = {client_id: newId(), body: body};
    item.row = pendingRow(item);
    outbox.push(item);
    list.appendChild(item.row);
    list.scrollTop = list.scrollHeight;
    input.value = '';
    transmit(item);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener('input', function () {
    if (!typingTimer) socket.emit('typing', {room_id: cfg.room_id, typing: true});
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingTimer = null; socket.emit('typing', {room_id: cfg.room_id, typing: false}); }, 2000);
  });

  document.getElementById('file').addEventListener('change', function (e) {
    var file = e.target.files[0];
    if (!file) return;
    var data = new FormData();
    data.append('file', file);
    data.append('client_id', newId());
    fetch(cfg.upload_url, {method: 'POST', body: data, headers: {'X-CSRFToken': cfg.csrf}, credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (res) { showError(res.ok ? '' : res.error); })
      .catch(function () { showError(cfg.texts.failed); });
    e.target.value = '';
  });

  older.addEventListener('click', function () {
    socket.emit('history', {room_id: cfg.room_id, before_seq: firstSeq}, function (res) {
      if (!res || !res.ok || !res.messages.length) { older.classList.add('d-none'); return; }
      var height = list.scrollHeight;
      var anchor = older.parentNode.nextSibling;
      res.messages.forEach(function (m) { list.insertBefore(render(m), anchor); });
      firstSeq = res.messages[0].seq;
      list.scrollTop += list.scrollHeight - height;
      older.classList.toggle('d-none', !res.more);
    });
  });

  socket.on('connect', join);
  socket.on('disconnect', function () { connection.classList.remove('d-none'); });
  socket.on('connect_error', function () {
    // Refused by the server (busy, or connecting too often): it does not retry by itself.
    connection.classList.remove('d-none');
    if (!socket.active) setTimeout(function () { socket.connect(); }, 2000 + Math.random() * 3000);
  });
  socket.io.on('reconnect_attempt', function () { connection.classList.remove('d-none'); });
  socket.on('msg', function (m) { if (m.room_id === cfg.room_id) accept(m); });
  socket.on('notification', function () {
    var badge = document.getElementById('bell-count');
    if (badge) { badge.textContent = String(Number(badge.textContent || 0) + 1); badge.classList.remove('d-none'); }
  });
  socket.on('presence', function (p) { if (p.room_id === cfg.room_id) showOnline(p.online); });
  socket.on('room_state', function (s) {
    if (s.room_id !== cfg.room_id) return;
    setOpen(s.is_open);
    if (!cfg.is_mediator) { blocked.closed = !s.is_open; showBlocked(); }
  });
  socket.on('muted', function (u) {
    if (u.room_id === cfg.room_id && u.user_id === cfg.me) { blocked.muted = u.muted; showBlocked(); }
  });
  socket.on('typing', function (t) {
    if (t.room_id !== cfg.room_id) return;
    if (t.typing) typingPeople[t.user.id] = t.user.name; else delete typingPeople[t.user.id];
    var names = Object.keys(typingPeople).map(function (k) { return typingPeople[k]; });
    typingBox.textContent = names.length ? fill(cfg.texts.typing, {name: names.join(', ')}) : '\u00a0';
  });
  socket.on('move', function (mv) {
    // Asked of the members who may enter the other room (a caucus is its own side's), not of the
    // mediator who moved: that mediator's own page is already on its way there.
    if (mv.room_id !== cfg.room_id || mv.by === cfg.me || cfg.may_enter.indexOf(mv.to_room_id) < 0) return;
    if (window.confirm(cfg.texts.moved)) {
      window.location = cfg.move_url.replace(/0$/, mv.to_room_id);
    }
  });
})();
