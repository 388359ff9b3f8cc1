// One record per outbound connection, so /health can report how many are open, idle or failing.
// HTTPClient (src/http-client.js) calls trackConnection for every response it gets.
import { randomUUID } from 'node:crypto';

export class ConnectionTracker {
  constructor(options = {}) {
    this.options = { trackingEnabled: true, logger: console, ...options };
    this.connections = new Map();
    this.stats = { tracked: 0, closed: 0, errors: 0 };
  }

  trackConnection(socket, metadata = {}) {
    if (!this.options.trackingEnabled || !socket) return;

    const connectionId = randomUUID();
    const now = Date.now();
    this.connections.set(connectionId, {
      socket,
      state: 'active',
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      openedAt: now,
      lastActivity: now,
      metadata,
    });
    this.stats.tracked++;

    socket.on('close', () => {
      this.handleConnectionClose(connectionId);
    });

    socket.on('error', (error) => {
      this.handleConnectionError(connectionId, error);
    });

    socket.on('data', () => {
      this.updateLastActivity(connectionId);
    });

    return connectionId;
  }

  handleConnectionClose(connectionId) {
    if (!this.connections.delete(connectionId)) return;
    this.stats.closed++;
  }

  handleConnectionError(connectionId, error) {
    const connection = this.connections.get(connectionId);
    if (!connection) return;
    connection.state = 'errored';
    connection.lastError = error.message;
    this.stats.errors++;
    this.options.logger.warn(`connection ${connection.remote} failed: ${error.message}`);
  }

  updateLastActivity(connectionId) {
    const connection = this.connections.get(connectionId);
    if (connection) connection.lastActivity = Date.now();
  }

  getStats() {
    let active = 0;
    for (const connection of this.connections.values()) {
      if (connection.state === 'active') active++;
    }
    return { ...this.stats, open: this.connections.size, active };
  }
}
