// An HTTPS JSON-RPC client on a keep-alive agent. It hands every response's socket to the connection tracker
// it is given (src/connection-tracker.js).
import https from 'node:https';

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
