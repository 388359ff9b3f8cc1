// Debug output of the runtime, silent unless NODE_DEBUG=listener-leak.
import { debuglog } from 'node:util';

export const debug = debuglog('listener-leak');
