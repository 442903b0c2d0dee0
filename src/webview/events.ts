// What each message from the extension does to the panel: one handler per message type, so a
// type handled nowhere fails to compile.
import type { HostMessage, MessageHandlers } from '../core/common/chatProtocol';
import { Announcements } from '../core/common/messages/chat';
import type { ChatApp } from './app';
import { liveAnswer } from './state';

export function hostHandlers(app: ChatApp): MessageHandlers<HostMessage> {
  const { state, thread, composer, history, chips, notices, actions } = app;
  return {
    init: (msg) => {
      state.models = msg.models;
      state.history = msg.history;
      app.showConversation(msg.conversation);
      state.streaming = msg.streaming
        ? { messageId: msg.streaming.messageId, nextSeq: msg.streaming.seq }
        : undefined;
      app.renderHistory();
      chips.render(msg.chips, msg.addable);
      app.updateButtons();
    },
    conversation: (msg) => {
      app.showConversation(msg.conversation);
      state.streaming = liveAnswer(msg.conversation);
      history.show(false);
      app.renderHistory();
      app.updateButtons();
    },
    history: (msg) => {
      state.history = msg.items;
      app.renderHistory();
    },
    chips: (msg) => chips.render(msg.chips, msg.addable),
    turnStart: (msg) => {
      if (!state.conv) return;
      state.conv.messages.push(msg.user, msg.assistant);
      thread.add(msg.user);
      thread.add(msg.assistant);
      state.streaming = { messageId: msg.assistant.id, nextSeq: 0 };
      thread.follow();
      thread.setEmpty(false);
      app.updateButtons();
    },
    delta: (msg) => {
      const s = state.streaming;
      if (!s || s.messageId !== msg.messageId || msg.seq < s.nextSeq) return;
      if (msg.seq > s.nextSeq) {
        // A delta went missing: the extension has the whole text, ask for it.
        state.streaming = undefined;
        actions.requestState();
        return;
      }
      s.nextSeq++;
      const view = thread.view(msg.messageId);
      if (msg.reasoning) view?.appendReasoning(msg.reasoning);
      if (msg.content) view?.appendContent(msg.content);
    },
    wait: (msg) => {
      thread.view(msg.messageId)?.showWait({
        reason: msg.reason,
        provider: msg.provider,
        attempt: msg.attempt,
        ...(msg.why !== undefined ? { why: msg.why } : {}),
        ...(msg.detail !== undefined ? { detail: msg.detail } : {}),
        ...(msg.hint !== undefined ? { hint: msg.hint } : {}),
        // The host sends a delay, not a time: the two sides' clocks may differ.
        ...(msg.delayMs !== undefined ? { untilMs: Date.now() + msg.delayMs } : {}),
        ...(msg.fallback !== undefined ? { fallback: msg.fallback } : {}),
      });
      thread.keepScrolled();
    },
    restart: (msg) => thread.view(msg.messageId)?.restart(msg.note),
    provider: (msg) => thread.view(msg.messageId)?.setProvider(msg.provider, msg.isFallback),
    turnEnd: (msg) => {
      thread.view(msg.messageId)?.end(msg.status, msg.error);
      if (state.streaming?.messageId === msg.messageId) state.streaming = undefined;
      if (msg.restoreInput) composer.restore(msg.restoreInput);
      notices.announce(
        msg.status === 'done'
          ? Announcements.done
          : msg.status === 'stopped'
            ? Announcements.stopped
            : Announcements.failed(msg.error?.message),
      );
      app.updateButtons();
      thread.keepScrolled();
    },
    showHistory: () => history.show(true),
    focusInput: () => {
      history.show(false);
      composer.focus();
    },
    notice: (msg) => notices.show(msg.text),
    storageNotice: (msg) => notices.showStorage(msg.problem, msg.text),
  };
}
