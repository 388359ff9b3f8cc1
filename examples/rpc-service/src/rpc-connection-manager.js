// The RPC connection manager: an HTTPS JSON-RPC client on a keep-alive agent, and the tracker that keeps
// one record per outbound connection so /health can report how many are open, idle or failing.
import https from 'node:https';
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

export class HTTPClient {
  constructor({ endpoint, connectionTracker = null, agentOptions = {}, timeoutMs = 10_000 } = {}) {
    this.endpoint = endpoint;
    this.connectionTracker = connectionTracker;
    this.timeoutMs = timeoutMs;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 50, ...agentOptions });
    this.stats = { requests: 0, failures: 0, socketsReleased: 0 };
    this.nextId = 1;

    // Once per client: the agent emits 'free' each time a socket goes back to the pool.
    this.agent.on('free', () => {
      this.stats.socketsReleased++;
    });
  }

  request(url, options = {}) {
    const { body, headers = {}, ...requestOptions } = options;
    const method = options.method || 'GET';
    this.stats.requests++;

    return new Promise((resolve, reject) => {
      const req = https.request(url, { ...requestOptions, method, headers, agent: this.agent }, (res) => {
        if (res.socket && this.connectionTracker) {
          this.connectionTracker.trackConnection(res.socket, {
            url,
            method: options.method || 'GET',
          });
        }

        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            statusCode: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      });

      req.on('error', (error) => {
        this.stats.failures++;
        reject(error);
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(new Error(`${method} ${url} timed out after ${this.timeoutMs} ms`));
      });

      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async call(method, params = []) {
    const payload = JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params });
    const response = await this.request(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      body: payload,
    });
    if (response.statusCode !== 200) {
      throw new Error(`${method}: HTTP ${response.statusCode} from ${this.endpoint}`);
    }
    const message = JSON.parse(response.body);
    if (message.error) throw new Error(`${method}: ${message.error.message}`);
    return message.result;
  }

  close() {
    this.agent.destroy();
  }
}
