// Follows the RPC node's websocket feed and reconnects with exponential backoff when it drops.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

export class WebSocketClient extends EventEmitter {
  constructor(url, { heartbeatMs = 30_000, maxBackoffMs = 30_000 } = {}) {
    super();
    this.url = url;
    this.heartbeatMs = heartbeatMs;
    this.maxBackoffMs = maxBackoffMs;
    this.ws = null;
    this.attempts = 0;
    this.alive = false;
    this.closing = false;
    this.heartbeatTimer = null;
    this.reconnectTimer = null;
  }

  connect() {
    this.closing = false;
    this.ws = new WebSocket(this.url, { handshakeTimeout: 10_000 });

    this.ws.on('open', () => {
      this.attempts = 0;
      this.startHeartbeat();
      this.emit('connected');
    });
    this.ws.on('message', (data) => this.emit('message', data.toString()));
    this.ws.on('pong', () => {
      this.alive = true;
    });
    this.ws.on('error', (error) => this.emit('connection-error', error));
    this.ws.on('close', (code) => {
      this.stopHeartbeat();
      this.emit('disconnected', code);
      if (!this.closing) this.scheduleReconnect();
    });

    // Close the feed cleanly when the operator presses Ctrl-C.
    process.on('SIGINT', () => this.disconnect());
  }

  scheduleReconnect() {
    const delay = Math.min(1000 * 2 ** this.attempts, this.maxBackoffMs);
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.alive = true;
    this.heartbeatTimer = setInterval(() => {
      if (!this.alive) {
        this.ws.terminate();
        return;
      }
      this.alive = false;
      this.ws.ping();
    }, this.heartbeatMs);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  disconnect() {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    if (this.ws) {
      this.ws.close(1000, 'client shutdown');
      this.ws = null;
    }
  }
}
