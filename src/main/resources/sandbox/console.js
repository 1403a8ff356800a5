'use strict';
// The sandbox console. The client pane is a bot: it calls the gateway's bot API (/api/v1) with the key
// shown and long-polls the conversation's events. The operator pane calls /sandbox/console/api, which acts
// on the LiveChat and LiveTex simulators as an agent would; their webhooks then reach the gateway.
(() => {
  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const client = { conversationId: null, after: 0, polling: null, sent: 0, mode: 'bot' };
  const dialogflowMode = () => client.mode === 'dialogflow';
  const operator = { selected: null, chatsText: '', chatText: '', chat: null, busy: false };

  // ------------------------------------------------------------ helpers

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null) continue;
      if (name === 'className') node.className = value;
      else if (name.startsWith('data-')) node.setAttribute(name, value);
      else node[name] = value;
    }
    for (const child of children) {
      if (child !== undefined && child !== null) node.append(child); // strings become text nodes: no HTML injection
    }
    return node;
  }

  async function call(method, url, body, headers = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    return { status: response.status, text, json };
  }

  const randomId = () => Math.random().toString(36).slice(2, 10);
  // ':' and '@' are legal in a path segment (RFC 3986 pchar) and common in conversation ids; the gateway
  // matches path parameters as sent, so they are not percent-encoded
  const segment = (value) => encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/g, '@');

  function append(list, item) {
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function fileLink(url, name) {
    return el('a', { href: url, target: '_blank', rel: 'noopener' }, name || url);
  }

  // ------------------------------------------------------------ client pane (the bot)

  const botHeaders = () => ({ Authorization: 'Bearer ' + $('client-api-key').value.trim() });
  const conversationPath = () => '/api/v1/conversations/' + segment(client.conversationId);

  async function botCall(method, path, body) {
    const answer = await call(method, path, body, botHeaders());
    $('client-log').textContent = `${method} ${path}\n${body ? JSON.stringify(body) + '\n' : ''}→ ${answer.status} ${answer.text}`;
    return answer;
  }

  function useConversation(id) {
    client.conversationId = id;
    client.after = 0;
    $('client-events').replaceChildren();
    showState('–');
    $('client-operator').textContent = '';
    startPolling();
    refreshState();
  }

  function newConversation() {
    $('client-conversation').value = 'sandbox:user-' + randomId();
    useConversation($('client-conversation').value);
  }

  async function startHandoff() {
    const name = $('client-name').value.trim();
    const body = {
      conversationId: client.conversationId,
      requestId: 'req-' + randomId(),
      switch: {
        destination: $('client-destination').value,
        firstMessage: $('client-first-message').value,
        sendMessagesToOperator: true,
        sendMessageHistoryAmount: 10,
        closeChatPhrases: ['/close'],
        attributes: { source: 'sandbox console' },
      },
      history: [{ from: 'client', text: 'hi' }, { from: 'bot', text: 'Hello! How can I help?' }],
    };
    if (name) body.customer = { name };
    const answer = await botCall('POST', '/api/v1/handoffs', body);
    const ok = answer.status === 201;
    append($('client-events'), el('li', { className: ok ? 'note' : 'note failed' },
      ok ? `Handoff to ${answer.json.destination} (${answer.json.provider}, chat ${answer.json.providerChatId})`
         : `Handoff refused: ${answer.status} ${answer.json && (answer.json.detail || answer.json.title) || answer.text}`));
    await refreshState();
  }

  /** The Dialogflow end user's message: the door answers with the agent's replies (or takes it to the operator). */
  async function sendEndUserMessage(message, shown) {
    const body = { messageId: 'm-' + Date.now() + '-' + (++client.sent), ...message };
    const path = `/api/v1/dialogflow/${segment($('client-agent').value)}/conversations/${segment(client.conversationId)}/messages`;
    const answer = await botCall('POST', path, body);
    const ok = answer.status === 200 || answer.status === 202;
    append($('client-events'), el('li', { className: ok ? 'sent' : 'sent failed', 'data-status': answer.status },
      el('span', { className: 'meta' }, `you → ${answer.status} ${ok ? answer.json.state : ''}`), shown));
    if (!ok) {
      append($('client-events'), el('li', { className: 'note failed' }, answer.json && answer.json.detail || answer.text));
    } else if (answer.json.replies) {
      showReplies(answer.json.replies, 'reply');
      const handoff = answer.json.handoff;
      if (handoff) {
        append($('client-events'), el('li', { className: handoff.failed ? 'note failed' : 'note' }, handoff.failed
          ? `The agent asked for a person: ${handoff.failed}`
          : `The agent handed you to ${handoff.destination} (${handoff.provider}, chat ${handoff.providerChatId})`));
      }
    }
    startPolling();
    await refreshState();
  }

  function replyText(reply) {
    return reply.type === 'text' ? reply.text : JSON.stringify(reply.payload);
  }

  function showReplies(replies, kind) {
    for (const reply of replies) {
      append($('client-events'), el('li', { className: 'bot-reply', 'data-kind': kind },
        el('span', { className: 'meta' }, 'bot'), `Bot: ${replyText(reply)}`));
    }
  }

  function useMode(mode) {
    client.mode = mode;
    const dialogflow = dialogflowMode();
    for (const node of document.querySelectorAll('.bot-only')) node.hidden = dialogflow;
    for (const node of document.querySelectorAll('.dialogflow-only')) node.hidden = !dialogflow;
    $('client-hint').textContent = dialogflow ? 'plays a Dialogflow end user' : 'plays the bot';
    newConversation();
  }

  async function sendClientMessage(message, shown) {
    if (dialogflowMode()) return sendEndUserMessage(message, shown);
    const body = { messageId: 'm-' + Date.now() + '-' + (++client.sent), ...message };
    const answer = await botCall('POST', conversationPath() + '/messages', body);
    const ok = answer.status === 200 || answer.status === 202;
    append($('client-events'), el('li', { className: ok ? 'sent' : 'sent failed', 'data-status': answer.status },
      el('span', { className: 'meta' }, `client → ${answer.status} ${ok ? answer.json.state : ''}`), shown));
    await refreshState();
  }

  async function closeHandoff() {
    const answer = await botCall('POST', conversationPath() + '/close', {});
    append($('client-events'), el('li', { className: answer.status === 200 ? 'note' : 'note failed' },
      answer.status === 200 ? 'The bot ended the handoff' : `Close refused: ${answer.status}`));
    await refreshState();
  }

  /** Shows the conversation's state; Send and End handoff only work during a handoff, so only then are they enabled. */
  function showState(state) {
    $('client-state').textContent = state;
    const inHandoff = state === 'WAITING' || state === 'OPERATOR';
    for (const id of ['client-send', 'client-send-file', 'client-close']) $(id).disabled = !inHandoff;
    if (dialogflowMode()) $('client-send').disabled = false; // the agent answers while the bot owns the conversation
    $('client-start').disabled = inHandoff;
  }

  async function refreshState() {
    if (!client.conversationId) return;
    const answer = await call('GET', conversationPath(), undefined, botHeaders());
    if (answer.status === 200) {
      showState(answer.json.state);
      const op = answer.json.operator;
      $('client-operator').textContent = op ? `with ${op.name || op.id}` : '';
    } else {
      showState(answer.status === 404 ? (dialogflowMode() ? 'new (say something)' : 'unknown (no handoff yet)')
        : `error ${answer.status}`);
      $('client-operator').textContent = '';
    }
  }

  function describe(event) {
    const who = event.operator ? (event.operator.name || event.operator.id) : '';
    switch (event.type) {
      case 'operatorJoined': return `${who} joined`;
      case 'operatorMessage': return `${who}: ${event.text}`;
      case 'operatorFile': return el('span', {}, `${who} sent a file: `, fileLink(event.url, event.name));
      case 'livechatFinished': return `The handoff finished (${event.reason}): the conversation is the bot's again`;
      case 'noLivechatOperatorsOnline': return `Nobody online for ${event.destination}`;
      case 'chatTransferred': return `The chat was transferred (${event.reason})`;
      case 'botMessage': return event.replies.map((reply) => `Bot: ${replyText(reply)}`).join('\n');
      default: return JSON.stringify(event);
    }
  }

  function showEvent(event) {
    const at = event.at ? new Date(event.at).toLocaleTimeString() : '';
    append($('client-events'), el('li', { className: 'event', 'data-type': event.type, 'data-seq': event.seq },
      el('span', { className: 'meta' }, `event #${event.seq} ${event.type} ${at}`), describe(event)));
  }

  /** One long-poll loop per conversation id; a new id stops the old loop. */
  function startPolling() {
    const id = client.conversationId;
    if (client.polling && client.polling.id === id) return;
    if (client.polling) client.polling.controller.abort();
    const controller = new AbortController();
    client.polling = { id, controller };
    (async () => {
      while (!controller.signal.aborted) {
        try {
          const response = await fetch(`${conversationPath()}/events?after=${client.after}&wait=25`,
            { headers: botHeaders(), signal: controller.signal });
          if (response.status !== 200) { await sleep(1000); continue; } // 404: no handoff of it yet
          const answer = await response.json();
          if (controller.signal.aborted) return;
          for (const event of answer.events) {
            client.after = Math.max(client.after, event.seq);
            showEvent(event);
          }
          if (answer.events.length) await refreshState();
        } catch (e) {
          if (controller.signal.aborted) return;
          await sleep(1000);
        }
      }
    })();
  }

  // ------------------------------------------------------------ operator pane (the simulators' agent)

  function operatorIdentity() {
    const name = $('operator-name').value.trim() || 'Anna';
    return { operatorName: name, operatorId: name.toLowerCase().replace(/[^a-z0-9]+/g, '.') + '@sandbox.example' };
  }

  function chatPath(chat) {
    return `/sandbox/console/api/chats/${chat.provider}/${segment(chat.id)}`;
  }

  async function operatorAction(action, extra = {}) {
    if (!operator.selected) return;
    const answer = await call('POST', `${chatPath(operator.selected)}/${action}`, { ...operatorIdentity(), ...extra });
    $('operator-log').textContent = answer.status === 200 ? '' : `${action} → ${answer.status} ${answer.text}`;
    await refreshOperator(true);
    return answer;
  }

  function renderChats(chats) {
    const list = $('chats');
    if (!chats.length) {
      list.replaceChildren(el('li', { className: 'empty' }, 'No chats yet: start a handoff on the left.'));
      return;
    }
    // open chats first, each group newest first (the server's order)
    const ordered = chats.filter((c) => c.active).concat(chats.filter((c) => !c.active));
    list.replaceChildren(...ordered.map((chat) => {
      const selected = operator.selected && operator.selected.provider === chat.provider && operator.selected.id === chat.id;
      const item = el('li', {
        className: 'chat' + (selected ? ' selected' : ''),
        'data-provider': chat.provider, 'data-chat-id': chat.id, 'data-state': chat.state,
        'data-conversation-id': chat.conversationId,
      },
      el('span', { className: 'badge' }, chat.provider),
      el('span', { className: 'badge state' }, chat.state),
      el('strong', {}, chat.customerName || 'Guest'),
      ` · ${(chat.groups || []).join(', ')}`,
      el('span', { className: 'meta' }, `${chat.conversationId || chat.id}${chat.lastMessage ? ' — ' + chat.lastMessage : ''}`));
      item.addEventListener('click', () => select(chat));
      return item;
    }));
  }

  function renderChat(chat) {
    $('chat-view').hidden = false;
    $('chat-title').textContent = `${chat.customerName || 'Guest'} · ${chat.provider} ${chat.id} · ${chat.state}`
      + (chat.conversationId ? ` · ${chat.conversationId}` : '');
    $('chat-messages').replaceChildren(...chat.messages.map((message) => {
      const who = message.from === 'customer' ? (chat.customerName || 'Client')
        : message.from === 'operator' ? (message.author || 'Operator') : '';
      const body = message.url ? el('span', {}, 'file: ', fileLink(message.url, message.name)) : message.text;
      return el('li', { className: 'message', 'data-from': message.from },
        el('span', { className: 'meta' }, `${message.from}${who ? ' · ' + who : ''} · ${new Date(message.at).toLocaleTimeString()}`),
        body);
    }));
    $('chat-messages').scrollTop = $('chat-messages').scrollHeight;
    const open = chat.active;
    $('operator-join').hidden = chat.provider !== 'livechat';
    $('operator-join').disabled = !open || chat.state === 'talking';
    for (const id of ['operator-send', 'operator-send-file', 'operator-close']) $(id).disabled = !open;
  }

  function select(chat) {
    operator.selected = { provider: chat.provider, id: chat.id };
    operator.chatText = '';
    operator.chatsText = ''; // re-render the list to move the highlight
    refreshOperator(true);
  }

  /** Polls the simulators' state; re-renders only what changed, so the page does not flicker. */
  async function refreshOperator(force = false) {
    if (operator.busy && !force) return;
    operator.busy = true;
    try {
      const chats = await call('GET', '/sandbox/console/api/chats');
      if (chats.status === 200 && chats.text !== operator.chatsText) {
        operator.chatsText = chats.text;
        renderChats(chats.json.chats);
      }
      if (operator.selected) {
        const chat = await call('GET', chatPath(operator.selected));
        if (chat.status === 200 && chat.text !== operator.chatText) {
          operator.chatText = chat.text;
          operator.chat = chat.json;
          renderChat(chat.json);
        }
      }
    } catch (e) {
      $('operator-log').textContent = 'The gateway does not answer: ' + e;
    } finally {
      operator.busy = false;
    }
  }

  // ------------------------------------------------------------ wiring

  async function init() {
    const settings = (await call('GET', '/sandbox/console/api/settings')).json;
    $('client-api-key').value = settings.apiKey;
    $('client-destination').replaceChildren(...settings.destinations.map((d) =>
      el('option', { value: d.name, selected: d.name === settings.defaultDestination },
        `${d.name} — ${d.description || ''} (${d.provider})`)));
    $('operator-online').checked = settings.operatorsOnline;
    $('operator-file-url').value = settings.sampleFileUrl;
    $('operator-file-name').value = 'price-list.txt';
    $('client-file-url').value = settings.sampleFileUrl;
    const agents = settings.dialogflowAgents || [];
    $('client-agent').replaceChildren(...agents.map((name) => el('option', { value: name }, name)));
    $('client-mode').disabled = !agents.length; // no Dialogflow agent configured: only the bot can be played
    $('client-mode').addEventListener('change', () => useMode($('client-mode').value));

    $('client-new').addEventListener('click', newConversation);
    $('client-conversation').addEventListener('change', () => useConversation($('client-conversation').value.trim()));
    $('client-start').addEventListener('click', startHandoff);
    $('client-close').addEventListener('click', closeHandoff);
    $('client-message-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = $('client-text').value;
      if (!text.trim()) return;
      $('client-text').value = '';
      sendClientMessage({ text }, `You: ${text}`);
    });
    $('client-file-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const url = $('client-file-url').value.trim();
      if (url) sendClientMessage({ file: { url } }, el('span', {}, 'You sent a file: ', fileLink(url)));
    });

    $('operator-online').addEventListener('change', () =>
      call('PUT', '/sandbox/console/api/operators-online', { online: $('operator-online').checked }));
    $('operator-join').addEventListener('click', () => operatorAction('join'));
    $('operator-close').addEventListener('click', () => operatorAction('close'));
    $('operator-message-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = $('operator-text').value;
      if (!text.trim()) return;
      $('operator-text').value = '';
      operatorAction('messages', { text });
    });
    $('operator-file-form').addEventListener('submit', (e) => {
      e.preventDefault();
      operatorAction('files', { url: $('operator-file-url').value.trim(), name: $('operator-file-name').value.trim() });
    });

    newConversation();
    refreshOperator();
    setInterval(refreshOperator, 1000);
  }

  init();
})();
