// listener-leak/runtime: a socket registry to drop into a service, and a listener watcher that names the lines that
// add listeners. Zero dependencies: only node: builtins, nothing from the rest of the package.
export { SocketRegistry, type SocketRecord, type SocketRegistryOptions, type SocketRegistryStats } from './socket-registry.js';
export {
  formatListenerGrowth,
  formatListenerSite,
  watchListeners,
  type ListenerGrowth,
  type ListenerSite,
  type ListenerWatch,
  type WatchListenersOptions,
} from './watch-listeners.js';
export type { CallSite } from './call-site.js';
export { ListenerLeakCallbackWarning } from './callbacks.js';
