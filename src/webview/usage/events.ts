// What each message from the extension does to the dashboard: one handler per message type.
import type { MessageHandlers } from '../../core/common/chatProtocol';
import type { UsageHostMessage } from '../../core/common/usageProtocol';
import type { UsageApp } from './app';

export function usageHostHandlers(app: UsageApp): MessageHandlers<UsageHostMessage> {
  return {
    view: (msg) => app.show(msg.view),
  };
}
