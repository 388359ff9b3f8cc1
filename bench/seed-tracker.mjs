// The seed's tracker (the example service's, which is the seed's unchanged) and the seed's "scan for an existing
// connection" fix (its "Option 1"), for bench/runtime.mjs.

/**
 * The seed's ConnectionTracker: a record and three listeners per call, on whatever socket it is given. The example
 * service's tracker is the seed's, unchanged, so it is measured from there rather than copied.
 */

import { ConnectionTracker as SeedTracker } from '../examples/rpc-service/src/connection-tracker.js';

export { SeedTracker };

/** The seed's "Option 1: check for existing listeners": scan every record for this socket before adding any. */
export class ScanningSeedTracker extends SeedTracker {
  trackConnection(socket, metadata = {}) {
    if (!this.options.trackingEnabled || !socket) return;

    // Check if we're already tracking this socket (the seed computes this id and never uses it; kept as written).
    const socketId = `${socket.remoteAddress}:${socket.remotePort}`;
    for (const [connId, conn] of this.connections) {
      if (conn.socket === socket && conn.state === 'active') {
        // Update existing connection info
        conn.lastActivity = Date.now();
        return;
      }
    }

    return super.trackConnection(socket, metadata);
  }
}
