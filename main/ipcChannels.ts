// The IPC channel names between the preload and main, and the messages main pushes to the window. One place,
// so the allow-list in main and the calls in the preload cannot drift apart.
import type { BridgeSocketEvent, BridgeStreamEvent } from './shoalBridge.ts';

export const IPC = {
  /** invoke(TransportRequest) → TransportResponse */
  request: 'shoal:request',
  /** send({ id, path, protocols }) */
  socketOpen: 'shoal:socket-open',
  /** send({ id, data }) */
  socketSend: 'shoal:socket-send',
  /** send({ id }) */
  socketClose: 'shoal:socket-close',
  /** send({ id, path }) */
  streamOpen: 'shoal:stream-open',
  /** send({ id }) */
  streamCancel: 'shoal:stream-cancel',
  /** send({ id, bytes }): the window has handed this many bytes of a relay's events to its listener. */
  ack: 'shoal:ack',
  /** invoke() → DesktopSettings */
  settingsGet: 'shoal:settings-get',
  /** invoke(Partial<DesktopSettings>) → DesktopSettings */
  settingsSet: 'shoal:settings-set',
  /** main → window: RelayEventMessage */
  event: 'shoal:event',
} as const;

/** One event of a socket or stream relay, pushed by main to the window that opened it. */
export interface RelayEventMessage {
  id: string;
  event: BridgeSocketEvent | BridgeStreamEvent;
}
