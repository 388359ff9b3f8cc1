// The RPC connection manager: the HTTPS client and the tracker that keeps one record per outbound connection.
export { ConnectionTracker } from './connection-tracker.js';
export { HTTPClient } from './http-client.js';
