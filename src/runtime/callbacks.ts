// A user callback that throws inside a socket's event must neither break that event for Node's own listeners nor
// vanish: it becomes a process warning that carries the thrown error as its cause.

export class ListenerLeakCallbackWarning extends Error {
  override name = 'ListenerLeakCallbackWarning';
}

/**
 * Calls `owner[name](...args)` when it is a function; anything it throws becomes a process warning instead of
 * reaching the emitter (or the caller of track()), so the tracker never changes how the code it watches behaves.
 */
export function callSafely<Owner extends object, Name extends keyof Owner & string>(
  owner: Owner,
  name: Name,
  ...args: Owner[Name] extends ((...parameters: infer Parameters) => unknown) | undefined ? Parameters : never
): void {
  const callback: unknown = owner[name];
  if (typeof callback !== 'function') return;
  try {
    Reflect.apply(callback, owner, args);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(
      new ListenerLeakCallbackWarning(
        `listener-leak: the ${name} callback threw (${reason}); it was caught so that the emitter's other listeners ` +
          `still run. Catch errors inside ${name} to handle them yourself.`,
        { cause: error },
      ),
    );
  }
}
