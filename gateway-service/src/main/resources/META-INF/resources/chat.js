// Capsule web chat: one socket to the gateway (/ws/chat), one session shown at a time.
//
// Sign-in: a token from the URL fragment (#access_token=…, how a deployment's identity
// provider hands it over), else one kept in this tab, else the local stack's dev token
// (GET /auth/dev-token, which answers 404 in production), else a sign-in form. The token goes to
// the socket as a subprotocol, access_token.<token> beside capsule (browsers cannot set headers on a
// WebSocket, and a URL would put the token in proxies' logs), and to the API as an Authorization header.
//
// Resume: the page remembers the last seq (and its time) it showed for the session. After a
// drop it reconnects, to whichever gateway replica answers, and sends {"type":"resume",after,
// since}: the gateway sends everything after that seq once, then live events. A reload shows
// the history from the API, then resumes after the history's last seq.
import { renderMarkdown } from './markdown.js';

const $ = (id) => document.getElementById(id);
const transcript = $('transcript');
const statusLine = $('status');
const connectionLine = $('connection');
const input = $('message');
const sendButton = $('send');
const stopButton = $('stop');

const SESSION_KEY = 'capsule.session';
const TOKEN_KEY = 'capsule.token';
const SINCE_KEY = 'capsule.since.';
const NOTIFY_MS = 8000;

const state = {
  token: null,
  devSignIn: false,
  sessionId: null,
  socket: null,
  open: false,
  attempts: 0,
  lastSeq: 0,          // the last seq shown for the session
  lastAt: null,        // the server's time of that event, or of the last message accepted
  streams: new Map(),  // streamId -> { item, text, ended }
  pending: new Map(),  // clientId -> user message item, until the gateway accepts it
  outbox: [],          // frames written while the socket was down, sent once it is back
  running: new Set(),  // messageIds whose turns have not ended
  answered: new Set(), // messageIds whose turns have sent events
  reloading: null,     // events held while the history is being reloaded
  notifyTimer: null,
  stick: true,         // whether new messages scroll into view
};

// --- Sign-in. ------------------------------------------------------------------------------

async function signIn() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('access_token')) {
    sessionStorage.setItem(TOKEN_KEY, fragment.get('access_token'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept && !expired(kept)) return kept;
  try {
    const r = await fetch('/auth/dev-token', { cache: 'no-store' });
    if (r.ok) {
      state.devSignIn = true;
      return (await r.json()).token;
    }
  } catch (e) {
    // the gateway is not reachable: the form below, and the connection line, say so
  }
  return null;
}

function expired(token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims.exp === 'number' && claims.exp * 1000 < Date.now();
  } catch (e) {
    return true;
  }
}

function askForToken() {
  $('sign-in').hidden = false;
  $('composer').hidden = true;
  setConnection('signed-out', 'Not signed in');
  $('token').focus();
  return new Promise((resolve) => {
    $('sign-in-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      sessionStorage.setItem(TOKEN_KEY, token);
      $('sign-in').hidden = true;
      $('composer').hidden = false;
      resolve(token);
    }, { once: true });
  });
}

async function api(path, options = {}) {
  const r = await fetch(path, {
    ...options,
    headers: { Authorization: 'Bearer ' + state.token, Accept: 'application/json', ...(options.headers || {}) },
  });
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    throw Object.assign(new Error(body.error || body.message || r.statusText), { status: r.status });
  }
  return r.json();
}

// --- Sessions and history. -----------------------------------------------------------------

async function newChat() {
  const { sessionId } = await api('/api/sessions', { method: 'POST' });
  if (state.sessionId) localStorage.removeItem(SINCE_KEY + state.sessionId);
  state.outbox = [];
  startSession(sessionId);
  transcript.replaceChildren();
  follow();
  input.focus();
}

function startSession(sessionId) {
  state.sessionId = sessionId;
  localStorage.setItem(SESSION_KEY, sessionId);
  state.lastSeq = 0;
  state.lastAt = null;
  state.streams.clear();
  state.running.clear();
  state.pending.clear();
  clearStatus();
  updateStop();
}

/** Shows the session's history (every page, oldest first); answers the last seq it holds. */
async function loadHistory() {
  const rows = [];
  let offset = 0;
  for (let page = 0; page < 20 && offset !== undefined; page++) {
    const p = await api(`/api/sessions/${encodeURIComponent(state.sessionId)}/history?limit=500&offset=${offset}`);
    rows.push(...p.messages);
    offset = p.nextOffset;
  }
  transcript.replaceChildren();
  state.streams.clear();
  let seq = 0;
  let at = null;
  for (const m of rows) {
    if (m.role === 'user') {
      addMessage('user', m.text);
    } else if (m.kind === 'block' && m.block) {
      addBlock(m.block);
    } else {
      addMessage('app', m.text);
    }
    if (m.seq && m.seq > seq) {
      seq = m.seq;
      at = m.at;
    }
    at = at ?? m.at;
  }
  return { seq, at, empty: rows.length === 0 };
}

// --- The socket. ---------------------------------------------------------------------------

function connect() {
  const url = new URL('/ws/chat', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url, ['capsule', 'access_token.' + state.token]);
  state.socket = socket;
  socket.addEventListener('open', () => {
    state.open = true;
    state.attempts = 0;
    setConnection('open', 'Connected');
    follow();
    for (const { frame, item } of state.outbox.splice(0)) {
      socket.send(frame);
      item.dataset.state = 'sending';
    }
  });
  socket.addEventListener('message', (e) => onFrame(JSON.parse(e.data)));
  socket.addEventListener('close', () => {
    if (state.socket !== socket) return;
    state.open = false;
    // Messages sent but not yet accepted may or may not have reached Kafka: say so, never send twice.
    for (const [clientId, item] of state.pending) {
      if (item.dataset.state === 'sending') {
        markUnconfirmed(item);
        state.pending.delete(clientId);
      }
    }
    const delay = Math.min(5000, 250 * 2 ** state.attempts++) + Math.random() * 250;
    setConnection('reconnecting', 'Reconnecting…');
    setTimeout(reconnect, delay);
  });
}

async function reconnect() {
  if (expired(state.token)) {
    // The gateway closes a socket when its token expires: sign in again (the dev token, else the form).
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = (await signIn()) ?? (await askForToken());
  } else if (state.devSignIn && state.attempts > 2) {
    // ./capsule up may have written a new dev token since.
    state.token = (await signIn()) ?? state.token;
  }
  connect();
}

/** Follows the current session: resumes after the last seq shown, or just follows a new one. */
function follow() {
  if (!state.open || !state.sessionId) return;
  if (state.lastSeq > 0 || state.lastAt) {
    state.socket.send(JSON.stringify({ type: 'resume', sessionId: state.sessionId, after: state.lastSeq, since: state.lastAt }));
  } else {
    state.socket.send(JSON.stringify({ type: 'follow', sessionId: state.sessionId }));
  }
}

/** Sends what the user typed; "/link <code>" confirms a link code another channel showed, and is not sent. */
function sendMessage(text) {
  if (!text.trim()) return;
  const link = LINK_CODE.exec(text.trim());
  if (link) {
    confirmLink(link[1]);
    return;
  }
  send({ text }, text);
}

/**
 * The Connect button: posts the link's ticket with the user's token, which proves who connects (the gateway refuses a
 * web chat ticket without it), then goes to the provider's consent page it answers with.
 */
async function startConnect(url) {
  const target = new URL(url, location.href);
  try {
    const r = await fetch(target.pathname, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer ' + state.token,
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ ticket: target.searchParams.get('ticket') || '' }),
    });
    if (!r.ok) {
      throw new Error(r.status === 410 ? 'the link has expired or was used; ask again' : r.status === 403
        ? 'the link was made for another user' : 'the gateway answered ' + r.status);
    }
    location.href = (await r.json()).location;
  } catch (e) {
    addNote('Could not connect: ' + e.message);
  }
}

// The code a named channel's /link shows (docs/integrations.md): typed here, it makes that channel's conversations this
// user's. The runtime owns the command, on both sides.
const LINK_CODE = /^\/link\s+([A-Za-z0-9]{4}-?[A-Za-z0-9]{4})$/i;

async function confirmLink(code) {
  try {
    const linked = await api('/api/identity/links', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    addNote('Linked ' + linked.channelUserId + ': its conversations are yours now.');
  } catch (e) {
    addNote('Not linked: ' + e.message);
  }
}

/**
 * Sends the press of a card's button as an action, not as text: the app gets the button's value to act on,
 * and the transcript shows its label, as the history will after a reload.
 */
function sendAction(value, label) {
  send({ action: { value, label } }, label);
}

/** Sends a message now, or once the socket is back: written while it was down, it waits in the outbox. */
function send(content, shown) {
  const clientId = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
  const item = addMessage('user', shown);
  state.pending.set(clientId, item);
  const frame = JSON.stringify({ type: 'message', sessionId: state.sessionId, ...content, clientId });
  if (state.open) {
    state.socket.send(frame);
    item.dataset.state = 'sending';
  } else {
    item.dataset.state = 'queued';
    state.outbox.push({ frame, item });
  }
}

// --- Frames from the gateway. --------------------------------------------------------------

function onFrame(frame) {
  if (frame.sessionId && frame.sessionId !== state.sessionId) return; // an older chat of this tab
  if (state.reloading && typeof frame.seq === 'number') {
    state.reloading.push(frame);
    return;
  }
  if (typeof frame.seq === 'number') {
    if (frame.seq <= state.lastSeq) return; // shown already
    state.lastSeq = frame.seq;
    state.lastAt = frame.timestamp ?? state.lastAt;
    if (statusLine.dataset.waiting === frame.inReplyTo) clearStatus(); // the answer has begun
    if (state.answered.size > 1000) state.answered.clear();
    state.answered.add(frame.inReplyTo);
  }
  switch (frame.type) {
    case 'accepted': {
      const item = state.pending.get(frame.clientId);
      state.pending.delete(frame.clientId);
      if (item) item.dataset.state = 'sent';
      if (!state.lastAt) state.lastAt = frame.at;
      // A reload before the history has this message resumes from here.
      if (!localStorage.getItem(SINCE_KEY + state.sessionId)) localStorage.setItem(SINCE_KEY + state.sessionId, frame.at);
      // The answer's first events may arrive before this acknowledgement: then it has begun already.
      if (!state.answered.has(frame.messageId)) {
        state.running.add(frame.messageId);
        if (!statusLine.textContent) {
          showStatus('Thinking…', 0); // until the answer begins
          statusLine.dataset.waiting = frame.messageId;
        }
      }
      break;
    }
    case 'reply':
      addMessage('app', frame.text);
      break;
    case 'stream.chunk':
      onChunk(frame);
      break;
    case 'stream.end':
      onStreamEnd(frame);
      break;
    case 'notify':
      showStatus(frame.text);
      statusLine.dataset.turn = frame.inReplyTo;
      break;
    case 'show':
      addBlock(frame.block);
      break;
    case 'turn.failed':
      addError(frame.message || 'Something went wrong with that message. Please try again.');
      endTurn(frame);
      break;
    case 'turn.ended':
      endTurn(frame);
      break;
    case 'resumed':
      if (!frame.complete) reloadHistory();
      break;
    case 'error':
      // A new chat left empty past its id's time to live: the follow found no session, the first message claims it again.
      if (frame.status === 404 && state.lastSeq === 0 && !transcript.hasChildNodes()) break;
      addError(frame.message || 'The message was refused.');
      break;
    default:
      break; // a newer event type: ignored, as the contract's additive changes allow
  }
}

function onChunk(chunk) {
  let stream = state.streams.get(chunk.streamId);
  if (stream?.stopped) return;
  if (!stream) {
    const item = addMessage('app', '');
    item.dataset.stream = chunk.streamId;
    item.setAttribute('aria-busy', 'true');
    stream = { item, text: '', count: 0, ended: false, inReplyTo: chunk.inReplyTo };
    state.streams.set(chunk.streamId, stream);
  }
  if (chunk.index !== stream.count) {
    console.warn(`stream ${chunk.streamId}: chunk ${chunk.index} arrived where ${stream.count} was due`);
    stream.item.dataset.gap = 'true';
  }
  stream.count++;
  stream.text += chunk.text;
  stream.item.dataset.streaming = 'true';
  updateStop();
  renderSoon(stream);
}

/**
 * Renders a growing stream at most once per frame: chunks arrive faster than a screen shows them,
 * and rendering the whole text again for each one would cost the page more the longer the answer.
 */
function renderSoon(stream) {
  if (stream.renderPending) return;
  stream.renderPending = true;
  requestAnimationFrame(() => {
    stream.renderPending = false;
    if (stream.stopped || stream.ended) return; // the end (or Stop) has rendered it for good
    renderInto(stream.item, stream.text);
    scrollDown();
  });
}

function onStreamEnd(end) {
  let stream = state.streams.get(end.streamId);
  if (stream?.stopped) return;
  if (!stream) {
    stream = { item: addMessage('app', ''), count: 0, ended: true };
    state.streams.set(end.streamId, stream);
  }
  stream.ended = true;
  if (stream.text !== end.text && stream.count > 0) {
    // Chunks missing or doubled would show here; the whole text, kept with the end, wins.
    console.warn(`stream ${end.streamId}: the chunks shown differ from the whole text; showing the whole text`);
    stream.item.dataset.repaired = 'true';
  }
  stream.item.dataset.chunks = String(stream.count ?? 0);
  stream.text = end.text;
  renderInto(stream.item, end.text);
  delete stream.item.dataset.streaming;
  stream.item.removeAttribute('aria-busy');
  if (end.cancelled) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = 'Stopped';
    stream.item.append(note);
  }
  updateStop();
}

function endTurn(event) {
  state.running.delete(event.inReplyTo);
  // A turn that failed mid-stream may leave its stream without an end: it ends with the turn.
  for (const s of state.streams.values()) {
    if (!s.ended && s.inReplyTo === event.inReplyTo) {
      s.ended = true;
      renderInto(s.item, s.text); // what arrived, all of it: a render may still have been pending
      delete s.item.dataset.streaming;
      s.item.removeAttribute('aria-busy');
    }
  }
  if (statusLine.dataset.turn === event.inReplyTo || state.running.size === 0) clearStatus();
  updateStop();
}

async function reloadHistory() {
  state.reloading = [];
  try {
    const { seq } = await loadHistory();
    const held = state.reloading;
    state.reloading = null;
    state.lastSeq = Math.max(seq, 0);
    held.filter((f) => f.seq > seq).forEach(onFrame);
  } catch (e) {
    state.reloading = null;
    addError('The conversation could not be reloaded: ' + e.message);
  }
}

// --- Rendering. ----------------------------------------------------------------------------

function addMessage(role, text) {
  const item = document.createElement('li');
  item.className = 'message ' + role;
  const who = document.createElement('span');
  who.className = 'visually-hidden';
  who.textContent = role === 'user' ? 'You: ' : 'Assistant: ';
  item.append(who);
  const body = document.createElement('div');
  body.className = 'body';
  item.append(body);
  if (role === 'user') {
    body.textContent = text; // what the user typed, shown as typed
  } else {
    body.append(renderMarkdown(text));
  }
  transcript.append(item);
  scrollDown(role === 'user');
  return item;
}

function renderInto(item, text) {
  item.querySelector('.body').replaceChildren(renderMarkdown(text));
}

function addError(text) {
  addLine('error', 'alert', text);
}

/** A line of the page's own in the transcript (not a message of the conversation: a reload does not show it). */
function addNote(text) {
  addLine('note', 'status', text);
}

function addLine(kind, role, text) {
  const item = document.createElement('li');
  item.className = 'message ' + kind;
  item.setAttribute('role', role);
  item.textContent = text;
  transcript.append(item);
  scrollDown();
}

function markUnconfirmed(item) {
  item.dataset.state = 'unconfirmed';
  item.title = 'The connection dropped while this was being sent: it may not have arrived.';
  const note = document.createElement('p');
  note.className = 'note';
  note.textContent = 'May not have been sent';
  item.append(note);
}

/** A show block as a card: task cards, choice lists and integration prompts; any other kind as its fallback text. */
function addBlock(block) {
  const item = addMessage('app', '');
  const body = item.querySelector('.body');
  const card = document.createElement('article');
  card.className = 'card ' + (block.kind || '');
  const heading = document.createElement('h3');
  const headingId = 'card-' + Math.random().toString(36).slice(2);
  heading.id = headingId;
  card.setAttribute('aria-labelledby', headingId);
  card.append(heading);
  let buttons = [];
  if (block.kind === 'task_card') {
    heading.textContent = block.title;
    const status = document.createElement('span');
    status.className = 'badge';
    status.textContent = block.status;
    heading.append(' ', status);
    if (Array.isArray(block.fields) && block.fields.length) {
      const dl = document.createElement('dl');
      for (const f of block.fields) {
        const dt = document.createElement('dt');
        dt.textContent = f.label;
        const dd = document.createElement('dd');
        dd.textContent = f.value;
        dl.append(dt, dd);
      }
      card.append(dl);
    }
    buttons = (block.actions || []).map((a) => button(a.label, a.value));
  } else if (block.kind === 'choice_list') {
    heading.textContent = block.prompt;
    buttons = (block.choices || []).map((c) => button(c.label, c.value));
  } else if (block.kind === 'integration_prompt') {
    heading.textContent = block.text || block.label || block.fallbackText || block.kind;
    if (webUrl(block.url) && block.label) {
      const link = document.createElement('a');
      link.className = 'button';
      link.setAttribute('href', block.url);
      link.textContent = block.label;
      link.dataset.integration = block.integration || '';
      link.addEventListener('click', (event) => {
        event.preventDefault();
        startConnect(block.url);
      });
      const row = document.createElement('div');
      row.className = 'actions';
      row.append(link);
      card.append(row);
    }
  } else {
    heading.textContent = block.fallbackText || block.kind || 'Block';
  }
  if (buttons.length) {
    const row = document.createElement('div');
    row.className = 'actions';
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', heading.textContent);
    row.append(...buttons);
    card.append(row);
    buttons.forEach((b) => b.addEventListener('click', () => {
      buttons.forEach((other) => { other.disabled = true; });
      b.setAttribute('aria-pressed', 'true');
      sendAction(b.dataset.value, b.textContent);
      input.focus();
    }));
  }
  body.append(card);
  return item;
}

/** Whether `url` is an absolute http(s) address: a javascript: or data: link would run in the chat's page. */
function webUrl(url) {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function button(label, value) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.value = value;
  return b;
}

/** A passing status line (notify); it goes after a while, or when its turn ends. */
function showStatus(text, ms = NOTIFY_MS) {
  statusLine.textContent = text;
  clearTimeout(state.notifyTimer);
  if (ms) state.notifyTimer = setTimeout(clearStatus, ms);
}

function clearStatus() {
  clearTimeout(state.notifyTimer);
  statusLine.textContent = '';
  delete statusLine.dataset.waiting;
  delete statusLine.dataset.turn;
}

function updateStop() {
  const streaming = [...state.streams.values()].some((s) => !s.ended);
  stopButton.hidden = !streaming;
}

function setConnection(name, text) {
  document.body.dataset.connection = name;
  connectionLine.textContent = text;
}

/** Keeps the newest message in view, unless the user has scrolled up to read (their own message scrolls anyway). */
function scrollDown(force = false) {
  if (force || state.stick) transcript.scrollTop = transcript.scrollHeight;
}

transcript.addEventListener('scroll', () => {
  state.stick = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
});

// --- Input. --------------------------------------------------------------------------------

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  sendMessage(input.value);
  input.value = '';
  input.style.height = '';
  input.focus();
});

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $('composer').requestSubmit();
  } else if (e.key === 'Escape' && !stopButton.hidden) {
    e.preventDefault();
    stop();
  }
});

input.addEventListener('input', () => {
  input.style.height = '';
  input.style.height = Math.min(input.scrollHeight, 200) + 'px';
});

/**
 * Stops the answers still streaming: the page asks the gateway to cancel each one's turn (the
 * handler is interrupted and the stream ends as cancelled, in the history too), and at once stops
 * showing them: what arrived stays, marked as stopped.
 */
function stop() {
  for (const s of state.streams.values()) {
    if (!s.ended) {
      if (s.inReplyTo && state.socket?.readyState === WebSocket.OPEN) {
        state.socket.send(JSON.stringify({ type: 'cancel', sessionId: state.sessionId, messageId: s.inReplyTo }));
      }
      s.ended = true;
      s.stopped = true;
      delete s.item.dataset.streaming;
      s.item.removeAttribute('aria-busy');
      s.item.dataset.stopped = 'true';
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = 'Stopped';
      s.item.append(note);
    }
  }
  updateStop();
  scrollDown();
  input.focus();
}

stopButton.addEventListener('click', stop);

document.querySelector('.skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  input.focus();
});

/**
 * Closes the conversation (DELETE /api/sessions/{id}): the app's exit() runs once, after any answer still
 * coming, and what it says still shows here. The session stays on the page: writing again opens a new life.
 */
async function endChat() {
  if (!state.sessionId) return;
  const r = await fetch('/api/sessions/' + encodeURIComponent(state.sessionId), {
    method: 'DELETE', headers: { Authorization: 'Bearer ' + state.token },
  });
  if (r.status !== 202) {
    const body = await r.json().catch(() => ({}));
    throw new Error(body.message || r.statusText);
  }
  addNote('Chat ended. Write again to start it anew.');
}

$('end-chat').addEventListener('click', () => {
  endChat().catch((e) => addError('The chat could not be ended: ' + e.message));
});

$('new-chat').addEventListener('click', () => {
  newChat().catch((e) => addError('A new chat could not be started: ' + e.message));
});

// --- Start. --------------------------------------------------------------------------------

async function start() {
  state.token = (await signIn()) ?? (await askForToken());
  const kept = localStorage.getItem(SESSION_KEY);
  if (kept) {
    startSession(kept);
    try {
      const { seq, at, empty } = await loadHistory();
      state.lastSeq = seq;
      state.lastAt = empty ? localStorage.getItem(SINCE_KEY + kept) : at;
    } catch (e) {
      if (e.status === 403 || e.status === 404 || e.status === 400) {
        await newChat(); // another user's session, one that lapsed unused, or an id from an older version: start afresh
      } else {
        addError('The conversation could not be loaded: ' + e.message);
      }
    }
  } else {
    await newChat();
  }
  connect();
  document.body.dataset.ready = 'true';
}

start().catch((e) => addError('The chat could not start: ' + e.message));
