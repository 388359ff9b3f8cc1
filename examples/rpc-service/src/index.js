// Polls an RPC node over HTTPS, follows its websocket feed, and serves /health with connection stats.
import http from 'node:http';
import { ConnectionTracker, HTTPClient } from './rpc-connection-manager.js';
import { WebSocketClient } from './websocket-client.js';

const tracker = new ConnectionTracker();
const client = new HTTPClient({ endpoint: process.env.RPC_URL, connectionTracker: tracker });
const feed = new WebSocketClient(process.env.WS_URL);
let latestSlot = null;

const server = http.createServer(async (req, res) => {
  const startedAt = Date.now();
  res.on('finish', () => {
    console.log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - startedAt} ms`);
  });
  try {
    const version = await client.call('getVersion');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version, latestSlot, connections: tracker.getStats(), http: client.stats }));
  } catch (error) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: error.message }));
  }
});

// Once per incoming connection: the socket and its listener go away together.
const openSockets = new Set();
server.on('connection', (socket) => {
  openSockets.add(socket);
  socket.on('close', () => openSockets.delete(socket));
});

const poller = setInterval(async () => {
  try {
    latestSlot = await client.call('getSlot');
  } catch (error) {
    console.error(`getSlot failed: ${error.message}`);
  }
}, 2_000);

feed.on('message', (message) => console.log(`feed: ${message}`));
feed.connect();

process.on('SIGTERM', () => {
  clearInterval(poller);
  feed.disconnect();
  client.close();
  server.close();
  for (const socket of openSockets) socket.destroy();
});

server.listen(Number(process.env.PORT ?? 8080));
